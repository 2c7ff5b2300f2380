// Claude Code session JSONL (~/.claude/projects/<encoded-cwd>/<sessionId>.jsonl and sub-agent
// files): assistant text, tool calls, tool results with exit codes, and edits with before/after.
import type { ToolKind } from '../core/events';
import { fragmentDiff, isoTime, type SessionEmitter } from './emitter';
import { contentText, isRecord, parseJsonRecord, str, type LineReader } from './reader';
import { asBoolean, asMap, asObject, asOptionalString, asString } from '../storage/json-state';

/** Record types Claude Code writes that carry nothing the event stream needs. */
const IGNORED_TYPES = new Set([
  'system',
  'summary',
  'progress',
  'file-history-snapshot',
  'queue-operation',
  'attachment',
  'custom-title',
  // The last prompt of a session, repeated for resuming (Claude Code 2.1): the user record holds it already.
  'last-prompt',
]);

// A Map: tool names come from the transcript, and "constructor" must not find Object's.
const TOOL_KINDS = new Map<string, ToolKind>([
  ['Bash', 'shell'],
  ['BashOutput', 'shell'],
  ['Edit', 'edit'],
  ['MultiEdit', 'edit'],
  ['NotebookEdit', 'edit'],
  ['Write', 'write'],
  ['Read', 'read'],
  ['Glob', 'read'],
  ['Grep', 'read'],
  ['LS', 'read'],
]);

interface PendingCall {
  name: string;
  input: Record<string, unknown>;
  turnId: string;
  cwd?: string;
}

interface Replacement {
  oldText: string;
  newText: string;
  all: boolean;
}

function replacementsOf(name: string, input: Record<string, unknown>): Replacement[] {
  const one = (e: Record<string, unknown>): Replacement => ({
    oldText: str(e.old_string) ?? '',
    newText: str(e.new_string) ?? '',
    all: e.replace_all === true,
  });
  if (name === 'MultiEdit') return Array.isArray(input.edits) ? input.edits.filter(isRecord).map(one) : [];
  return [one(input)];
}

/**
 * The original with the edits applied, or undefined when that cannot be reconstructed within
 * bounds: an empty search string (it matches between every character) or a result more than
 * twice the original's size plus 1 MiB (a replace_all multiplying a long replacement).
 */
function applyReplacements(text: string, edits: Replacement[]): string | undefined {
  const limit = 2 * text.length + (1 << 20);
  let result = text;
  for (const e of edits) {
    if (e.oldText === '') return undefined;
    const count = e.all ? occurrences(result, e.oldText) : Math.min(1, occurrences(result, e.oldText));
    if (result.length + count * (e.newText.length - e.oldText.length) > limit) return undefined;
    result = e.all ? result.split(e.oldText).join(e.newText) : result.replace(e.oldText, () => e.newText);
  }
  return result;
}

/** Non-overlapping occurrences of a non-empty `search`, as `split` counts them. */
function occurrences(text: string, search: string): number {
  let count = 0;
  for (let at = text.indexOf(search); at >= 0; at = text.indexOf(search, at + search.length)) count++;
  return count;
}

/** "Exit code 1\n…" in the result content, or "Error: Exit code 1" as the structured result. */
function exitCodeOf(
  isError: boolean,
  content: string,
  structured: unknown,
): { code?: number; from: 'structured' | 'parsed' | 'none' } {
  if (!isError) return { code: 0, from: 'structured' };
  const text = typeof structured === 'string' ? structured : content;
  const m = /^(?:Error: )?Exit code (\d+)/m.exec(text);
  return m ? { code: Number(m[1]), from: 'parsed' } : { from: 'none' };
}

/** A BashOutput result: `<status>…</status>`, `<exit_code>…</exit_code>`, `<stdout>…</stdout>`, `<stderr>…</stderr>`. */
function backgroundReport(content: string): { status: string; exitCode?: number; output: string } | undefined {
  const status = /<status>(\w+)<\/status>/.exec(content)?.[1];
  if (!status) return undefined;
  const code = /<exit_code>(-?\d+)<\/exit_code>/.exec(content)?.[1];
  return {
    status,
    ...(code === undefined ? {} : { exitCode: Number(code) }),
    output: [tagText(content, 'stdout'), tagText(content, 'stderr')].filter((t) => t).join('\n'),
  };
}

/** The text between the first `<tag>` and the `</tag>` after it, without the newlines next to the tags (indexOf: linear on any text). */
function tagText(content: string, tag: string): string {
  const open = content.indexOf(`<${tag}>`);
  if (open < 0) return '';
  const start = open + tag.length + 2;
  const end = content.indexOf(`</${tag}>`, start);
  if (end < 0) return '';
  const text = content.slice(start, end);
  return text.slice(text.startsWith('\n') ? 1 : 0, text.endsWith('\n') && text.length > 1 ? -1 : undefined);
}

