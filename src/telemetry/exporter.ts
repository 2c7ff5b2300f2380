// Sends vitals over OTLP/HTTP with the official OpenTelemetry exporters: each record as a log
// record (its original time kept), each span of a session's trace, and metric points. The log
// records and spans are built once, in the shape the OTLP exporters serialise, and queued here
// (see ExportQueue): the SDK's per-record objects, attribute checks and processors would cost more
// CPU than the export itself. Exporting never disturbs the caller: the queues are bounded, failed
// requests back off, and every failure stays inside; `shutdown` says what was sent and what was not.
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import type { Attributes, Histogram, HrTime, ObservableResult } from '@opentelemetry/api';
import { millisToHrTime, type InstrumentationScope } from '@opentelemetry/core';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { PRODUCT_VERSION } from '../core/version';
import { CALM, DESPERATE } from '../contracts/reading';
import {
  ATTR,
  EVENT_FLAG,
  EVENT_GUARD,
  EVENT_TEST_RUN,
  EVENT_TURN,
  GEN_AI_AGENT_NAME,
  METRIC,
  type RecordValue,
} from './attributes';
import type { TelemetryConfig } from './config';
import { LogItem, SpanItem } from './otlp-items';
import { ExportQueue, type QueueCounts } from './export-queue';
import type { TelemetrySink, VitalsRecord } from './records';
import type { VitalsSpan } from './session-trace';

export interface ExportLimits {
  /** Log records, and spans, held for export at most; more are dropped and counted. */
  maxQueueSize: number;
  /** How long one request may take before it counts as failed. */
  timeoutMillis: number;
  /** How often metrics are sent. */
  metricIntervalMillis: number;
}

export const DEFAULT_EXPORT_LIMITS: ExportLimits = {
  maxQueueSize: 4096,
  timeoutMillis: 10_000,
  metricIntervalMillis: 30_000,
};

export interface ExportCounts {
  logs: QueueCounts;
  spans: QueueCounts;
}

/** What was sent, for the status line and the log. */
export function describeCounts({ logs, spans }: ExportCounts): string {
  const one = (c: QueueCounts, what: string) =>
    `${c.exported} of ${c.offered} ${what} sent, ${c.failed} failed, ${c.dropped} dropped`;
  return `${one(logs, 'records')}; ${one(spans, 'spans')}`;
}

/** Named when the user names it, otherwise a stable hash that identifies without revealing. */
export function hashedUnlessNamed(name: string | undefined, value: string): string {
  return name ?? `sha256:${createHash('sha256').update(value).digest('hex').slice(0, 16)}`;
}

/**
 * Log records and spans per export request: a backfill sends tens of thousands, and each request
 * costs CPU of its own (a 2,048-record request is about 0.6 MB, far below a Collector's limit).
 */
const BATCH_SIZE = 2048;
/** How long a part batch waits for more. */
const BATCH_DELAY_MS = 1_000;

const SCOPE: InstrumentationScope = { name: 'agent-vitals', version: PRODUCT_VERSION };
/** The emotions whose per-turn means are also metrics (every emotion read is in the log records). */
const METRIC_EMOTIONS = [DESPERATE, CALM];
const METRIC_MEANS = METRIC_EMOTIONS.map((emotion) => `${ATTR.reading}.${emotion}.mean`);

/** An agent's histogram attribute sets. */
interface AgentSets {
  agent: Attributes;
  /** By METRIC_EMOTIONS' order. */
  emotions: Attributes[];
}

/**
 * A counter by some of a record's attributes, summed here and read by the SDK at each collection:
 * a record costs one map update, and builds no object, instead of the SDK's attribute hashing (a
 * backfill counts tens of thousands).
 */
