// GitHub Copilot Chat (agent mode) files in VS Code's workspace storage, read defensively:
// transcripts/<id>.jsonl (typed events, appended) and chatSessions/<id>.json or .jsonl (a whole
// session document, or a snapshot followed by patches), which are rewritten and so deduped here.
import type { ToolKind } from '../core/events';
import { parseApplyPatch } from './apply-patch';
import { fragmentDiff, isoTime, type SessionEmitter } from './emitter';
import {
  contentText,
  isPrototypeKey,
  isRecord,
  parseJsonRecord,
  str,
  type DocumentReader,
  type LineReader,
} from './reader';

// A Map: tool names come from the transcript, and "constructor" must not find Object's.
const TOOL_KINDS = new Map<string, ToolKind>(
  Object.entries({
    run_in_terminal: 'shell',
    runInTerminal: 'shell',
    replace_string_in_file: 'edit',
    multi_replace_string_in_file: 'edit',
    insert_edit_into_file: 'edit',
    apply_patch: 'edit',
    edit_notebook_file: 'edit',
    create_file: 'write',
    read_file: 'read',
    list_dir: 'read',
    file_search: 'read',
    grep_search: 'read',
    semantic_search: 'read',
  }) as [string, ToolKind][],
);

type Ref = { file: string; offset: number };

function toolKind(name: string): ToolKind {
  return TOOL_KINDS.get(name) ?? TOOL_KINDS.get(name.replace(/^copilot_/, '')) ?? 'other';
}

function parseArgs(raw: unknown): Record<string, unknown> {
  if (isRecord(raw)) return raw;
  if (typeof raw === 'string') {
    try {
      const value: unknown = JSON.parse(raw);
      if (isRecord(value)) return value;
    } catch {
      // not JSON: keep it as the raw input
    }
    return { input: raw };
  }
  return {};
}

function resultText(result: unknown): string {
  if (typeof result === 'string') return result;
  if (Array.isArray(result)) return contentText(result);
  if (isRecord(result)) return str(result.content) ?? str(result.output) ?? contentText(result.content);
  return '';
}

/** Edits described by a Copilot edit tool's arguments. */
function editsOf(
  name: string,
  args: Record<string, unknown>,
): { path: string; op: 'create' | 'update' | 'delete'; after?: string; diff?: string }[] {
  const base = name.replace(/^copilot_/, '');
  const path = str(args.filePath) ?? str(args.path) ?? '';
  if (base === 'create_file') return path ? [{ path, op: 'create', after: str(args.content) ?? '' }] : [];
  if (base === 'replace_string_in_file') {
    return path
      ? [{ path, op: 'update', diff: fragmentDiff(str(args.oldString) ?? '', str(args.newString) ?? '') }]
      : [];
  }
  if (base === 'multi_replace_string_in_file' && Array.isArray(args.replacements)) {
    return args.replacements.filter(isRecord).flatMap((r) => editsOf('replace_string_in_file', r));
  }
  if (base === 'insert_edit_into_file')
    return path ? [{ path, op: 'update', diff: fragmentDiff('', str(args.code) ?? '') }] : [];
  if (base === 'apply_patch') {
    return parseApplyPatch(str(args.input) ?? '').map((e) => ({
      path: e.movedTo ?? e.path,
      op: e.op,
      ...(e.after !== undefined ? { after: e.after } : {}),
      ...(e.diff !== undefined ? { diff: e.diff } : {}),
    }));
  }
  return [];
}

/** Emits the ToolCall, and the TestRun or FileEdits, of one finished Copilot tool call. */
function finishTool(
  emitter: SessionEmitter,
  call: {
    callId: string;
    name: string;
    args: Record<string, unknown>;
    ts: string;
    rawRef: Ref;
    output: string;
    success: boolean | undefined;
    exitCode?: number;
  },
): void {
  const kind = toolKind(call.name);
  const command = kind === 'shell' ? str(call.args.command) : undefined;
  const parsed = call.exitCode ?? /(?:exit code|exited with code):? (-?\d+)/i.exec(call.output)?.[1] ?? undefined;
  const exitCode = parsed === undefined ? undefined : Number(parsed);
  emitter.toolCall({
    ts: call.ts,
    callId: call.callId,
    rawName: call.name,
    kind,
    input: call.args,
    ...(command !== undefined ? { command } : {}),
    status: call.success === undefined ? 'unknown' : call.success ? 'succeeded' : 'failed',
    output: call.output,
    ...(exitCode === undefined ? {} : { exitCode }),
    exitCodeSource: call.exitCode !== undefined ? 'structured' : exitCode !== undefined ? 'parsed' : 'none',
    rawRef: call.rawRef,
  });
  if (command !== undefined) {
    emitter.commandFinished({
      ts: call.ts,
      callId: call.callId,
      command,
      output: call.output,
      ...(exitCode === undefined ? {} : { exitCode }),
      origin: 'agent',
      rawRef: call.rawRef,
    });
  } else if (call.success !== false) {
    for (const edit of editsOf(call.name, call.args)) {
      emitter.fileEdit({ ts: call.ts, callId: call.callId, ...edit, origin: 'tool', rawRef: call.rawRef });
    }
  }
}