export class ClaudeCodeReader implements LineReader {
  readonly mode = 'lines';
  private readonly pending = new Map<string, PendingCall>();
  /** Commands started with run_in_background, by shell id, until a BashOutput shows them finished. */
  private readonly backgroundCommands = new Map<string, string>();
  /** The session's working directory, from the records (used to match the workspace). */
  cwd: string | undefined;
  private sessionIdFromRecords = false;

  constructor(
    readonly emitter: SessionEmitter,
    private readonly file = '',
  ) {}

  line(text: string, offset: number): void {
    const record = parseJsonRecord(text, this.emitter);
    if (!record) return;
    const type = str(record.type);
    if (type === undefined || IGNORED_TYPES.has(type)) {
      if (type === undefined) this.emitter.skip();
      return;
    }
    if (type !== 'user' && type !== 'assistant') {
      this.emitter.skip();
      return;
    }
    this.adoptSession(record);
    const message = isRecord(record.message) ? record.message : undefined;
    if (!message) {
      this.emitter.skip();
      return;
    }
    const ts = isoTime(record.timestamp);
    const uuid = str(record.uuid) ?? `${offset}`;
    const rawRef = { file: this.file, offset };
    const parentId = str(record.parentUuid);
    if (type === 'assistant') this.assistant(message, record, { ts, uuid, rawRef, parentId });
    else this.user(message, record, { ts, uuid, rawRef, parentId });
  }

  private adoptSession(record: Record<string, unknown>): void {
    const cwd = str(record.cwd);
    if (cwd) this.cwd = cwd;
    if (this.sessionIdFromRecords) return;
    const sessionId = str(record.sessionId);
    if (!sessionId) return;
    const agentId = record.isSidechain === true ? str(record.agentId) : undefined;
    this.emitter.sessionId = agentId ? `${sessionId}:${agentId}` : sessionId;
    this.sessionIdFromRecords = true;
  }

  private assistant(
    message: Record<string, unknown>,
    record: Record<string, unknown>,
    at: { ts: string; uuid: string; rawRef: { file: string; offset: number }; parentId?: string },
  ): void {
    const model = str(message.model);
    const blocks = Array.isArray(message.content) ? message.content : [{ type: 'text', text: message.content }];
    blocks.forEach((block, index) => {
      if (!isRecord(block)) return;
      if (block.type === 'text') {
        this.emitter.turn({
          ts: at.ts,
          turnId: index === 0 ? at.uuid : `${at.uuid}#${index}`,
          ...(at.parentId ? { parentId: at.parentId } : {}),
          role: 'assistant',
          text: str(block.text) ?? '',
          ...(model ? { model } : {}),
          rawRef: at.rawRef,
        });
      } else if (block.type === 'tool_use') {
        const callId = str(block.id) ?? `${at.uuid}#${index}`;
        const name = str(block.name) ?? 'unknown';
        const input = isRecord(block.input) ? block.input : {};
        this.pending.set(callId, {
          name,
          input,
          turnId: at.uuid,
          ...(str(record.cwd) ? { cwd: str(record.cwd) } : {}),
        });
        const command = name === 'Bash' ? str(input.command) : undefined;
        this.emitter.toolCall({
          ts: at.ts,
          callId,
          turnId: at.uuid,
          rawName: name,
          kind: TOOL_KINDS.get(name) ?? 'other',
          input,
          ...(command ? { command } : {}),
          status: 'started',
          exitCodeSource: 'none',
          rawRef: at.rawRef,
        });
      }
    });
  }

  private user(
    message: Record<string, unknown>,
    record: Record<string, unknown>,
    at: { ts: string; uuid: string; rawRef: { file: string; offset: number }; parentId?: string },
  ): void {
    const content = message.content;
    if (!Array.isArray(content)) {
      if (record.isMeta !== true) this.userTurn(contentText(content), at);
      return;
    }
    const text = contentText(content);
    if (text && record.isMeta !== true) this.userTurn(text, at);
    for (const block of content) {
      if (isRecord(block) && block.type === 'tool_result') this.toolResult(block, record.toolUseResult, at);
    }
  }

  private userTurn(
    text: string,
    at: { ts: string; uuid: string; rawRef: { file: string; offset: number }; parentId?: string },
  ): void {
    this.emitter.turn({
      ts: at.ts,
      turnId: at.uuid,
      ...(at.parentId ? { parentId: at.parentId } : {}),
      role: 'user',
      text,
      rawRef: at.rawRef,
    });
  }

