// Shared by every adapter: fills the event envelope, numbers events, turns finished shell calls
// into test runs and marks edits to test paths. Adapters only decode their own format.
import { isAbsolute, normalize, resolve } from 'node:path';
import type {
  AgentEvent,
  AgentSource,
  FileEditEvent,
  RawRef,
  TestRunEvent,
  TestRunOrigin,
  ToolCallEvent,
  TurnEvent,
} from '../core/events';
import { detectTestRun } from '../testruns/detect';
import { readPackageScripts } from '../testruns/package-scripts';
import { TestPathMatcher } from '../testpaths/matcher';
import { asCount, asObject, asString } from '../storage/json-state';

type Envelope = 'source' | 'sessionId' | 'seq' | 'workspaceRoot' | 'type';
type Fields<E> = Omit<E, Envelope> & { rawRef?: RawRef };

/** Outputs kept in events are cut to this many characters (head and tail kept). */
const MAX_OUTPUT_CHARS = 16_000;
/**
 * A command's output is cut to this many characters (head and tail) before test-output parsing,
 * so one command costs the same to parse however much it printed; runners print their summary
 * and failure list last.
 */
export const MAX_PARSED_OUTPUT_CHARS = 256 * 1024;

export function truncateOutput(text: string, max = MAX_OUTPUT_CHARS): string {
  if (text.length <= max) return text;
  const half = Math.floor(max / 2);
  return `${text.slice(0, half)}\n… [${text.length - max} characters omitted] …\n${text.slice(-half)}`;
}

export interface EmitterOptions {
  source: AgentSource;
  sessionId: string;
  workspaceRoot?: string;
  testPaths?: TestPathMatcher;
  /** Receives the events decoded again but not delivered (see `resumeAfter`). */
  onReplayed?: EventSink;
}

export type EventSink = (event: AgentEvent) => void;

export class SessionEmitter {
  source: AgentSource;
  sessionId: string;
  workspaceRoot?: string;
  /** Records that were malformed or of a type this adapter does not know. */
  skippedRecords = 0;
  private seq = 0;
  /** Events numbered below this were delivered before (an earlier run of the host): not again. */
  private deliverFrom = 0;
  private readonly testPaths: TestPathMatcher;

  private readonly onReplayed: EventSink | undefined;

  constructor(
    options: EmitterOptions,
    private readonly sink: EventSink,
  ) {
    this.onReplayed = options.onReplayed;
    this.source = options.source;
    this.sessionId = options.sessionId;
    this.workspaceRoot = options.workspaceRoot;
    this.testPaths = options.testPaths ?? new TestPathMatcher(undefined, options.workspaceRoot);
  }

  /**
   * Completes the caller's fresh field object into an event in place: ingestion runs this for
   * every record of 100 MB transcripts, and copying each event would double its cost.
   */
  private stamp<E extends AgentEvent>(type: E['type'], fields: object): E {
    const event = fields as E;
    event.type = type;
    event.source = this.source;
    event.sessionId = this.sessionId;
    event.seq = this.seq++;
    if (this.workspaceRoot) event.workspaceRoot = this.workspaceRoot;
    return event;
  }

  skip(): void {
    this.skippedRecords++;
  }

  /** The number the next event gets: how many events this session's file has produced so far. */
  get nextSeq(): number {
    return this.seq;
  }

  /** The session's name and numbering, as JSON, for a reader that another process reads on with. */
  saveState(): { sessionId: string; seq: number; skippedRecords: number } {
    return { sessionId: this.sessionId, seq: this.seq, skippedRecords: this.skippedRecords };
  }

  /** Takes up what `saveState` returned; throws a StateError on anything else. */
  restoreState(value: unknown): void {
    const s = asObject(value, 'emitter');
    const sessionId = asString(s.sessionId, 'emitter.sessionId');
    const seq = asCount(s.seq, 'emitter.seq');
    this.skippedRecords = asCount(s.skippedRecords, 'emitter.skippedRecords');
    this.sessionId = sessionId;
    this.seq = seq;
  }

  /**
   * Re-reading a file whose first `seq` events were delivered before: those are decoded again (so
   * the reader's state is rebuilt) but not delivered, and numbering carries on where it was.
   */
  resumeAfter(seq: number): void {
    this.deliverFrom = seq;
  }