class Tally {
  private readonly totals = new Map<string, { attributes: Attributes; value: number }>();
  constructor(private readonly keys: readonly string[]) {}
  /** Counts one record by its values of this tally's keys (those it lacks are left out). */
  add(record: Record<string, RecordValue>): void {
    let key = '';
    for (const k of this.keys) key += `${record[k] ?? ''}\u0000`;
    const total = this.totals.get(key);
    if (total) {
      total.value++;
      return;
    }
    const attributes: Attributes = {};
    for (const k of this.keys) if (record[k] !== undefined) attributes[k] = record[k];
    this.totals.set(key, { attributes, value: 1 });
  }
  observe(result: ObservableResult): void {
    for (const { attributes, value } of this.totals.values()) result.observe(value, attributes);
  }
}

export class VitalsExporter implements TelemetrySink {
  private readonly resource: Resource;
  private readonly logs: ExportQueue<ReadableLogRecord>;
  /** Absent when no traces endpoint is configured. */
  private readonly spans: ExportQueue<ReadableSpan> | undefined;
  private readonly metrics: MeterProvider;
  private readonly turns = new Tally([GEN_AI_AGENT_NAME, ATTR.role]);
  private readonly testRuns = new Tally([GEN_AI_AGENT_NAME, ATTR.testOutcome, ATTR.testFramework]);
  private readonly flags = new Tally([GEN_AI_AGENT_NAME, ATTR.flagSeverity, ATTR.flagStatus]);
  private readonly guard = new Tally([GEN_AI_AGENT_NAME, ATTR.guardEvent, ATTR.guardTier]);
  /** Made once per agent: an assistant turn's three histogram points then build no objects. */
  private readonly agentSets = new Map<string, AgentSets>();
  private readonly reading: Histogram;
  private readonly pressure: Histogram;
  private closed: Promise<ExportCounts> | undefined;
  private observedMs = 0;
  private observed: HrTime = [0, 0];

  constructor(
    config: TelemetryConfig,
    workspaceRoot: string | undefined,
    limits: ExportLimits = DEFAULT_EXPORT_LIMITS,
  ) {
    const resource = (this.resource = resourceFromAttributes({
      [ATTR_SERVICE_NAME]: 'agent-vitals',
      [ATTR_SERVICE_VERSION]: PRODUCT_VERSION,
      [ATTR.machine]: hashedUnlessNamed(config.machineName, hostname()),
      ...(workspaceRoot || config.workspaceName
        ? { [ATTR.workspace]: hashedUnlessNamed(config.workspaceName, workspaceRoot ?? '') }
        : {}),
    }));
    const transport = { headers: config.headers, timeoutMillis: limits.timeoutMillis };
    const json = config.protocol === 'http/json';
    const logExporter = json
      ? new JsonLogExporter({ ...transport, url: config.logsUrl })
      : new ProtoLogExporter({ ...transport, url: config.logsUrl });
    const queueLimits = {
      maxQueueSize: limits.maxQueueSize,
      batchSize: Math.min(BATCH_SIZE, limits.maxQueueSize),
      delayMillis: BATCH_DELAY_MS,
    };
    this.logs = new ExportQueue(logExporter, queueLimits);
    const tracesUrl = config.tracesUrl;
    if (tracesUrl)
      this.spans = new ExportQueue(
        json
          ? new JsonTraceExporter({ ...transport, url: tracesUrl })
          : new ProtoTraceExporter({ ...transport, url: tracesUrl }),
        queueLimits,
      );
    const metricExporter = json
      ? new JsonMetricExporter({ ...transport, url: config.metricsUrl })
      : new ProtoMetricExporter({ ...transport, url: config.metricsUrl });
    this.metrics = new MeterProvider({
      resource,
      readers: [
        new PeriodicExportingMetricReader({
          exporter: metricExporter,
          exportIntervalMillis: limits.metricIntervalMillis,
          exportTimeoutMillis: limits.timeoutMillis,
        }),
      ],
    });
    const meter = this.metrics.getMeter('agent-vitals', PRODUCT_VERSION);
    const counter = (name: string, description: string, tally: Tally) =>
      meter.createObservableCounter(name, { description }).addCallback((result) => tally.observe(result));
    counter(METRIC.turns, 'Agent turns seen', this.turns);
    counter(METRIC.testRuns, 'Test runs, by outcome', this.testRuns);
    counter(METRIC.flags, 'Test-tamper flags raised or changed, by severity and status', this.flags);
    counter(METRIC.guard, 'Guard hook decisions by tier, and end-of-turn audits', this.guard);
    this.reading = meter.createHistogram(METRIC.reading, {
      description: 'Mean z-score of each read assistant turn, per emotion',
    });
    this.pressure = meter.createHistogram(METRIC.pressure, {
      description: 'Behavioural pressure at each assistant turn',
    });
  }