  private toolResult(
    block: Record<string, unknown>,
    structured: unknown,
    at: { ts: string; rawRef: { file: string; offset: number } },
  ): void {
    const callId = str(block.tool_use_id) ?? '';
    const call = this.pending.get(callId);
    this.pending.delete(callId);
    const isError = block.is_error === true;
    const content = contentText(block.content);
    const background = call?.name === 'BashOutput' ? backgroundReport(content) : undefined;
    const exit =
      background?.exitCode !== undefined
        ? { code: background.exitCode, from: 'parsed' as const }
        : exitCodeOf(isError, content, structured);
    const result = isRecord(structured) ? structured : undefined;
    const output =
      result && (typeof result.stdout === 'string' || typeof result.stderr === 'string')
        ? [str(result.stdout), str(result.stderr)].filter((s) => s).join('\n')
        : content;
    const name = call?.name ?? 'unknown';
    this.emitter.toolCall({
      ts: at.ts,
      callId,
      rawName: name,
      kind: TOOL_KINDS.get(name) ?? 'other',
      input: call?.input ?? {},
      ...(name === 'Bash' && call ? { command: str(call.input.command) ?? '' } : {}),
      status: isError ? 'failed' : 'succeeded',
      output,
      ...(exit.code === undefined ? {} : { exitCode: exit.code }),
      exitCodeSource: exit.from,
      rawRef: at.rawRef,
    });
    if (!call) return;
    if (name === 'Bash') {
      const command = str(call.input.command) ?? '';
      const shellId = /running in background with ID: (\S+)/.exec(content)?.[1];
      if (shellId) {
        // The output arrives later through BashOutput calls naming this id.
        this.backgroundCommands.set(shellId, command);
        return;
      }
      this.emitter.commandFinished({
        ts: at.ts,
        callId,
        command,
        output,
        ...(exit.code === undefined ? {} : { exitCode: exit.code }),
        origin: 'agent',
        rawRef: at.rawRef,
        ...(call.cwd ? { cwd: call.cwd } : {}),
      });
    } else if (name === 'BashOutput') {
      const shellId = str(call.input.bash_id) ?? '';
      const command = this.backgroundCommands.get(shellId);
      if (command === undefined || !background || background.status === 'running') return;
      this.backgroundCommands.delete(shellId);
      this.emitter.commandFinished({
        ts: at.ts,
        callId,
        command,
        output: background.output,
        ...(background.exitCode === undefined ? {} : { exitCode: background.exitCode }),
        origin: 'agent',
        rawRef: at.rawRef,
      });
    } else if (!isError && (name === 'Edit' || name === 'MultiEdit' || name === 'Write')) {
      this.edit(callId, call, result, at);
    }
  }

  private edit(
    callId: string,
    call: PendingCall,
    result: Record<string, unknown> | undefined,
    at: { ts: string; rawRef: { file: string; offset: number } },
  ): void {
    const path = str(call.input.file_path) ?? str(result?.filePath);
    if (!path) return;
    const original = str(result?.originalFile);
    const common = { ts: at.ts, callId, path, origin: 'tool' as const, rawRef: at.rawRef };
    if (call.name === 'Write') {
      const created = result?.type === 'create' || (result?.type === undefined && original === undefined);
      this.emitter.fileEdit(
        {
          ...common,
          op: created ? 'create' : 'update',
          ...(original !== undefined ? { before: original } : {}),
          after: str(call.input.content) ?? '',
        },
        call.cwd,
      );
      return;
    }
    const edits = replacementsOf(call.name, call.input);
    const after = original === undefined ? undefined : applyReplacements(original, edits);
    this.emitter.fileEdit(
      after !== undefined
        ? { ...common, op: 'update', before: original, after }
        : { ...common, op: 'update', diff: edits.map((e) => fragmentDiff(e.oldText, e.newText)).join('\n') },
      call.cwd,
    );
  }

  saveState(): unknown {
    return {
      cwd: this.cwd,
      sessionIdFromRecords: this.sessionIdFromRecords,
      pending: [...this.pending],
      backgroundCommands: [...this.backgroundCommands],
    };
  }

  restoreState(value: unknown): void {
    const s = asObject(value, 'reader');
    const pending = asMap(s.pending, 'reader.pending', (v, what): PendingCall => {
      const call = asObject(v, what);
      const cwd = asOptionalString(call.cwd, `${what}.cwd`);
      return {
        name: asString(call.name, `${what}.name`),
        input: asObject(call.input, `${what}.input`),
        turnId: asString(call.turnId, `${what}.turnId`),
        ...(cwd === undefined ? {} : { cwd }),
      };
    });
    const background = asMap(s.backgroundCommands, 'reader.backgroundCommands', asString);
    this.cwd = asOptionalString(s.cwd, 'reader.cwd');
    this.sessionIdFromRecords = asBoolean(s.sessionIdFromRecords, 'reader.sessionIdFromRecords');
    for (const [id, call] of pending) this.pending.set(id, call);
    for (const [id, command] of background) this.backgroundCommands.set(id, command);
  }

  end(): void {
    this.pending.clear();
  }
}
