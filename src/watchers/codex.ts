// Codex CLI / Codex IDE rollout JSONL (~/.codex/sessions/YYYY/MM/DD/rollout-*.jsonl): messages,
// shell calls in every known shape, outputs with exit codes, and apply_patch edits.
import type { ExitCodeSource } from '../core/events';
import { parseApplyPatch } from './apply-patch';
import { isoTime, type SessionEmitter } from './emitter';
import { isRecord, parseJsonRecord, str, type LineReader } from './reader';
import { asMap, asObject, asOptionalString, asString } from '../storage/json-state';

const SHELL_TOOLS = new Set(['shell', 'shell_command', 'exec_command', 'container.exec', 'local_shell']);
/** Item types that appear bare (without the envelope) in early rollouts. */
const LEGACY_ITEM_TYPES =
  /^(?:message|reasoning|function_call(?:_output)?|local_shell_call|custom_tool_call(?:_output)?)$/;
const KNOWN_PAYLOADS = new Set(['reasoning', 'web_search_call', 'compaction', 'ghost_snapshot']);
/** Text Codex injects as "user" messages (environment, instructions), not typed by a person. */
const INJECTED_USER_TEXT =
  /^\s*<(?:environment_context|user_instructions|user_shell_command|turn_aborted)>|^# AGENTS\.md instructions/;

interface PendingCall {
  name: string;
  input: unknown;
  command?: string;
  patch?: string;
  cwd?: string;
  ts: string;
}

interface ParsedOutput {
  output: string;
  exitCode?: number;
  exitCodeSource: ExitCodeSource;
  durationMs?: number;
}

/** Output formats by version: JSON with metadata, "Exit code: N\nWall time: …\nOutput:", or plain. */
export function parseCodexOutput(raw: unknown): ParsedOutput {
  if (isRecord(raw)) {
    const text = str(raw.content) ?? str(raw.output) ?? '';
    const success = typeof raw.success === 'boolean' ? raw.success : undefined;
    return success === undefined ? { output: text, exitCodeSource: 'none' } : parseCodexOutput(text);
  }
  const text = typeof raw === 'string' ? raw : '';
  if (text.startsWith('{')) {
    try {
      const value: unknown = JSON.parse(text);
      if (isRecord(value) && typeof value.output === 'string') {
        const meta = isRecord(value.metadata) ? value.metadata : {};
        const code = typeof meta.exit_code === 'number' ? meta.exit_code : undefined;
        const seconds = typeof meta.duration_seconds === 'number' ? meta.duration_seconds : undefined;
        return {
          output: value.output,
          ...(code === undefined ? {} : { exitCode: code }),
          exitCodeSource: code === undefined ? 'none' : 'structured',
          ...(seconds === undefined ? {} : { durationMs: Math.round(seconds * 1000) }),
        };
      }
    } catch {
      // not JSON after all: treat as text
    }
  }
  // "Exit code: N\nWall time: …\nOutput:\n…" and the unified-exec variant with more header
  // lines ("Chunk ID", "Process exited with code N", "Original token count") before "Output:".
  // A header line starts with a capitalised word then " " or ": ", one way to match each line,
  // so a text that is no header fails in linear time.
  const header =
    /^((?:[A-Z][A-Za-z]*:? [^\n]*\n)+)Output:\n/.exec(text) ??
    /^((?:Exit code|Process exited with code):? -?\d+\n)/.exec(text);
  if (header) {
    const code = /(?:^|\n)(?:Exit code|Process exited with code):? (-?\d+)/.exec(header[1]!);
    const wall = /(?:^|\n)Wall time: ([\d.]+)/.exec(header[1]!);
    if (code || wall) {
      return {
        output: text.slice(header[0].length),
        ...(code ? { exitCode: Number(code[1]) } : {}),
        exitCodeSource: code ? 'parsed' : 'none',
        ...(wall ? { durationMs: Math.round(Number(wall[1]) * 1000) } : {}),
      };
    }
  }
  // A command the sandbox refused or that failed inside it: "failed in sandbox <kind> with
  // execution error: sandbox denied exec error, exit code: 1, stdout: …" (older: "exit_code: 1").
  const sandbox = /^failed in sandbox\b[^\n]*?\bexit[ _]code: (-?\d+)/.exec(text);
  if (sandbox) return { output: text, exitCode: Number(sandbox[1]), exitCodeSource: 'parsed' };
  return { output: text, exitCodeSource: 'none' };
}