  /** Whether spans are sent (a traces endpoint is configured). */
  get traced(): boolean {
    return this.spans !== undefined;
  }

  /** Queues one record; never throws. */
  emit(record: VitalsRecord): void {
    if (this.closed) return;
    try {
      // Metrics keep counting (they are sums, sent once the endpoint is back); log records past
      // the queue's bound, or while exports back off, are dropped.
      this.measure(record);
      if (record.metricsOnly) return;
      if (!this.logs.accepts()) return this.logs.reject();
      this.logs.offer(
        new LogItem(
          record.eventName,
          Date.parse(record.ts),
          this.observedNow(),
          record.attributes,
          record.body,
          record.span,
          this.resource,
          SCOPE,
        ),
      );
    } catch {
      // A record that cannot be built is not the caller's problem: it is counted as dropped.
      this.logs.reject();
    }
  }

  /** Now, as the time a record was observed: one array per millisecond, not one per record. */
  private observedNow(): HrTime {
    const now = Date.now();
    if (now !== this.observedMs) {
      this.observedMs = now;
      this.observed = millisToHrTime(now);
    }
    return this.observed;
  }

  /** Queues one span of a session's trace (nothing without a traces endpoint); never throws. */
  span(span: VitalsSpan): void {
    if (this.closed || !this.spans) return;
    if (this.spans.accepts()) this.spans.offer(new SpanItem(span, this.resource, SCOPE));
    else this.spans.reject();
  }

  private measure(record: VitalsRecord): void {
    const a = record.attributes;
    if (record.eventName === EVENT_TURN) {
      this.turns.add(a);
      if (a[ATTR.role] !== 'assistant') return;
      const sets = this.setsOf(String(a[GEN_AI_AGENT_NAME]));
      this.pressure.record(a[ATTR.pressureScore] as number, sets.agent);
      METRIC_MEANS.forEach((key, i) => {
        const mean = a[key];
        if (typeof mean === 'number') this.reading.record(mean, sets.emotions[i]);
      });
    } else if (record.eventName === EVENT_TEST_RUN) this.testRuns.add(a);
    else if (record.eventName === EVENT_FLAG) this.flags.add(a);
    else if (record.eventName === EVENT_GUARD) this.guard.add(a);
  }

  private setsOf(name: string): AgentSets {
    let sets = this.agentSets.get(name);
    if (!sets) {
      const agent = { [GEN_AI_AGENT_NAME]: name };
      sets = { agent, emotions: METRIC_EMOTIONS.map((emotion) => ({ ...agent, [METRIC.emotion]: emotion })) };
      this.agentSets.set(name, sets);
    }
    return sets;
  }

  /**
   * Undefined while both queues have room for a batch more; otherwise a promise that resolves once
   * a request under way is done: a backfill waits on it instead of dropping; live watching never
   * waits and drops past the bound. While exports back off, nothing waits.
   */
  room(): Promise<void> | undefined {
    if (this.closed) return undefined;
    return this.logs.room() ?? this.spans?.room();
  }

  /** What was sent so far. */
  counts(): ExportCounts {
    return { logs: this.logs.counts(), spans: this.spans?.counts() ?? NOTHING };
  }

  /** Sends what is queued, then stops; resolves with the final counts and never rejects. */
  shutdown(): Promise<ExportCounts> {
    this.closed ??= (async () => {
      await Promise.allSettled([this.logs.shutdown(), this.spans?.shutdown(), this.metrics.shutdown()]);
      return this.counts();
    })();
    return this.closed;
  }
}

const NOTHING: QueueCounts = { offered: 0, exported: 0, failed: 0, dropped: 0 };
