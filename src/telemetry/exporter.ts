// Sends vitals records over OTLP/HTTP with the official OpenTelemetry SDK: each record as a log
// record (its original time kept) and as metric points. Exporting never disturbs the caller: the
// log queue is bounded (records past it are dropped and counted), the OTLP exporters retry with
// backoff, and every failure stays inside; `shutdown` says what was sent and what was not.
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import type { Attributes, Histogram, ObservableResult } from '@opentelemetry/api';
import type { Logger } from '@opentelemetry/api-logs';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchLogRecordProcessor,
  LoggerProvider,
  type LogRecordExporter,
  type ReadableLogRecord,
} from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { PRODUCT_VERSION } from '../core/version';
import { CALM, DESPERATE } from '../contracts/reading';
import { ATTR, EVENT_FLAG, EVENT_GUARD, EVENT_TEST_RUN, EVENT_TURN, GEN_AI_AGENT_NAME, METRIC } from './attributes';
import type { TelemetryConfig } from './config';
import type { VitalsRecord } from './records';

export interface ExportLimits {
  /** Log records held for export at most; more are dropped and counted. */
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
  /** Log records handed to the exporter. */
  records: number;
  exported: number;
  /** Sent but refused, or not reachable after the retries. */
  failed: number;
  /** Dropped from a full queue or still queued at shutdown. */
  dropped: number;
}

/** Named when the user names it, otherwise a stable hash that identifies without revealing. */
export function hashedUnlessNamed(name: string | undefined, value: string): string {
  return name ?? `sha256:${createHash('sha256').update(value).digest('hex').slice(0, 16)}`;
}

/** Counts what the wrapped exporter delivered and what it did not. */
class CountingLogExporter implements LogRecordExporter {
  exported = 0;
  failed = 0;
  /** Failed exports in a row, and until when a backfill should not wait on the next. */
  failures = 0;
  backoffUntil = 0;
  constructor(private readonly inner: LogRecordExporter) {}
  export(logs: ReadableLogRecord[], done: (result: ExportResult) => void): void {
    // Backing off: the batch fails here, without encoding it or touching the network.
    if (Date.now() < this.backoffUntil) {
      this.failed += logs.length;
      done({ code: ExportResultCode.FAILED });
      return;
    }
    this.inner.export(logs, (result) => {
      if (result.code === ExportResultCode.SUCCESS) {
        this.exported += logs.length;
        this.failures = 0;
      } else {
        this.failed += logs.length;
        this.failures++;
        this.backoffUntil = Date.now() + Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (this.failures - 1));
      }
      done(result);
    });
  }
  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

/** Log records per export request. */
const BATCH_SIZE = 512;

const MAX_BACKOFF_MS = 60_000;

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
 * A counter summed here and read by the SDK at each collection: a record costs one map update
 * instead of the SDK's attribute hashing (a backfill counts tens of thousands).
 */
class Tally {
  private readonly totals = new Map<string, { attributes: Attributes; value: number }>();
  add(attributes: Attributes): void {
    const key = Object.values(attributes).join('\u0000');
    const total = this.totals.get(key);
    if (total) total.value++;
    else this.totals.set(key, { attributes, value: 1 });
  }
  observe(result: ObservableResult): void {
    for (const { attributes, value } of this.totals.values()) result.observe(value, attributes);
  }
}

export class VitalsExporter {
  private readonly logs: LoggerProvider;
  private readonly logger: Logger;
  private readonly counting: CountingLogExporter;
  private readonly metrics: MeterProvider;
  private readonly turns = new Tally();
  private readonly testRuns = new Tally();
  private readonly flags = new Tally();
  private readonly guard = new Tally();
  /** Made once per agent: an assistant turn's three histogram points then build no objects. */
  private readonly agentSets = new Map<string, AgentSets>();
  private readonly reading: Histogram;
  private readonly pressure: Histogram;
  private records = 0;
  /** Records not queued because the queue was full. */
  private dropped = 0;
  private closed: Promise<ExportCounts> | undefined;

