// The one event stream every watcher emits. Scores and flags are derived from these events and
// never stored inside them, so a recorded stream can be replayed to rebuild every view. A reading
// that is itself part of the transcript is carried as recorded: the served local model's own
// activations, written by the model as it chose each token (summaries are still derived).

/** `local-model`: the model `agent-vitals serve --http` serves to an agent, from its own transcript. */
export type AgentSource =
  'claude-code' | 'codex' | 'copilot' | 'cline' | 'roo' | 'gemini' | 'aider' | 'local-model' | 'vscode';

/** Sources a transcript file can come from (VS Code's own events have no file). */
export type TranscriptSource = Exclude<AgentSource, 'vscode'>;

export const AGENT_SOURCES: readonly AgentSource[] = [
  'claude-code',
  'codex',
  'copilot',
  'cline',
  'roo',
  'gemini',
  'aider',
  'local-model',
  'vscode',
];

/** Whether a source's turns carry the acting model's own readings: no reader model scores them. */
export function readsOwnActivations(source: AgentSource): boolean {
  return source === 'local-model';
}

/** Where an event came from on disk, so the UI can show the original record. */
export interface RawRef {
  file: string;
  /** Byte offset of the record's first byte (line-based formats) or -1 for whole-file formats. */
  offset: number;
}

export interface EventEnvelope {
  source: AgentSource;
  sessionId: string;
  /** Monotonic per session, assigned by the adapter in emission order. */
  seq: number;
  /** ISO 8601. */
  ts: string;
  workspaceRoot?: string;
  rawRef?: RawRef;
}

export type Role = 'user' | 'assistant' | 'tool';

export interface TurnEvent extends EventEnvelope {
  type: 'turn';
  turnId: string;
  parentId?: string;
  role: Role;
  text: string;
  model?: string;
  /** The acting model's own reading of this turn (sources that read their own activations). */
  own?: OwnReading;
}

/** What the acting model recorded about one of its replies as it wrote it. */
export interface OwnReading {
  /** Each generated token with its z-score per emotion; null when the model had no calibrated
   *  vectors or generated nothing. */
  tokens: { text: string; z: Record<string, number> }[] | null;
  /** The steering the reply was generated with; null when none. */
  steering: TurnSteering | null;
  /** Whether the serving model's vectors were validated for live use (its report card), and why. */
  validity: { valid: boolean; why: string };
}

/** An emotion vector added while the model wrote, at α × the mean residual norm at its layer. */
export interface TurnSteering {
  emotion: string;
  alpha: number;
  layer: number;
}

export type ToolKind = 'shell' | 'edit' | 'write' | 'delete' | 'read' | 'other';
export type ToolStatus = 'started' | 'succeeded' | 'failed' | 'unknown';
export type ExitCodeSource = 'structured' | 'parsed' | 'none';

export interface ToolCallEvent extends EventEnvelope {
  type: 'tool-call';
  callId: string;
  turnId?: string;
  rawName: string;
  kind: ToolKind;
  input: unknown;
  command?: string;
  status: ToolStatus;
  /** Truncated to keep the stream small; the full text stays in the transcript. */
  output?: string;
  exitCode?: number;
  exitCodeSource: ExitCodeSource;
  durationMs?: number;
}

export type FileEditOp = 'create' | 'update' | 'delete';
export type FileEditOrigin = 'tool' | 'fs' | 'editor';

export interface FileEditEvent extends EventEnvelope {
  type: 'file-edit';
  callId?: string;
  /** Absolute and normalised. */
  path: string;
  op: FileEditOp;
  before?: string;
  after?: string;
  /** Present when only a diff is known (e.g. an apply_patch hunk without the full file). */
  diff?: string;
  origin: FileEditOrigin;
  isTestPath: boolean;
}

/** `report-file`: a JUnit XML report written in the workspace. */
export type TestRunOrigin = 'agent' | 'terminal' | 'task' | 'report-file';

export interface TestRunEvent extends EventEnvelope {
  type: 'test-run';
  /** The tool call or terminal execution that ran the tests. */
  callId?: string;
  command: string;
  framework: string;
  exitCode?: number;
  /** Null when the runner's output does not say how many passed (non-verbose `go test`). */
  passed: number | null;
  failed: number;
  skipped: number;
  failingIds: string[];
  origin: TestRunOrigin;
  /** The runner's output (truncated); lets the tamper rules see the last reported actual values. */
  output?: string;
}

export type AgentEvent = TurnEvent | ToolCallEvent | FileEditEvent | TestRunEvent;
export type AgentEventType = AgentEvent['type'];
