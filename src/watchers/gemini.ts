// Gemini CLI sessions: JSONL under ~/.gemini/tmp/<hash>/chats/ where a record re-appended with
// the same id replaces the earlier one, and the legacy single-JSON session files.
import type { ToolKind } from '../core/events';
import { isoTime, type SessionEmitter } from './emitter';
import { contentText, isRecord, parseJsonRecord, str, type DocumentReader, type LineReader } from './reader';
import { asCount, asMap, asObject, asOptionalString, asString, asStrings, StateError } from '../storage/json-state';

type HeldTurn = Parameters<SessionEmitter['turn']>[0];

const TOOL_KINDS: Record<string, ToolKind> = {
  run_shell_command: 'shell',
  replace: 'edit',
  edit: 'edit',
  write_file: 'write',
  read_file: 'read',
  read_many_files: 'read',
  list_directory: 'read',
  glob: 'read',
  search_file_content: 'read',
};
const FINISHED = new Set(['success', 'error', 'cancelled']);

/** The text a tool call returned: functionResponse parts, a string, or resultDisplay. */
function resultText(call: Record<string, unknown>): string {
  const parts = Array.isArray(call.result) ? call.result : call.result === undefined ? [] : [call.result];
  const texts: string[] = [];
  for (const part of parts) {
    if (typeof part === 'string') texts.push(part);
    else if (isRecord(part) && isRecord(part.functionResponse) && isRecord(part.functionResponse.response)) {
      const response = part.functionResponse.response;
      texts.push(str(response.output) ?? str(response.error) ?? JSON.stringify(response));
    }
  }
  if (texts.length === 0 && typeof call.resultDisplay === 'string') texts.push(call.resultDisplay);
  return texts.join('\n');
}

/** State of one session shared by both file shapes: what was already emitted, per record id. */
class GeminiSession {
  private readonly turnsEmitted = new Set<string>();
  private readonly heldTurns = new Map<string, HeldTurn>();
  private readonly callsStarted = new Set<string>();
  private readonly callsFinished = new Set<string>();
  constructor(
    readonly emitter: SessionEmitter,
    private readonly file: string,
  ) {}

  record(record: Record<string, unknown>, offset: number): void {
    if (record.$set !== undefined || ('projectHash' in record && !('type' in record))) {
      const id = str(record.sessionId);
      if (id) this.emitter.sessionId = id;
      return;
    }
    const id = str(record.id);
    const type = str(record.type);
    if (!id || !type) {
      this.emitter.skip();
      return;
    }
    const ts = isoTime(record.timestamp);
    const rawRef = { file: this.file, offset };
    if (type === 'user' || type === 'gemini') {
      const calls = Array.isArray(record.toolCalls) ? record.toolCalls.filter(isRecord) : [];
      if (!this.turnsEmitted.has(id)) {
        const text = contentText(record.content);
        const model = str(record.model);
        const turn = {
          ts,
          turnId: id,
          role: type === 'user' ? ('user' as const) : ('assistant' as const),
          text,
          ...(model ? { model } : {}),
          rawRef,
        };
        // The latest version of a record replaces earlier ones: it is emitted once it has text and
        // its tool calls have finished (or when the input ends), not while it is still changing.
        if (text.trim() !== '' && calls.every((c) => FINISHED.has(str(c.status) ?? ''))) this.emitTurn(turn);
        else this.heldTurns.set(id, turn);
      }
      for (const call of calls) this.toolCall(call, id, ts, rawRef);
    } else if (type !== 'info' && type !== 'error' && type !== 'warning') {
      this.emitter.skip();
    }
  }

  private emitTurn(turn: Parameters<SessionEmitter['turn']>[0]): void {
    this.heldTurns.delete(turn.turnId);
    this.turnsEmitted.add(turn.turnId);
    this.emitter.turn(turn);
  }

  save(): unknown {
    return {
      turnsEmitted: [...this.turnsEmitted],
      heldTurns: [...this.heldTurns],
      callsStarted: [...this.callsStarted],
      callsFinished: [...this.callsFinished],
    };
  }

  restore(value: unknown): void {
    const s = asObject(value, 'reader');
    const held = asMap(s.heldTurns, 'reader.heldTurns', (v, what): HeldTurn => {
      const turn = asObject(v, what);
      const role = asString(turn.role, `${what}.role`);
      if (role !== 'user' && role !== 'assistant') throw new StateError(`${what}.role is out of shape`);
      const model = asOptionalString(turn.model, `${what}.model`);
      const rawRef = asObject(turn.rawRef, `${what}.rawRef`);
      return {
        ts: asString(turn.ts, `${what}.ts`),
        turnId: asString(turn.turnId, `${what}.turnId`),
        role,
        text: asString(turn.text, `${what}.text`),
        ...(model === undefined ? {} : { model }),
        rawRef: { file: this.file, offset: asCount(rawRef.offset, `${what}.rawRef.offset`) },
      };
    });
    const sets = (key: 'turnsEmitted' | 'callsStarted' | 'callsFinished') => asStrings(s[key], `reader.${key}`);
    for (const id of sets('turnsEmitted')) this.turnsEmitted.add(id);
    for (const id of sets('callsStarted')) this.callsStarted.add(id);
    for (const id of sets('callsFinished')) this.callsFinished.add(id);
    for (const [id, turn] of held) this.heldTurns.set(id, turn);
  }