export class CopilotTranscriptReader implements LineReader {
  readonly mode = 'lines';
  private readonly started = new Map<string, { name: string; args: Record<string, unknown> }>();

  constructor(
    readonly emitter: SessionEmitter,
    private readonly file = '',
  ) {}

  line(text: string, offset: number): void {
    const record = parseJsonRecord(text, this.emitter);
    if (!record) return;
    const type = str(record.type) ?? '';
    const data = isRecord(record.data) ? record.data : {};
    const ts = isoTime(record.timestamp);
    const rawRef = { file: this.file, offset };
    const id = str(record.id) ?? `${offset}`;
    const parentId = str(record.parentId);
    switch (type) {
      case 'session.start': {
        const sessionId = str(data.sessionId);
        if (sessionId) this.emitter.sessionId = sessionId;
        return;
      }
      case 'user.message':
      case 'assistant.message':
        this.emitter.turn({
          ts,
          turnId: id,
          ...(parentId ? { parentId } : {}),
          role: type === 'user.message' ? 'user' : 'assistant',
          text: str(data.content) ?? contentText(data.content),
          rawRef,
        });
        return;
      case 'tool.execution_start': {
        const callId = str(data.toolCallId) ?? id;
        const name = str(data.toolName) ?? 'unknown';
        const args = parseArgs(data.arguments);
        this.started.set(callId, { name, args });
        const kind = toolKind(name);
        const command = kind === 'shell' ? str(args.command) : undefined;
        this.emitter.toolCall({
          ts,
          callId,
          rawName: name,
          kind,
          input: args,
          ...(command !== undefined ? { command } : {}),
          status: 'started',
          exitCodeSource: 'none',
          rawRef,
        });
        return;
      }
      case 'tool.execution_complete': {
        const callId = str(data.toolCallId) ?? id;
        const start = this.started.get(callId);
        this.started.delete(callId);
        const result = isRecord(data.result) ? data.result : undefined;
        const exitCode = typeof result?.exitCode === 'number' ? result.exitCode : undefined;
        finishTool(this.emitter, {
          callId,
          name: start?.name ?? str(data.toolName) ?? 'unknown',
          args: start?.args ?? {},
          ts,
          rawRef,
          output: resultText(data.result),
          success: typeof data.success === 'boolean' ? data.success : undefined,
          ...(exitCode === undefined ? {} : { exitCode }),
        });
        return;
      }
      default:
        // Other dotted event types (turn boundaries, reasoning, session updates) carry nothing here.
        if (!type.includes('.')) this.emitter.skip();
    }
  }

  end(): void {
    this.started.clear();
  }
}

/**
 * Applies a chatSessions .jsonl log: {kind:0,v} snapshot, {kind:1,k,v} set, {kind:2,k,v?,i?} push
 * (or splice from index i), {kind:3,k} delete. Paths come from the file: they only ever walk the
 * document's own properties, and a prototype key is a damaged record (it would reach Object.prototype).
 */
function replayPatchLog(text: string, emitter: SessionEmitter): unknown {
  let state: unknown;
  for (const line of text.split('\n')) {
    const op = parseJsonRecord(line, emitter);
    if (!op) continue;
    if (op.kind === 0) {
      state = op.v;
      continue;
    }
    const path = patchPath(op.k);
    if (!path || !isRecord(state)) {
      emitter.skip();
      continue;
    }
    let parent: unknown = state;
    for (const key of path.slice(0, -1)) parent = ownChild(parent, key);
    const last = path[path.length - 1]!;
    if (!isRecord(parent) && !Array.isArray(parent)) {
      emitter.skip();
      continue;
    }
    const target = parent as Record<string, unknown>;
    if (op.kind === 1) target[last] = op.v;
    else if (op.kind === 2) {
      const items = Array.isArray(op.v) ? op.v : op.v === undefined ? [] : [op.v];
      const existing = ownChild(target, last);
      target[last] = Array.isArray(existing)
        ? [...existing.slice(0, typeof op.i === 'number' ? op.i : existing.length), ...items]
        : items;
    } else if (op.kind === 3) delete target[last];
    else emitter.skip();
  }
  return state;
}

/** A patch path as property names; undefined unless it is a non-empty list of names and indexes none of which is a prototype key. */
function patchPath(k: unknown): string[] | undefined {
  if (!Array.isArray(k) || k.length === 0 || !k.every((key) => typeof key === 'string' || typeof key === 'number'))
    return undefined;
  const path = k.map(String);
  return path.some(isPrototypeKey) ? undefined : path;
}

