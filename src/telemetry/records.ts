// What one session exports, as log records built from the pipeline's output: the events (test
// runs, and everything pressure is computed from), the readings of assistant turns and the flags.
// Live watching, `analyze --otlp` and `watch` feed the same recorder. No text leaves here unless
// the configuration opts that field in.
import { isAbsolute, relative, sep } from 'node:path';
import type { AgentEvent, AgentSource, TestRunEvent, TurnEvent } from '../core/events';
import type { FlagKind, Severity } from '../core/flags';
import type { EmotionSummary, LiveValidity } from '../contracts/reading';
import type { FlagStatus } from '../contracts/flag-status';
import type { FlagPressure } from '../tamper/severity';
import { behaviouralPressure, PressureTracker, runFailed } from '../tamper/pressure';
import {
  ATTR,
  EVENT_FLAG,
  EVENT_TEST_RUN,
  EVENT_TURN,
  GEN_AI_AGENT_NAME,
  GEN_AI_CONVERSATION_ID,
  GEN_AI_RESPONSE_MODEL,
  type RecordValue,
} from './attributes';
import type { TextField } from './config';
import { SessionTrace, type SpanLink, type VitalsSpan } from './session-trace';

export interface VitalsRecord {
  eventName: string;
  /** ISO 8601: when it happened in the session (backfills keep their original times). */
  ts: string;
  attributes: Record<string, RecordValue>;
  /** Opted-in text only. */
  body?: string;
  /** The span of the turn or test run the record tells of. */
  span?: SpanLink;
  /**
   * Counted in metrics but not sent as a log record: a user turn has no reading, so without its
   * text a log record would say nothing the turn counter does not (and would cost one per turn).
   */
  metricsOnly?: true;
}

/**
 * A turn's reading per emotion: its summary, or only its mean (a recorded session read by
 * `analyze`), passed as the number itself so a backfill wraps nothing.
 */
export type TurnReading = Record<string, number | (Pick<EmotionSummary, 'mean'> & Partial<EmotionSummary>)>;

/** What the recorder needs to know of a flag. */
export interface FlagRecordInput {
  ts: string;
  path: string;
  kinds: readonly FlagKind[];
  severity: Severity;
  desperation: number | null;
  reason: string;
  status?: FlagStatus;
  pressure?: Pick<FlagPressure, 'behaviour'>;
}

const STATS = ['mean', 'p90', 'max'] as const;
const READING_KEYS = new Map<string, string[]>();

/**
 * `agent_vitals.reading.<emotion>.{mean,p90,max}`, made once per emotion: every turn then shares
 * the same flat strings, which the protobuf encoder also reads faster than fresh concatenations.
 */
function readingKeys(emotion: string): string[] {
  let keys = READING_KEYS.get(emotion);
  if (!keys) {
    keys = STATS.map((stat) => `${ATTR.reading}.${emotion}.${stat}`);
    READING_KEYS.set(emotion, keys);
  }
  return keys;
}

/** A path inside the workspace relative to it; outside it only the file name, never the machine's layout. */
export function workspaceRelative(path: string, workspaceRoot: string | undefined): string {
  if (workspaceRoot && isAbsolute(path)) {
    const rel = relative(workspaceRoot, path);
    if (rel && !rel.startsWith('..') && !isAbsolute(rel)) return rel.split(sep).join('/');
  }
  return isAbsolute(path) ? (path.split(/[\\/]/).pop() ?? path) : path;
}

/** Where records and spans go: the exporter, or a test's lists. */
export interface TelemetrySink {
  emit(record: VitalsRecord): void;
  span(span: VitalsSpan): void;
  /** False when no spans are sent (no traces endpoint): sessions are then not traced at all. */
  readonly traced?: boolean;
}

/** Turns one session's pipeline output into records and spans, in the order they are given. */
export class SessionRecorder {
  private readonly pressure = new PressureTracker();
  /** Absent when the sink sends no spans. */
  private readonly trace: SessionTrace | undefined;
  /** Durations of tool calls by call id, for the test runs they ran. */
  private readonly callDurations = new Map<string, number>();

  constructor(
    private readonly source: AgentSource,
    private readonly sessionId: string,
    private readonly includeText: ReadonlySet<TextField>,
    private readonly sink: TelemetrySink,
    /** Flag paths are relative to it; the session's own events name it when they know it. */
    private workspaceRoot?: string,
    /** The stretch of a live session that resumed after it was ended (see SessionTrace). */
    stretch = 0,
  ) {
    if (sink.traced !== false) this.trace = new SessionTrace(source, sessionId, (span) => sink.span(span), stretch);
  }

