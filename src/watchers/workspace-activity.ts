// VS Code's own view of the workspace, for every agent (and person) that works through it:
// terminal executions, task processes, editor edits and disk writes. This is the logic; the
// extension's thin wrapper only translates VS Code's events into these calls.
import { execFile } from 'node:child_process';
import { relative } from 'node:path';
import { SYSTEM_CLOCK, type Clock } from '../core/clock';
import type { AgentEvent } from '../core/events';
import { parseTestOutput } from '../testruns/detect';
import type { TestPathMatcher } from '../testpaths/matcher';
import { SessionEmitter } from './emitter';

export interface TerminalExecution {
  /** Unique per execution (the wrapper numbers them). */
  id: string;
  commandLine: string;
  cwd?: string;
  /** Undefined when the shell did not report one. */
  exitCode?: number;
  output: string;
  endedAt: Date;
  startedAt?: Date;
}

export interface TaskProcessEnd {
  id: string;
  taskName: string;
  /** The shell command line or process and arguments, when the task has one. */
  command?: string;
  exitCode?: number;
  endedAt: Date;
}

export interface WorkspaceActivityOptions {
  workspaceRoot: string;
  sink: (event: AgentEvent) => void;
  sessionId?: string;
  testPaths?: TestPathMatcher;
  /** Keystroke-level editor changes to one file are merged until it is quiet this long. */
  editQuietMs?: number;
  /** Files larger than this are not kept in memory for before-text. */
  maxSnapshotBytes?: number;
  /** Where a before-text comes from when no snapshot exists (default: the file at git HEAD). */
  beforeTextFallback?: (path: string) => Promise<string | undefined>;
  /** Event times and the quiet timer (default: the system's). */
  clock?: Clock;
}

/** Folders whose disk writes are build output or tooling, not edits. */
const IGNORED_PATHS =
  /(?:^|[\\/])(?:\.git|node_modules|dist|out|build|target|\.venv|__pycache__|\.pytest_cache|\.next|coverage)(?:[\\/]|$)/;

interface PendingEdit {
  before: string | undefined;
  after: string;
  timer: unknown;
  ts: Date;
}

/** The file's text at git HEAD, or undefined (not a repository, untracked, git missing). */
export function gitHeadText(workspaceRoot: string): (path: string) => Promise<string | undefined> {
  return (path) =>
    new Promise((resolve) => {
      const rel = relative(workspaceRoot, path).split('\\').join('/');
      execFile(
        'git',
        ['show', `HEAD:${rel}`],
        { cwd: workspaceRoot, maxBuffer: 8 << 20, windowsHide: true },
        (err, stdout) => resolve(err ? undefined : stdout),
      );
    });
}

export class WorkspaceActivity {
  readonly emitter: SessionEmitter;
  private readonly snapshots = new Map<string, string>();
  private readonly pending = new Map<string, PendingEdit>();
  private readonly quietMs: number;
  private readonly maxSnapshotBytes: number;
  private readonly fallback: (path: string) => Promise<string | undefined>;
  private readonly clock: Clock;

  constructor(options: WorkspaceActivityOptions) {
    this.emitter = new SessionEmitter(
      {
        source: 'vscode',
        sessionId: options.sessionId ?? 'vscode-workspace',
        workspaceRoot: options.workspaceRoot,
        ...(options.testPaths ? { testPaths: options.testPaths } : {}),
      },
      options.sink,
    );
    this.quietMs = options.editQuietMs ?? 1500;
    this.maxSnapshotBytes = options.maxSnapshotBytes ?? 1 << 20;
    this.fallback = options.beforeTextFallback ?? gitHeadText(options.workspaceRoot);
    this.clock = options.clock ?? SYSTEM_CLOCK;
  }

  terminalExecuted(run: TerminalExecution): void {
    const ts = run.endedAt.toISOString();
    this.emitter.toolCall({
      ts,
      callId: run.id,
      rawName: 'terminal',
      kind: 'shell',
      input: { commandLine: run.commandLine, ...(run.cwd ? { cwd: run.cwd } : {}) },
      command: run.commandLine,
      status: run.exitCode === undefined ? 'unknown' : run.exitCode === 0 ? 'succeeded' : 'failed',
      output: run.output,
      ...(run.exitCode === undefined ? {} : { exitCode: run.exitCode }),
      exitCodeSource: run.exitCode === undefined ? 'none' : 'structured',
      ...(run.startedAt ? { durationMs: run.endedAt.getTime() - run.startedAt.getTime() } : {}),
    });
    this.emitter.commandFinished({
      ts,
      callId: run.id,
      command: run.commandLine,
      output: run.output,
      ...(run.exitCode === undefined ? {} : { exitCode: run.exitCode }),
      origin: 'terminal',
      ...(run.cwd ? { cwd: run.cwd } : {}),
    });
  }

