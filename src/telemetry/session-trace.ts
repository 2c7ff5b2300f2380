// One session as a trace, with the transcript's own times: a session span (GenAI `invoke_agent`)
// with a child span per turn, lasting until the next turn starts, and per test run, from its tool
// call to its result, under the turn it ran in. Ids are derived from the session, so a backfill
// sent twice names the same spans. No text: the spans carry ids, roles and outcomes only.
import { createHash } from 'node:crypto';
import { TraceFlags } from '@opentelemetry/api';
import type { AgentEvent, AgentSource, TestRunEvent, TurnEvent } from '../core/events';
import { runFailed } from '../tamper/pressure';
import {
  ATTR,
  GEN_AI_AGENT_NAME,
  GEN_AI_CONVERSATION_ID,
  GEN_AI_OPERATION_NAME,
  GEN_AI_RESPONSE_MODEL,
  INVOKE_AGENT,
  type RecordValue,
} from './attributes';

export interface VitalsSpan {
  name: string;
  traceId: string;
  spanId: string;
  /** Absent on the session span. */
  parentSpanId?: string;
  startMs: number;
  endMs: number;
  attributes: Record<string, RecordValue>;
  /** A failing test run: the span's status is an error. */
  failed?: true;
}

/**
 * The span a log record belongs to, so a backend can show the two together: a span context the
 * record carries as it is, sampled because every exported session is traced whole.
 */
export interface SpanLink {
  traceId: string;
  spanId: string;
  traceFlags: number;
}

/** Tool-call start times kept at most per session. */
const MAX_CALL_STARTS = 1_000;

export class SessionTrace {
  readonly traceId: string;
  private readonly sessionSpanId: string;
  /** Child span ids are this prefix and the event's sequence number. */
  private readonly childPrefix: string;
  // Times stay ISO strings (they order as they read) until a span needs them as numbers: most
  // events never do, and a backfill sees tens of thousands.
  private firstTs: string | undefined;
  private lastTs = '';
  private open: { turn: TurnEvent; spanId: string } | undefined;
  /** When each tool call started, by call id, until its test run (if any) is seen. */
  private readonly callStarts = new Map<string, string>();
  private turns = 0;
  private testRuns = 0;
  private lastLink: { seq: number; link: SpanLink } | undefined;

  constructor(
    private readonly source: AgentSource,
    private readonly sessionId: string,
    private readonly emit: (span: VitalsSpan) => void,
    /**
     * Which stretch of the session this is: a live session that went idle was ended, and when it
     * resumes the rest is another stretch of the same trace, under a session span of its own.
     */
    stretch = 0,
  ) {
    const hash = createHash('sha256').update(`${source}\u0000${sessionId}`).digest('hex');
    this.traceId = hash.slice(0, 32);
    this.sessionSpanId =
      stretch === 0
        ? hash.slice(32, 48)
        : createHash('sha256').update(`${source}\u0000${sessionId}\u0000${stretch}`).digest('hex').slice(0, 16);
    this.childPrefix = hash.slice(48, 56);
  }

  /**
   * The span of the event with this sequence number (a turn or a test run). The last one is kept:
   * the span and the event's log record ask for the same link one after the other.
   */
  link(seq: number): SpanLink {
    if (this.lastLink?.seq !== seq) {
      const spanId = this.childPrefix + ((seq + 1) >>> 0).toString(16).padStart(8, '0');
      this.lastLink = { seq, link: { traceId: this.traceId, spanId, traceFlags: TraceFlags.SAMPLED } };
    }
    return this.lastLink.link;
  }

  /** Every event of the session, in order. */
  event(event: AgentEvent): void {
    const ts = event.ts;
    this.firstTs ??= ts;
    if (ts > this.lastTs) this.lastTs = ts;
    if (event.type === 'turn') {
      this.closeTurn(ts);
      this.open = { turn: event, spanId: this.link(event.seq).spanId };
      this.turns++;
    } else if (event.type === 'tool-call') {
      if (!this.callStarts.has(event.callId)) this.callStarts.set(event.callId, ts);
      // Most calls run no tests; a live session keeps only the latest starts.
      if (this.callStarts.size > MAX_CALL_STARTS) this.callStarts.delete(this.callStarts.keys().next().value!);
    } else if (event.type === 'test-run') {
      this.testRun(event);
    }
  }

  /** Closes the last turn at the session's last event and sends the session span. */
  end(): void {
    if (this.firstTs === undefined) return;
    this.closeTurn(this.lastTs);
    this.emit({
      name: `${INVOKE_AGENT} ${this.source}`,
      traceId: this.traceId,
      spanId: this.sessionSpanId,
      startMs: Date.parse(this.firstTs),
      endMs: Date.parse(this.lastTs),
      attributes: {
        [GEN_AI_OPERATION_NAME]: INVOKE_AGENT,
        [GEN_AI_AGENT_NAME]: this.source,
        [GEN_AI_CONVERSATION_ID]: this.sessionId,
        [ATTR.sessionTurns]: this.turns,
        [ATTR.sessionTestRuns]: this.testRuns,
      },
    });
  }

  private closeTurn(endTs: string): void {
    const open = this.open;
    if (!open) return;
    this.open = undefined;
    const { turn } = open;
    // The name says the role, and the turn's log record (linked to the span) holds the rest.
    const attributes: Record<string, RecordValue> = { [ATTR.turnId]: turn.turnId };
    if (turn.model) attributes[GEN_AI_RESPONSE_MODEL] = turn.model;
    this.emit({
      name: `turn ${turn.role}`,
      traceId: this.traceId,
      spanId: open.spanId,
      parentSpanId: this.sessionSpanId,
      startMs: Date.parse(turn.ts),
      endMs: Math.max(Date.parse(turn.ts), Date.parse(endTs)),
      attributes,
    });
  }

  private testRun(run: TestRunEvent): void {
    this.testRuns++;
    const started = run.callId === undefined ? undefined : this.callStarts.get(run.callId);
    if (run.callId !== undefined) this.callStarts.delete(run.callId);
    const endMs = Date.parse(run.ts);
    const failed = runFailed(run);
    const span: VitalsSpan = {
      name: `test_run ${run.framework}`,
      traceId: this.traceId,
      spanId: this.link(run.seq).spanId,
      parentSpanId: this.open?.spanId ?? this.sessionSpanId,
      startMs: started === undefined ? endMs : Math.min(Date.parse(started), endMs),
      endMs,
      // The name says the runner; the test-run log record (linked to the span) holds the counts.
      attributes: { [ATTR.testOutcome]: failed ? 'failed' : 'passed' },
    };
    if (failed) span.failed = true;
    this.emit(span);
  }
}