  /** End of input: records still held are emitted as they were last written. */
  end(): void {
    for (const turn of [...this.heldTurns.values()]) this.emitTurn(turn);
  }

  private toolCall(
    call: Record<string, unknown>,
    turnId: string,
    recordTs: string,
    rawRef: { file: string; offset: number },
  ): void {
    const callId = str(call.id) ?? `${turnId}:${str(call.name)}`;
    const name = str(call.name) ?? 'unknown';
    const args = isRecord(call.args) ? call.args : {};
    const kind = (Object.hasOwn(TOOL_KINDS, name) ? TOOL_KINDS[name] : undefined) ?? 'other';
    const command = kind === 'shell' ? str(args.command) : undefined;
    const ts = isoTime(call.timestamp, recordTs);
    const status = str(call.status) ?? '';
    const base = {
      callId,
      turnId,
      rawName: name,
      kind,
      input: args,
      ...(command !== undefined ? { command } : {}),
      rawRef,
    };
    if (!this.callsStarted.has(callId)) {
      this.callsStarted.add(callId);
      this.emitter.toolCall({ ts, ...base, status: 'started', exitCodeSource: 'none' });
    }
    if (!FINISHED.has(status) || this.callsFinished.has(callId)) return;
    this.callsFinished.add(callId);
    const output = resultText(call);
    const code = /^Exit Code: (-?\d+)/m.exec(output);
    const exitCode = code
      ? Number(code[1])
      : kind === 'shell' && status === 'success' && !/^Exit Code:/m.test(output)
        ? 0
        : undefined;
    this.emitter.toolCall({
      ts,
      ...base,
      status: status === 'success' && (exitCode ?? 0) === 0 ? 'succeeded' : 'failed',
      output,
      ...(exitCode === undefined ? {} : { exitCode }),
      exitCodeSource: code ? 'parsed' : 'none',
    });
    if (command !== undefined) {
      this.emitter.commandFinished({
        ts,
        callId,
        command,
        output,
        ...(exitCode === undefined ? {} : { exitCode }),
        origin: 'agent',
        rawRef,
      });
    } else if (status === 'success' && (kind === 'edit' || kind === 'write')) {
      this.edit(call, args, kind, ts, callId, rawRef);
    }
  }

  private edit(
    call: Record<string, unknown>,
    args: Record<string, unknown>,
    kind: ToolKind,
    ts: string,
    callId: string,
    rawRef: { file: string; offset: number },
  ): void {
    const path = str(args.file_path) ?? str(args.absolute_path);
    if (!path) return;
    const display = isRecord(call.resultDisplay) ? call.resultDisplay : {};
    const before = str(display.originalContent);
    const after = str(display.newContent) ?? (kind === 'write' ? str(args.content) : undefined);
    const diff = str(display.fileDiff);
    // write_file reports no original content for a new file.
    const created = kind === 'write' && !before;
    this.emitter.fileEdit({
      ts,
      callId,
      path,
      op: created ? 'create' : 'update',
      ...(before !== undefined && before !== '' ? { before } : {}),
      ...(after !== undefined ? { after } : {}),
      ...(after === undefined && diff !== undefined ? { diff } : {}),
      origin: 'tool',
      rawRef,
    });
  }
}

export class GeminiReader implements LineReader {
  readonly mode = 'lines';
  private readonly session: GeminiSession;

  constructor(
    readonly emitter: SessionEmitter,
    file = '',
  ) {
    this.session = new GeminiSession(emitter, file);
  }

  line(text: string, offset: number): void {
    const record = parseJsonRecord(text, this.emitter);
    if (record) this.session.record(record, offset);
  }

  saveState(): unknown {
    return this.session.save();
  }

  restoreState(value: unknown): void {
    this.session.restore(value);
  }

  end(): void {
    this.session.end();
  }
}

/** Legacy `session-*.json`: one document `{sessionId, messages: [...]}` (or a bare array). */
export class GeminiLegacyReader implements DocumentReader {
  readonly mode = 'document';
  private readonly session: GeminiSession;

  constructor(
    readonly emitter: SessionEmitter,
    file = '',
  ) {
    this.session = new GeminiSession(emitter, file);
  }

  document(text: string): void {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      this.emitter.skip();
      return;
    }
    const messages = Array.isArray(value)
      ? value
      : isRecord(value) && Array.isArray(value.messages)
        ? value.messages
        : undefined;
    if (!messages) {
      this.emitter.skip();
      return;
    }
    if (isRecord(value) && typeof value.sessionId === 'string') this.emitter.sessionId = value.sessionId;
    for (const m of messages) {
      if (isRecord(m)) this.session.record(m, -1);
      else this.emitter.skip();
    }
  }

  end(): void {
    this.session.end();
  }
}
