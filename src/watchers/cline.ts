// Cline and Roo Code task folders: ui_messages.json is rewritten whole on every change, so the
// reader re-reads it and emits only messages (keyed by `ts`) it has not emitted before.
import { basename, dirname } from 'node:path';
import type { ToolKind } from '../core/events';
import { isoTime, type SessionEmitter } from './emitter';
import { isRecord, str, type DocumentReader } from './reader';

interface UiMessage {
  ts: number;
  kind: string;
  text: string;
  partial: boolean;
}

const TOOL_KINDS: Record<string, ToolKind> = {
  editedExistingFile: 'edit',
  appliedDiff: 'edit',
  insertContent: 'edit',
  searchAndReplace: 'edit',
  newFileCreated: 'write',
  fileDeleted: 'delete',
  readFile: 'read',
  listFilesTopLevel: 'read',
  listFilesRecursive: 'read',
  searchFiles: 'read',
};

/** Message kinds known to carry nothing for the event stream; others are counted as skipped. */
const KNOWN_QUIET_KINDS = new Set([
  'api_req_started',
  'api_req_finished',
  'api_req_retried',
  'api_req_failed',
  'api_req_deleted',
  'deleted_api_reqs',
  'reasoning',
  'checkpoint_saved',
  'checkpoint_created',
  'task_progress',
  'error_retry',
  'api_req_retry_delayed',
  'api_req_rate_limit_wait',
  'user_edit_todos',
  'sliding_window_truncation',
  'too_many_tools_warning',
  'image',
  'completion_result',
  'followup',
  'plan_mode_respond',
  'new_task',
  'subtask_result',
  'resume_task',
  'resume_completed_task',
  'mistake_limit_reached',
  'auto_approval_max_req_reached',
  'shell_integration_warning',
  'condense_context',
  'condense_context_error',
  'error',
  'diff_error',
  'clineignore_error',
  'rooignore_error',
  'user_feedback_diff',
  'browser_action',
  'browser_action_launch',
  'browser_action_result',
  'use_mcp_server',
  'mcp_server_request_started',
  'mcp_server_response',
  'load_mcp_documentation',
  'codebase_search_result',
  'command_output',
  'info',
]);

export class ClineReader implements DocumentReader {
  readonly mode = 'document';
  private readonly emitted = new Set<number>();
  cwd: string | undefined;
  private held: UiMessage[] | undefined;

  constructor(
    readonly emitter: SessionEmitter,
    private readonly file = '',
  ) {
    const taskId = basename(dirname(file));
    if (taskId && taskId !== '.') emitter.sessionId = taskId;
  }