  private base(seq?: number): Record<string, RecordValue> {
    const attributes: Record<string, RecordValue> = {
      [GEN_AI_AGENT_NAME]: this.source,
      [GEN_AI_CONVERSATION_ID]: this.sessionId,
    };
    if (seq !== undefined) attributes[ATTR.seq] = seq;
    return attributes;
  }

  /** Every event of the session, in order: test runs are recorded, the rest feed pressure. */
  event(event: AgentEvent): void {
    if (event.workspaceRoot) this.workspaceRoot = event.workspaceRoot;
    this.pressure.observe(event);
    this.trace?.event(event);
    if (event.type === 'tool-call' && event.durationMs !== undefined)
      this.callDurations.set(event.callId, event.durationMs);
    if (event.type === 'test-run') this.testRun(event);
  }

  private testRun(run: TestRunEvent): void {
    const attributes = this.base(run.seq);
    attributes[ATTR.testFramework] = run.framework;
    attributes[ATTR.testOrigin] = run.origin;
    attributes[ATTR.testOutcome] = runFailed(run) ? 'failed' : 'passed';
    if (run.exitCode !== undefined) attributes[ATTR.testExitCode] = run.exitCode;
    if (run.passed !== null) attributes[ATTR.testPassed] = run.passed;
    attributes[ATTR.testFailed] = run.failed;
    attributes[ATTR.testSkipped] = run.skipped;
    const duration = run.callId === undefined ? undefined : this.callDurations.get(run.callId);
    if (duration !== undefined) attributes[ATTR.testDurationMs] = duration;
    if (this.includeText.has('testCommand')) attributes[ATTR.testCommand] = run.command;
    this.sink.emit({ eventName: EVENT_TEST_RUN, ts: run.ts, attributes, span: this.trace?.link(run.seq) });
  }

  /**
   * A turn once its reading is known (null when it was not read), after `event` saw it and
   * everything before it: the pressure is the session's at that turn.
   */
  turn(turn: TurnEvent, reading: TurnReading | null, reader: LiveValidity): void {
    const attributes = this.base(turn.seq);
    attributes[ATTR.turnId] = turn.turnId;
    attributes[ATTR.role] = turn.role;
    if (turn.role !== 'assistant' && !this.includeText.has('turnText')) {
      this.sink.emit({ eventName: EVENT_TURN, ts: turn.ts, attributes, metricsOnly: true });
      return;
    }
    if (turn.model) attributes[GEN_AI_RESPONSE_MODEL] = turn.model;
    for (const emotion in reading) {
      const summary = reading[emotion];
      const keys = readingKeys(emotion);
      if (typeof summary === 'number') {
        if (Number.isFinite(summary)) attributes[keys[0]] = summary;
        continue;
      }
      for (let i = 0; i < STATS.length; i++) {
        const value = summary[STATS[i]];
        if (value !== undefined && Number.isFinite(value)) attributes[keys[i]] = value;
      }
    }
    attributes[ATTR.readerValid] = reader.valid;
    const pressure = behaviouralPressure(this.pressure.facts(turn.ts));
    attributes[ATTR.pressureScore] = pressure.score;
    if (pressure.signals.length > 0) attributes[ATTR.pressureSignals] = pressure.signals.map((s) => s.id);
    const record: VitalsRecord = { eventName: EVENT_TURN, ts: turn.ts, attributes, span: this.trace?.link(turn.seq) };
    if (this.includeText.has('turnText')) record.body = turn.text;
    this.sink.emit(record);
  }

  /** A flag when raised, and again whenever its status changes. */
  flag(flag: FlagRecordInput): void {
    const attributes = this.base();
    attributes[ATTR.flagKinds] = [...flag.kinds];
    attributes[ATTR.flagSeverity] = flag.severity;
    attributes[ATTR.flagPath] = workspaceRelative(flag.path, this.workspaceRoot);
    attributes[ATTR.flagStatus] = flag.status ?? 'open';
    if (flag.desperation !== null) attributes[ATTR.flagDesperation] = flag.desperation;
    if (flag.pressure) attributes[ATTR.pressureCounted] = flag.pressure.behaviour.counted;
    if (this.includeText.has('flagReason')) attributes[ATTR.flagReason] = flag.reason;
    this.sink.emit({ eventName: EVENT_FLAG, ts: flag.ts, attributes });
  }

  /** The session is over (or export stops): its last turn span and the session span go out. */
  end(): void {
    this.trace?.end();
  }
}
