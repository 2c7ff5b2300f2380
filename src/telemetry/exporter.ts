// Sends vitals records over OTLP/HTTP with the official OpenTelemetry SDK: each record as a log
// record (its original time kept) and as metric points. Exporting never disturbs the caller: the
// log queue is bounded (records past it are dropped and counted), the OTLP exporters retry with
// backoff, and every failure stays inside; `shutdown` says what was sent and what was not.
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import type { Attributes, Counter, Histogram } from '@opentelemetry/api';
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
import { ATTR, EVENT_FLAG, EVENT_TEST_RUN, EVENT_TURN, GEN_AI_AGENT_NAME, METRIC } from './attributes';
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
  constructor(private readonly inner: LogRecordExporter) {}
  export(logs: ReadableLogRecord[], done: (result: ExportResult) => void): void {
    this.inner.export(logs, (result) => {
      if (result.code === ExportResultCode.SUCCESS) this.exported += logs.length;
      else this.failed += logs.length;
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

const READING_MEAN = new RegExp(`^${ATTR.reading.replace(/\./g, '\\.')}\\.(.+)\\.mean$`);

export class VitalsExporter {
  private readonly logs: LoggerProvider;
  private readonly logger: Logger;
  private readonly counting: CountingLogExporter;
  private readonly metrics: MeterProvider;
  private readonly turns: Counter;
  private readonly reading: Histogram;
  private readonly pressure: Histogram;
  private readonly testRuns: Counter;
  private readonly flags: Counter;
  private records = 0;
  private closed: Promise<ExportCounts> | undefined;

  constructor(
    config: TelemetryConfig,
    workspaceRoot: string | undefined,
    limits: ExportLimits = DEFAULT_EXPORT_LIMITS,
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
          maxExportBatchSize: Math.min(512, limits.maxQueueSize),
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
    this.turns = meter.createCounter(METRIC.turns, { description: 'Agent turns seen' });
    this.reading = meter.createHistogram(METRIC.reading, {
      description: 'Mean z-score of each read assistant turn, per emotion',
    });
    this.pressure = meter.createHistogram(METRIC.pressure, {
      description: 'Behavioural pressure at each assistant turn',
    });
    this.testRuns = meter.createCounter(METRIC.testRuns, { description: 'Test runs, by outcome' });
    this.flags = meter.createCounter(METRIC.flags, {
      description: 'Test-tamper flags raised or changed, by severity and status',
    });
  }

  /** Queues one record; never throws. */
  emit(record: VitalsRecord): void {
    if (this.closed) return;
    try {
      this.records++;
      this.logger.emit({
        eventName: record.eventName,
        timestamp: new Date(record.ts),
        attributes: record.attributes,
        ...(record.body !== undefined ? { body: record.body } : {}),
      });
      this.measure(record);
    } catch {
      // A record the SDK cannot take is not the caller's problem; `shutdown` counts it as dropped.
    }
  }

  private measure(record: VitalsRecord): void {
    const a = record.attributes;
    const agent: Attributes = { [GEN_AI_AGENT_NAME]: a[GEN_AI_AGENT_NAME] };
    if (record.eventName === EVENT_TURN) {
      this.turns.add(1, { ...agent, [ATTR.role]: a[ATTR.role] });
      if (a[ATTR.role] !== 'assistant') return;
      this.pressure.record(a[ATTR.pressureScore] as number, agent);
      for (const [key, value] of Object.entries(a)) {
        const emotion = READING_MEAN.exec(key)?.[1];
        if (emotion && typeof value === 'number') this.reading.record(value, { ...agent, [METRIC.emotion]: emotion });
      }
    } else if (record.eventName === EVENT_TEST_RUN) {
      this.testRuns.add(1, {
        ...agent,
        [ATTR.testOutcome]: a[ATTR.testOutcome],
        [ATTR.testFramework]: a[ATTR.testFramework],
      });
    } else if (record.eventName === EVENT_FLAG) {
      this.flags.add(1, { ...agent, [ATTR.flagSeverity]: a[ATTR.flagSeverity], [ATTR.flagStatus]: a[ATTR.flagStatus] });
    }
  }

  /** What was sent so far. */
  counts(): ExportCounts {
    const { exported, failed } = this.counting;
    return { records: this.records, exported, failed, dropped: this.records - exported - failed };
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