  constructor(
    config: TelemetryConfig,
    workspaceRoot: string | undefined,
    private readonly limits: ExportLimits = DEFAULT_EXPORT_LIMITS,
  ) {
    const resource = resourceFromAttributes({
      [ATTR_SERVICE_NAME]: 'agent-vitals',
      [ATTR_SERVICE_VERSION]: PRODUCT_VERSION,
      [ATTR.machine]: hashedUnlessNamed(config.machineName, hostname()),
      ...(workspaceRoot || config.workspaceName
        ? { [ATTR.workspace]: hashedUnlessNamed(config.workspaceName, workspaceRoot ?? '') }
        : {}),
    });
    const transport = { headers: config.headers, timeoutMillis: limits.timeoutMillis };
    const json = config.protocol === 'http/json';
    const logExporter = json
      ? new JsonLogExporter({ ...transport, url: config.logsUrl })
      : new ProtoLogExporter({ ...transport, url: config.logsUrl });
    this.counting = new CountingLogExporter(logExporter);
    this.logs = new LoggerProvider({
      resource,
      processors: [
        new BatchLogRecordProcessor({
          exporter: this.counting,
          maxQueueSize: limits.maxQueueSize,
          maxExportBatchSize: Math.min(BATCH_SIZE, limits.maxQueueSize),
          exportTimeoutMillis: limits.timeoutMillis,
        }),
      ],
    });
    this.logger = this.logs.getLogger('agent-vitals');
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

  /** Queues one record; never throws. */
  emit(record: VitalsRecord): void {
    if (this.closed) return;
    try {
      this.measure(record);
      if (record.metricsOnly) return;
      this.records++;
      // Metrics keep counting (they are sums, sent once the endpoint is back); log records past
      // the queue's bound, or while exports back off, are dropped.
      if (this.queued() >= this.limits.maxQueueSize || Date.now() < this.counting.backoffUntil) {
        this.dropped++;
        return;
      }
      this.logger.emit({
        eventName: record.eventName,
        timestamp: new Date(record.ts),
        attributes: record.attributes,
        ...(record.body !== undefined ? { body: record.body } : {}),
      });
    } catch {
      // A record the SDK cannot take is not the caller's problem: it is counted as dropped.
      this.dropped++;
    }
  }

  private measure(record: VitalsRecord): void {
    const a = record.attributes;
    const agent: Attributes = { [GEN_AI_AGENT_NAME]: a[GEN_AI_AGENT_NAME] };
    if (record.eventName === EVENT_TURN) {
      this.turns.add({ ...agent, [ATTR.role]: a[ATTR.role] });
      if (a[ATTR.role] !== 'assistant') return;
      const sets = this.setsOf(agent);
      this.pressure.record(a[ATTR.pressureScore] as number, sets.agent);
      METRIC_MEANS.forEach((key, i) => {
        const mean = a[key];
        if (typeof mean === 'number') this.reading.record(mean, sets.emotions[i]);
      });
    } else if (record.eventName === EVENT_TEST_RUN) {
      this.testRuns.add({
        ...agent,
        [ATTR.testOutcome]: a[ATTR.testOutcome],
        [ATTR.testFramework]: a[ATTR.testFramework],
      });
    } else if (record.eventName === EVENT_FLAG) {
      this.flags.add({ ...agent, [ATTR.flagSeverity]: a[ATTR.flagSeverity], [ATTR.flagStatus]: a[ATTR.flagStatus] });
    } else if (record.eventName === EVENT_GUARD) {
      this.guard.add({
        ...agent,
        [ATTR.guardEvent]: a[ATTR.guardEvent],
        ...(a[ATTR.guardTier] !== undefined ? { [ATTR.guardTier]: a[ATTR.guardTier] } : {}),
      });
    }
  }

  private setsOf(agent: Attributes): AgentSets {
    const name = String(agent[GEN_AI_AGENT_NAME]);
    let sets = this.agentSets.get(name);
    if (!sets) {
      sets = { agent, emotions: METRIC_EMOTIONS.map((emotion) => ({ ...agent, [METRIC.emotion]: emotion })) };
      this.agentSets.set(name, sets);
    }
    return sets;
  }

  /**
   * Resolves once the log queue has room for a batch more, sending what it holds if not: a
   * backfill waits here instead of dropping; live watching never waits and drops past the bound.
   * While exports fail (backing off), it does not wait: records past the bound are dropped.
   */
  async room(): Promise<void> {
    if (this.closed || this.queued() < this.limits.maxQueueSize - BATCH_SIZE || Date.now() < this.counting.backoffUntil)
      return;
    await this.logs.forceFlush().catch(() => undefined);
  }

  /** Records in the queue or in an export under way. */
  private queued(): number {
    return this.records - this.dropped - this.counting.exported - this.counting.failed;
  }

  /** What was sent so far. */
  counts(): ExportCounts {
    const { exported, failed } = this.counting;
    return { records: this.records, exported, failed, dropped: this.dropped + this.queued() };
  }

  /** Sends what is queued, then stops; resolves with the final counts and never rejects. */
  shutdown(): Promise<ExportCounts> {
    this.closed ??= (async () => {
      await Promise.allSettled([this.logs.shutdown(), this.metrics.shutdown()]);
      return this.counts();
    })();
    return this.closed;
  }
}