  document(text: string): void {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      // A half-written rewrite: the next change event brings the whole file.
      this.emitter.skip();
      return;
    }
    if (!Array.isArray(value)) {
      this.emitter.skip();
      return;
    }
    const messages: UiMessage[] = [];
    for (const m of value) {
      if (!isRecord(m) || typeof m.ts !== 'number' || (m.type !== 'say' && m.type !== 'ask')) continue;
      messages.push({
        ts: m.ts,
        kind: `${m.type}:${str(m.say) ?? str(m.ask) ?? ''}`,
        text: str(m.text) ?? '',
        partial: m.partial === true,
      });
    }
    this.process(messages, false);
    this.held = messages;
  }

  end(): void {
    if (this.held) this.process(this.held, true);
  }

  /** Emits every message not yet emitted; the last command and partial messages wait unless `final`. */
  private process(messages: UiMessage[], final: boolean): void {
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i]!;
      if (this.emitted.has(m.ts)) continue;
      if (m.partial && !final) continue;
      const rawRef = { file: this.file, offset: -1 };
      const ts = isoTime(m.ts);
      const kind = m.kind.split(':')[1]!;
      if (m.partial && (kind === 'tool' || kind === 'command')) {
        // A request still streaming when the task was interrupted: it was never run.
        this.emitted.add(m.ts);
        continue;
      }
      if (kind === 'api_req_started') this.readCwd(m.text);
      if (kind === 'command') {
        let j = i + 1;
        const outputs: string[] = [];
        while (j < messages.length && messages[j]!.kind.endsWith(':command_output')) outputs.push(messages[j++]!.text);
        if (j >= messages.length && !final) return; // output may still be streaming
        for (let k = i; k < j; k++) this.emitted.add(messages[k]!.ts);
        this.command(m, outputs.join('\n'), reportedExitCode(messages.slice(j), m.text), ts, rawRef);
        i = j - 1;
        continue;
      }
      this.emitted.add(m.ts);
      const said = m.kind.startsWith('say');
      if (said && kind === 'text' && i > 0) {
        this.emitter.turn({ ts, turnId: String(m.ts), role: 'assistant', text: m.text, rawRef });
      } else if (said && kind === 'completion_result') {
        // The task's final answer (the `ask` of the same kind only offers to start a new task).
        this.emitter.turn({ ts, turnId: String(m.ts), role: 'assistant', text: m.text, rawRef });
      } else if (kind === 'task' || kind === 'user_feedback' || (said && kind === 'text')) {
        // The first message of a task is the user's request: `say: "task"`, or `say: "text"` in older versions.
        this.emitter.turn({ ts, turnId: String(m.ts), role: 'user', text: m.text, rawRef });
      } else if (kind === 'tool') {
        this.tool(m, ts, rawRef);
      } else if (!KNOWN_QUIET_KINDS.has(kind)) {
        this.emitter.skip();
      }
    }
  }

  private readCwd(text: string): void {
    const m = /Current Working Directory \(([^)]+)\)/.exec(text);
    if (m) this.cwd = m[1];
  }

  private command(
    m: UiMessage,
    output: string,
    reported: number | undefined,
    ts: string,
    rawRef: { file: string; offset: number },
  ): void {
    const callId = String(m.ts);
    const code = /(?:^|\n)(?:Exit code|Command exited with code):? (-?\d+)/i.exec(output);
    const exitCode = code ? Number(code[1]) : reported;
    this.emitter.toolCall({
      ts,
      callId,
      rawName: 'execute_command',
      kind: 'shell',
      input: { command: m.text },
      command: m.text,
      status: exitCode === undefined ? 'unknown' : exitCode === 0 ? 'succeeded' : 'failed',
      output,
      ...(exitCode === undefined ? {} : { exitCode }),
      exitCodeSource: exitCode === undefined ? 'none' : 'parsed',
      rawRef,
    });
    this.emitter.commandFinished({
      ts,
      callId,
      command: m.text,
      output,
      ...(exitCode === undefined ? {} : { exitCode }),
      origin: 'agent',
      rawRef,
      ...(this.cwd ? { cwd: this.cwd } : {}),
    });
  }

  private tool(m: UiMessage, ts: string, rawRef: { file: string; offset: number }): void {
    let tool: Record<string, unknown>;
    try {
      const value: unknown = JSON.parse(m.text);
      if (!isRecord(value)) throw new Error('not an object');
      tool = value;
    } catch {
      this.emitter.skip();
      return;
    }
    const name = str(tool.tool) ?? 'unknown';
    const kind = (Object.hasOwn(TOOL_KINDS, name) ? TOOL_KINDS[name] : undefined) ?? 'other';
    const callId = String(m.ts);
    this.emitter.toolCall({
      ts,
      callId,
      rawName: name,
      kind,
      input: tool,
      status: 'succeeded',
      exitCodeSource: 'none',
      rawRef,
    });
    const path = str(tool.path);
    if (!path || (kind !== 'edit' && kind !== 'write' && kind !== 'delete')) return;
    const diff = str(tool.diff);
    const content = str(tool.content);
    const op = kind === 'write' ? 'create' : kind === 'delete' ? 'delete' : 'update';
    this.emitter.fileEdit(
      {
        ts,
        callId,
        path,
        op,
        ...(op === 'create' && content !== undefined ? { after: content } : {}),
        ...(op === 'update' && (diff ?? content) !== undefined ? { diff: diff ?? content } : {}),
        origin: 'tool',
        rawRef,
      },
      this.cwd,
    );
  }
}

/**
 * Roo Code shows a command's output without its exit code, but reports the code to the model in the
 * next request: `[execute_command for '<command>'] Result: … Exit code: N` before the output.
 */
function reportedExitCode(following: UiMessage[], command: string): number | undefined {
  const started = following.find((m) => m.kind === 'say:api_req_started');
  if (!started) return undefined;
  let request: unknown;
  try {
    request = (JSON.parse(started.text) as { request?: unknown }).request;
  } catch {
    return undefined;
  }
  if (typeof request !== 'string' || !request.startsWith(`[execute_command for '${command}'] Result:`))
    return undefined;
  const code = /Exit code: (-?\d+)/.exec(request.split('\nOutput:', 1)[0]!);
  return code ? Number(code[1]) : undefined;
}