/** `["bash", "-lc", "npm test"]` → "npm test"; other arrays are joined with quoting. */
export function commandText(command: unknown): string | undefined {
  if (typeof command === 'string') return command;
  if (!Array.isArray(command) || !command.every((c) => typeof c === 'string')) return undefined;
  const parts = command as string[];
  if (parts.length === 3 && /(?:^|\/)(?:ba|z)?sh$/.test(parts[0]!) && /^-l?c$/.test(parts[1]!)) return parts[2];
  return parts.map((p) => (/[\s"'$`\\]/.test(p) ? `'${p.replace(/'/g, `'\\''`)}'` : p)).join(' ');
}

function parseArguments(raw: unknown): Record<string, unknown> {
  if (isRecord(raw)) return raw;
  if (typeof raw !== 'string') return {};
  try {
    const value: unknown = JSON.parse(raw);
    return isRecord(value) ? value : {};
  } catch {
    return {};
  }
}

export class CodexReader implements LineReader {
  readonly mode = 'lines';
  cwd: string | undefined;
  private model: string | undefined;
  /** Early rollouts time-stamp only the session, not each item. */
  private legacyTs = '';
  private readonly pending = new Map<string, PendingCall>();

  constructor(
    readonly emitter: SessionEmitter,
    private readonly file = '',
  ) {}

  line(text: string, offset: number): void {
    const record = parseJsonRecord(text, this.emitter);
    if (!record) return;
    const payload = isRecord(record.payload) ? record.payload : undefined;
    const ts = isoTime(record.timestamp);
    const rawRef = { file: this.file, offset };
    switch (record.type) {
      case 'session_meta':
        if (payload) {
          const id = str(payload.id);
          if (id) this.emitter.sessionId = id;
          this.cwd = str(payload.cwd) ?? this.cwd;
        }
        return;
      case 'turn_context':
        if (payload) {
          this.cwd = str(payload.cwd) ?? this.cwd;
          this.model = str(payload.model) ?? this.model;
        }
        return;
      case 'event_msg': // duplicates response items (user_message, agent_message, exec_command_end, …)
      case 'compacted':
        return;
      case 'response_item':
        if (payload) this.responseItem(payload, ts, rawRef);
        else this.emitter.skip();
        return;
      default:
        this.legacyRecord(record, rawRef);
    }
  }

  /** Rollouts written before the {timestamp, type, payload} envelope: a meta line, then bare items. */
  private legacyRecord(record: Record<string, unknown>, rawRef: { file: string; offset: number }): void {
    if (record.type === undefined && record.record_type === 'state') return;
    if (record.type === undefined && typeof record.id === 'string' && 'timestamp' in record) {
      this.emitter.sessionId = record.id;
      this.legacyTs = isoTime(record.timestamp);
      return;
    }
    if (typeof record.type === 'string' && LEGACY_ITEM_TYPES.test(record.type)) {
      this.responseItem(record, this.legacyTs, rawRef);
      return;
    }
    this.emitter.skip();
  }

  private responseItem(item: Record<string, unknown>, ts: string, rawRef: { file: string; offset: number }): void {
    const type = str(item.type) ?? '';
    const callId = str(item.call_id) ?? str(item.id) ?? `${rawRef.offset}`;
    if (type === 'message') return this.message(item, ts, rawRef);
    if (type === 'function_call' || type === 'custom_tool_call' || type === 'local_shell_call') {
      return this.call(type, item, callId, ts, rawRef);
    }
    if (type.endsWith('_call_output')) return this.output(item, callId, ts, rawRef);
    if (!KNOWN_PAYLOADS.has(type)) this.emitter.skip();
  }

  private message(item: Record<string, unknown>, ts: string, rawRef: { file: string; offset: number }): void {
    const role = item.role;
    if (role !== 'user' && role !== 'assistant') return;
    const parts = Array.isArray(item.content) ? item.content.filter(isRecord) : [];
    const text = parts
      .filter((p) => p.type === 'input_text' || p.type === 'output_text' || p.type === 'text')
      .map((p) => str(p.text) ?? '')
      .filter((t) => !(role === 'user' && INJECTED_USER_TEXT.test(t)))
      .join('\n');
    this.emitter.turn({
      ts,
      turnId: str(item.id) ?? `${rawRef.offset}`,
      role,
      text,
      ...(role === 'assistant' && this.model ? { model: this.model } : {}),
      rawRef,
    });
  }

  private call(
    type: string,
    item: Record<string, unknown>,
    callId: string,
    ts: string,
    rawRef: { file: string; offset: number },
  ): void {
    let name = str(item.name) ?? (type === 'local_shell_call' ? 'local_shell' : 'unknown');
    let input: unknown;
    let command: string | undefined;
    let patch: string | undefined;
    let cwd = this.cwd;
    if (type === 'custom_tool_call') {
      input = str(item.input) ?? item.input;
      if (name === 'apply_patch') patch = str(item.input);
    } else {
      const args = type === 'local_shell_call' && isRecord(item.action) ? item.action : parseArguments(item.arguments);
      input = args;
      if (name === 'apply_patch') patch = str(args.input) ?? str(args.patch);
      if (SHELL_TOOLS.has(name)) {
        command = commandText(args.command ?? args.cmd);
        cwd = str(args.workdir) ?? str(args.working_directory) ?? cwd;
        // Older versions applied patches through the shell tool: ["apply_patch", "*** Begin Patch…"].
        if (command && command.includes('*** Begin Patch')) {
          patch = command;
          name = 'apply_patch';
          command = undefined;
        }
      }
    }
    const kind = patch !== undefined ? 'edit' : command !== undefined ? 'shell' : 'other';
    this.pending.set(callId, {
      name,
      input,
      ts,
      ...(command !== undefined ? { command } : {}),
      ...(patch !== undefined ? { patch } : {}),
      ...(cwd ? { cwd } : {}),
    });
    this.emitter.toolCall({
      ts,
      callId,
      rawName: name,
      kind,
      input,
      ...(command !== undefined ? { command } : {}),
      status: 'started',
      exitCodeSource: 'none',
      rawRef,
    });
  }

  private output(
    item: Record<string, unknown>,
    callId: string,
    ts: string,
    rawRef: { file: string; offset: number },
  ): void {
    const call = this.pending.get(callId);
    this.pending.delete(callId);
    const parsed = parseCodexOutput(item.output);
    const failed =
      parsed.exitCode !== undefined
        ? parsed.exitCode !== 0
        : /^(?:error|apply_patch verification failed)/i.test(parsed.output);
    this.emitter.toolCall({
      ts,
      callId,
      rawName: call?.name ?? 'unknown',
      kind: call?.patch !== undefined ? 'edit' : call?.command !== undefined ? 'shell' : 'other',
      input: call?.input ?? null,
      ...(call?.command !== undefined ? { command: call.command } : {}),
      status: failed ? 'failed' : 'succeeded',
      output: parsed.output,
      ...(parsed.exitCode === undefined ? {} : { exitCode: parsed.exitCode }),
      exitCodeSource: parsed.exitCodeSource,
      ...(parsed.durationMs === undefined ? {} : { durationMs: parsed.durationMs }),
      rawRef,
    });
    if (!call) return;
    if (call.command !== undefined) {
      this.emitter.commandFinished({
        ts,
        callId,
        command: call.command,
        output: parsed.output,
        ...(parsed.exitCode === undefined ? {} : { exitCode: parsed.exitCode }),
        origin: 'agent',
        rawRef,
        ...(call.cwd ? { cwd: call.cwd } : {}),
      });
    }
    if (call.patch !== undefined && !failed) {
      for (const edit of parseApplyPatch(call.patch)) {
        this.emitter.fileEdit(
          {
            ts,
            callId,
            path: edit.movedTo ?? edit.path,
            op: edit.op,
            ...(edit.diff !== undefined ? { diff: edit.diff } : {}),
            ...(edit.after !== undefined ? { after: edit.after } : {}),
            origin: 'tool',
            rawRef,
          },
          call.cwd,
        );
      }
    }
  }

  saveState(): unknown {
    return { cwd: this.cwd, model: this.model, legacyTs: this.legacyTs, pending: [...this.pending] };
  }

  restoreState(value: unknown): void {
    const s = asObject(value, 'reader');
    const pending = asMap(s.pending, 'reader.pending', (v, what): PendingCall => {
      const call = asObject(v, what);
      const optional = (key: 'command' | 'patch' | 'cwd') => {
        const text = asOptionalString(call[key], `${what}.${key}`);
        return text === undefined ? {} : { [key]: text };
      };
      return {
        name: asString(call.name, `${what}.name`),
        input: call.input,
        ...optional('command'),
        ...optional('patch'),
        ...optional('cwd'),
        ts: asString(call.ts, `${what}.ts`),
      };
    });
    this.cwd = asOptionalString(s.cwd, 'reader.cwd');
    this.model = asOptionalString(s.model, 'reader.model');
    this.legacyTs = asString(s.legacyTs, 'reader.legacyTs');
    for (const [id, call] of pending) this.pending.set(id, call);
  }

  end(): void {
    this.pending.clear();
  }
}
