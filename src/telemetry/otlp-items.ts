// Log records and spans in the shape the official OTLP exporters serialise (the SDK's
// ReadableLogRecord and ReadableSpan), made directly from Agent Vitals' records. Each is a class
// with every field always present, so tens of thousands share one object shape: quicker to make,
// and the exporters' encoders read them without falling back to slower property lookups.
import {
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  type HrTime,
  type SpanContext,
  type SpanStatus,
} from '@opentelemetry/api';
import { millisToHrTime, type InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import type { Link } from '@opentelemetry/api';
import type { RecordValue } from './attributes';
import type { VitalsSpan } from './session-trace';

const UNSET: SpanStatus = { code: SpanStatusCode.UNSET };
const ERROR: SpanStatus = { code: SpanStatusCode.ERROR };
const NONE: never[] = [];

export class LogItem implements ReadableLogRecord {
  readonly hrTime: HrTime;
  readonly spanContext: SpanContext | undefined;
  readonly droppedAttributesCount = 0;
  readonly severityNumber = undefined;
  readonly severityText = undefined;

  constructor(
    readonly eventName: string,
    timeMs: number,
    readonly hrTimeObserved: HrTime,
    readonly attributes: Record<string, RecordValue>,
    readonly body: string | undefined,
    span: SpanContext | undefined,
    readonly resource: Resource,
    readonly instrumentationScope: InstrumentationScope,
  ) {
    this.hrTime = millisToHrTime(timeMs);
    this.spanContext = span;
  }
}

export class SpanItem implements ReadableSpan {
  readonly name: string;
  readonly kind = SpanKind.INTERNAL;
  readonly parentSpanContext: SpanContext | undefined;
  readonly startTime: HrTime;
  readonly endTime: HrTime;
  readonly duration: HrTime;
  readonly ended = true;
  readonly status: SpanStatus;
  readonly attributes: Record<string, RecordValue>;
  readonly links: Link[] = NONE;
  readonly events: TimedEvent[] = NONE;
  readonly droppedAttributesCount = 0;
  readonly droppedEventsCount = 0;
  readonly droppedLinksCount = 0;
  private readonly context: SpanContext;

  constructor(
    span: VitalsSpan,
    readonly resource: Resource,
    readonly instrumentationScope: InstrumentationScope,
  ) {
    this.name = span.name;
    this.context = { traceId: span.traceId, spanId: span.spanId, traceFlags: TraceFlags.SAMPLED };
    this.parentSpanContext = span.parentSpanId
      ? { traceId: span.traceId, spanId: span.parentSpanId, traceFlags: TraceFlags.SAMPLED }
      : undefined;
    this.startTime = millisToHrTime(span.startMs);
    this.endTime = millisToHrTime(span.endMs);
    this.duration = millisToHrTime(span.endMs - span.startMs);
    this.status = span.failed ? ERROR : UNSET;
    this.attributes = span.attributes;
  }

  spanContext(): SpanContext {
    return this.context;
  }
}