  private deliver(event: AgentEvent): void {
    if (event.seq >= this.deliverFrom) this.sink(event);
    else this.onReplayed?.(event);
  }

  turn(fields: Fields<TurnEvent>): void {
    if (fields.text.trim() === '') return;
    this.deliver(this.stamp<TurnEvent>('turn', fields));
  }

  toolCall(fields: Fields<ToolCallEvent>): void {
    if (fields.output !== undefined) fields.output = truncateOutput(fields.output);
    this.deliver(this.stamp<ToolCallEvent>('tool-call', fields));
  }

  /**
   * `path` may be relative to `cwd`; it is made absolute and normalised here. Without a known
   * workspace (recorded transcripts), test globs are matched relative to the session's cwd.
   */
  fileEdit(fields: Omit<Fields<FileEditEvent>, 'isTestPath'>, cwd?: string): void {
    const path = absolutePath(fields.path, cwd ?? this.workspaceRoot);
    if (path === undefined) {
      this.skip();
      return;
    }
    const event = this.stamp<FileEditEvent>('file-edit', fields);
    event.path = path;
    event.isTestPath = this.testPaths.isTestPath(path, this.workspaceRoot ?? cwd);
    this.deliver(event);
  }

  testRun(fields: Fields<TestRunEvent>): void {
    this.deliver(this.stamp<TestRunEvent>('test-run', fields));
  }

  /**
   * A finished command: emits a TestRun when its command line or output says it ran tests.
   * `cwd` (else the workspace root) is where `npm test`-style scripts are looked up.
   */
  commandFinished(run: {
    ts: string;
    callId?: string;
    command: string;
    output: string;
    exitCode?: number;
    origin: TestRunOrigin;
    rawRef?: RawRef;
    cwd?: string;
  }): void {
    const summary = detectTestRun(run.command, truncateOutput(run.output, MAX_PARSED_OUTPUT_CHARS), {
      cwd: run.cwd ?? this.workspaceRoot,
      scripts: readPackageScripts,
    });
    if (!summary) return;
    this.testRun({
      ts: run.ts,
      ...(run.callId ? { callId: run.callId } : {}),
      command: run.command,
      framework: summary.framework,
      ...(run.exitCode === undefined ? {} : { exitCode: run.exitCode }),
      passed: summary.passed,
      failed: summary.failed,
      skipped: summary.skipped,
      failingIds: summary.failingIds,
      origin: run.origin,
      output: truncateOutput(run.output),
      ...(run.rawRef ? { rawRef: run.rawRef } : {}),
    });
  }
}

/** Undefined for a `file://` URI that does not decode (a damaged or hostile record). */
function absolutePath(path: string, cwd?: string): string | undefined {
  const cleaned = path.startsWith('file://') ? filePathOf(path) : path;
  if (cleaned === undefined) return undefined;
  if (isAbsolute(cleaned)) return normalize(cleaned);
  return cwd ? resolve(cwd, cleaned) : normalize(cleaned);
}

function filePathOf(uri: string): string | undefined {
  try {
    return decodeURIComponent(new URL(uri).pathname);
  } catch {
    return undefined;
  }
}

/** A unified-diff-like text for an edit known only as "this fragment became that fragment". */
export function fragmentDiff(before: string, after: string): string {
  const lines = (text: string, mark: string): string[] =>
    text === ''
      ? []
      : text
          .replace(/\n$/, '')
          .split('\n')
          .map((l) => mark + l);
  return ['@@', ...lines(before, '-'), ...lines(after, '+')].join('\n');
}

const CANONICAL_ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** ISO timestamp from an ISO string, epoch milliseconds or seconds; falls back to `fallback`. */
export function isoTime(value: unknown, fallback = ''): string {
  if (typeof value === 'string' && value !== '') {
    if (CANONICAL_ISO.test(value)) return value; // the common case: already what toISOString() gives
    const d = new Date(value);
    return Number.isNaN(d.getTime()) ? value : d.toISOString();
  }
  if (typeof value === 'number' && Number.isFinite(value)) {
    const d = new Date(value < 1e12 ? value * 1000 : value);
    if (!Number.isNaN(d.getTime())) return d.toISOString();
  }
  return fallback;
}