  /** Task output is not readable through the API; a test task still counts, by its command. */
  taskEnded(task: TaskProcessEnd): void {
    const command = task.command ?? task.taskName;
    this.emitter.commandFinished({
      ts: task.endedAt.toISOString(),
      callId: task.id,
      command,
      output: '',
      ...(task.exitCode === undefined ? {} : { exitCode: task.exitCode }),
      origin: 'task',
    });
  }

  /** An open document's current text: the before-text of its next edit. */
  documentOpened(path: string, text: string): void {
    if (IGNORED_PATHS.test(path)) return;
    this.remember(path, text);
  }

  documentChanged(path: string, text: string): void {
    if (IGNORED_PATHS.test(path)) return;
    const existing = this.pending.get(path);
    if (existing) this.clock.clearTimeout(existing.timer);
    const timer = this.clock.setTimeout(() => this.flushEdit(path), this.quietMs);
    // A pending edit must not keep the process alive (the system clock's timers are Node's).
    (timer as { unref?: () => void }).unref?.();
    this.pending.set(path, {
      before: existing ? existing.before : this.snapshots.get(path),
      after: text,
      timer,
      ts: this.date(),
    });
  }

  documentSaved(path: string): void {
    this.flushEdit(path);
  }

  /** A file created or rewritten on disk (by an agent's own tool, a formatter, git, …). */
  async fileWritten(path: string, text: string, created = false): Promise<void> {
    const ts = this.date().toISOString();
    // Reports usually land in build folders (target/surefire-reports, build/test-results).
    if (/\.xml$/i.test(path) && /<testsuites?[\s>]/.test(text)) this.junitReport(path, text, ts);
    if (IGNORED_PATHS.test(path)) return;
    if (this.pending.has(path)) this.flushEdit(path);
    const known = this.snapshots.has(path);
    const before = known ? this.snapshots.get(path) : created ? undefined : await this.fallback(path);
    if (before === text) return; // already seen through the editor
    this.remember(path, text);
    this.emitter.fileEdit({
      ts,
      path,
      op: created && before === undefined ? 'create' : 'update',
      ...(before !== undefined ? { before } : {}),
      after: text,
      origin: 'fs',
    });
  }

  async fileDeleted(path: string): Promise<void> {
    if (IGNORED_PATHS.test(path)) return;
    const pending = this.pending.get(path);
    if (pending) this.clock.clearTimeout(pending.timer);
    this.pending.delete(path);
    const before = this.snapshots.get(path) ?? (await this.fallback(path));
    this.snapshots.delete(path);
    this.emitter.fileEdit({
      ts: this.date().toISOString(),
      path,
      op: 'delete',
      ...(before !== undefined ? { before } : {}),
      origin: 'fs',
    });
  }

  /** Emits every merged editor edit now (e.g. on shutdown). */
  flush(): void {
    for (const path of [...this.pending.keys()]) this.flushEdit(path);
  }

  dispose(): void {
    for (const p of this.pending.values()) this.clock.clearTimeout(p.timer);
    this.pending.clear();
  }

  private date(): Date {
    return new Date(this.clock.now());
  }

  private flushEdit(path: string): void {
    const edit = this.pending.get(path);
    if (!edit) return;
    this.clock.clearTimeout(edit.timer);
    this.pending.delete(path);
    if (edit.before === edit.after) return;
    this.remember(path, edit.after);
    this.emitter.fileEdit({
      ts: edit.ts.toISOString(),
      path,
      op: 'update',
      ...(edit.before !== undefined ? { before: edit.before } : {}),
      after: edit.after,
      origin: 'editor',
    });
  }

  private remember(path: string, text: string): void {
    if (text.length <= this.maxSnapshotBytes) this.snapshots.set(path, text);
    else this.snapshots.delete(path);
  }

  private junitReport(path: string, text: string, ts: string): void {
    const summary = parseTestOutput(text);
    if (!summary) return;
    this.emitter.testRun({
      ts,
      command: path,
      framework: summary.framework,
      passed: summary.passed,
      failed: summary.failed,
      skipped: summary.skipped,
      failingIds: summary.failingIds,
      origin: 'report-file',
    });
  }
}