function ownChild(parent: unknown, key: string): unknown {
  return (isRecord(parent) || Array.isArray(parent)) && Object.hasOwn(parent, key)
    ? (parent as Record<string, unknown>)[key]
    : undefined;
}

export class CopilotChatSessionReader implements DocumentReader {
  readonly mode = 'document';
  private readonly emitted = new Set<string>();
  private held: Record<string, unknown>[] = [];

  constructor(
    readonly emitter: SessionEmitter,
    private readonly file = '',
  ) {}

  document(text: string): void {
    let session: unknown;
    if (/^\s*\{"kind"\s*:/.test(text)) session = replayPatchLog(text, this.emitter);
    else {
      try {
        session = JSON.parse(text);
      } catch {
        this.emitter.skip();
        return;
      }
    }
    if (!isRecord(session) || !Array.isArray(session.requests)) {
      this.emitter.skip();
      return;
    }
    const sessionId = str(session.sessionId);
    if (sessionId) this.emitter.sessionId = sessionId;
    const fallbackTs = isoTime(session.creationDate);
    const requests = session.requests.filter(isRecord);
    // A request still streaming (no result yet) waits for the next rewrite or the end of input.
    this.held = [];
    requests.forEach((request, index) => {
      if (request.result === undefined && request.isComplete !== true) this.held.push({ ...request, index });
      else this.request(request, index, fallbackTs);
    });
  }

  end(): void {
    for (const request of this.held) this.request(request, Number(request.index), '');
    this.held = [];
  }

  private request(request: Record<string, unknown>, index: number, fallbackTs: string): void {
    const key = str(request.requestId) ?? String(index);
    if (this.emitted.has(key)) return;
    this.emitted.add(key);
    const ts = isoTime(request.timestamp, fallbackTs);
    const rawRef = { file: this.file, offset: -1 };
    const message = isRecord(request.message) ? request.message : {};
    this.emitter.turn({ ts, turnId: `${key}:user`, role: 'user', text: str(message.text) ?? '', rawRef });
    const texts: string[] = [];
    const parts = Array.isArray(request.response) ? request.response.filter(isRecord) : [];
    parts.forEach((part, i) => {
      const kind = str(part.kind);
      if (kind === undefined || kind === 'markdownContent') {
        const value = str(part.value) ?? (isRecord(part.content) ? str(part.content.value) : undefined);
        if (value) texts.push(value);
      } else if (kind === 'toolInvocationSerialized') {
        this.toolInvocation(part, `${key}:${i}`, ts, rawRef);
      } else if (kind === 'textEditGroup') {
        this.textEditGroup(part, `${key}:${i}`, ts, rawRef);
      }
    });
    this.emitter.turn({ ts, turnId: `${key}:assistant`, role: 'assistant', text: texts.join(''), rawRef });
  }

  private toolInvocation(part: Record<string, unknown>, fallbackId: string, ts: string, rawRef: Ref): void {
    const data = isRecord(part.toolSpecificData) ? part.toolSpecificData : {};
    const callId = str(part.toolCallId) ?? fallbackId;
    const name = str(part.toolId) ?? 'unknown';
    if (data.kind !== 'terminal') {
      const kind = toolKind(name);
      this.emitter.toolCall({
        ts,
        callId,
        rawName: name,
        kind,
        input: data,
        status: part.isComplete === false ? 'started' : 'succeeded',
        exitCodeSource: 'none',
        rawRef,
      });
      return;
    }
    const commandLine = isRecord(data.commandLine) ? data.commandLine : {};
    const command = str(data.command) ?? str(commandLine.original) ?? str(commandLine.toolEdited) ?? '';
    const state = isRecord(data.terminalCommandState) ? data.terminalCommandState : {};
    const outputRecord = isRecord(data.terminalCommandOutput) ? data.terminalCommandOutput : {};
    const exitCode = typeof state.exitCode === 'number' ? state.exitCode : undefined;
    finishTool(this.emitter, {
      callId,
      name: 'run_in_terminal',
      args: { command },
      ts,
      rawRef,
      output: str(outputRecord.text) ?? '',
      success: exitCode === undefined ? undefined : exitCode === 0,
      ...(exitCode === undefined ? {} : { exitCode }),
    });
  }

  private textEditGroup(part: Record<string, unknown>, callId: string, ts: string, rawRef: Ref): void {
    const uri = isRecord(part.uri) ? part.uri : {};
    const path = str(uri.fsPath) ?? str(uri.path) ?? str(uri.external);
    if (!path) return;
    const inserted = (Array.isArray(part.edits) ? part.edits.flat() : [])
      .filter(isRecord)
      .map((e) => str(e.text) ?? '');
    this.emitter.fileEdit({
      ts,
      callId,
      path,
      op: 'update',
      diff: fragmentDiff('', inserted.join('\n')),
      origin: 'tool',
      rawRef,
    });
  }
}
