// Aider's `.aider.chat.history.md`, as Aider's InputOutput writes it:
// - "# aider chat started at …" opens a session;
// - user input: every line prefixed "#### " (one multi-line message is consecutive such lines);
// - Aider's own output: "> " + message + two trailing spaces; a multi-line message carries the
//   prefix on its first line only and the trailing spaces on its last (command output, tracebacks);
// - the model's replies: plain text, with edits as SEARCH/REPLACE blocks or, in the whole-file
//   formats (`whole`, `editor-whole`, architect's editor), a path line then a fenced whole file.
// Aider says "Applied edit to <path>" for each file it changed: only those proposed edits count.
// In architect mode Aider asks "Edit the files?" and, on yes, logs the architect's reply again as
// "#### " lines: the message it sends the editor model, not the person's.
// `/test`, `/run`, `!` and an approved suggested command ("> Running …") are shell runs; Aider
// records an exit code only as "Command '…' exited with status N".
import { dirname } from 'node:path';
import { fragmentDiff, isoTime, type SessionEmitter } from './emitter';
import type { LineReader } from './reader';
import { proposedEdits, samePath, type ProposedEdit } from './aider-edits';

type Block =
  | { kind: 'user'; lines: string[]; offset: number; asked?: boolean; relayed?: boolean }
  | { kind: 'assistant'; lines: string[]; offset: number }
  | { kind: 'run'; command: string; output: string[]; exitCode?: number; offset: number };

interface Line {
  text: string;
  offset: number;
}

/** A multi-line Aider message is read until its closing line; past this many lines it was not one. */
const MAX_MESSAGE_LINES = 5_000;
/** Slash commands whose argument is a message to the model. */
const MESSAGE_COMMAND = /^\/(?:ask|code|architect|context)\s+([^]+)$/;
const HEADER = /^# aider chat started at (.+)$/;
const CONFIRMATION = /\(Y\)es\/\(N\)o[^\]]*\]:/;
const RUN_COMMAND = /^(?:\/(?:test|run)\s+|!)([^]+)$/;
/** Aider's question before it relays the architect's reply to the editor model, answered yes. */
const RELAY = /^Edit the files\?.*:\s*y/i;

export class AiderReader implements LineReader {
  readonly mode = 'lines';
  private block: Block | undefined;
  /** Edits of the last reply, waiting for Aider to say it applied them. */
  private proposed: ProposedEdit[] = [];
  /** Whole-file content last applied per path, the `before` of the next whole-file edit. */
  private readonly applied = new Map<string, string>();
  /** The lines of a multi-line Aider message still waiting for its closing line. */
  private open: Line[] | undefined;
  /** Whether this file ends Aider messages with two spaces (every real history does). */
  private trailers = false;
  private lastNote = '';
  private ts = '';
  private turns = 0;
  private readonly repoRoot: string;

  constructor(
    readonly emitter: SessionEmitter,
    private readonly file = '',
  ) {
    this.repoRoot = dirname(file);
  }

  line(text: string, offset: number): void {
    if (this.open) {
      if (!isUserLine(text) && !isHeader(text) && this.open.length < MAX_MESSAGE_LINES) {
        this.open.push({ text, offset });
        if (closesMessage(text)) this.closeMessage();
        return;
      }
      // Not a multi-line message after all: its first line stands alone, the rest is read again.
      const [first, ...rest] = this.open;
      this.open = undefined;
      this.note(noteText(first!.text), first!.offset);
      for (const l of rest) this.readLine(l.text, l.offset, false);
    }
    this.readLine(text, offset, true);
  }

  private readLine(text: string, offset: number, mayContinue: boolean): void {
    const started = HEADER.exec(text);
    if (started) {
      this.flush();
      this.proposed = [];
      this.ts = isoTime(started[1]!.trim().replace(' ', 'T'));
      if (this.turns === 0) this.emitter.sessionId = `aider-${started[1]!.trim().replace(/\D/g, '')}`;
      return;
    }
    if (isUserLine(text)) {
      this.user(text.slice(5).trimEnd(), offset);
      return;
    }
    if (text.startsWith('>') && (text.length === 1 || text[1] === ' ')) {
      if (closesMessage(text)) this.trailers = true;
      if (mayContinue && this.trailers && !closesMessage(text) && text.trim() !== '>') {
        this.open = [{ text, offset }];
        return;
      }
      this.note(noteText(text), offset);
      return;
    }
    if (text.trim() === '' && this.block?.kind !== 'assistant') return;
    if (this.block?.kind !== 'assistant') {
      this.flush();
      this.proposed = [];
      this.block = { kind: 'assistant', lines: [], offset };
    }
    this.block.lines.push(text);
  }

  private closeMessage(): void {
    const lines = this.open!;
    this.open = undefined;
    const text = noteText([lines[0]!.text, ...lines.slice(1).map((l) => l.text)].join('\n'));
    this.note(text, lines[0]!.offset);
  }

  private user(said: string, offset: number): void {
    if (CONFIRMATION.test(said)) {
      // Some Aider versions log the answer to a yes/no question as input: a note, not a message.
      this.note(said, offset);
      return;
    }
    if (this.block?.kind === 'user') {
      // Aider logs "/ask question" and then the question it sends: one message, said once.
      if (!(this.block.lines.length === 1 && this.block.asked && said.trim() === this.block.lines[0]!.trim()))
        this.block.lines.push(said);
      return;
    }
    this.flush();
    this.proposed = [];
    const run = RUN_COMMAND.exec(said);
    if (run) {
      this.block = { kind: 'run', command: run[1]!.trim(), output: [], offset };
      return;
    }
    if (RELAY.test(this.lastNote)) {
      // Architect mode: the architect's reply, sent on to the editor model; nobody typed it.
      this.lastNote = '';
      this.block = { kind: 'user', lines: [said], offset, relayed: true };
      return;
    }
    const message = MESSAGE_COMMAND.exec(said);
    if (message) this.block = { kind: 'user', lines: [message[1]!], offset, asked: true };
    else if (!said.startsWith('/')) this.block = { kind: 'user', lines: [said], offset };
    // Other slash commands (/add, /model, /undo …) talk to Aider, not to the model.
  }

  /** One message Aider printed (prefix and trailing spaces removed). */
  private note(message: string, offset: number): void {
    const previous = this.lastNote;
    this.lastNote = message;
    const applied = /^Applied edit to (.+)$/.exec(message);
    if (applied) {
      if (this.block?.kind !== 'run') this.flush();
      this.apply(applied[1]!.trim(), offset);
      return;
    }
    if (/^Create new file\?.*:\s*y/i.test(message)) {
      for (const e of this.proposed) if (samePath(e.path, previous)) e.created = true;
      return;
    }
    const running = /^Running (.+)$/.exec(message);
    if (running) {
      this.flush();
      this.block = { kind: 'run', command: running[1]!.trim(), output: [], offset };
      return;
    }
    if (this.block?.kind === 'run') {
      const status = /^Command '[^]*' exited with status (-?\d+)$/.exec(message);
      if (status) this.block.exitCode = Number(status[1]);
      else this.block.output.push(message);
      return;
    }
    this.flush();
  }

  private apply(path: string, offset: number): void {
    const rawRef = { file: this.file, offset };
    for (const e of this.proposed.filter((p) => samePath(p.path, path))) {
      const key = e.path.replace(/\\/g, '/');
      const base = { ts: this.ts, path: key, origin: 'tool' as const, rawRef };
      if (e.whole !== undefined) {
        const before = e.created ? undefined : this.applied.get(key);
        this.emitter.fileEdit(
          { ...base, op: e.created ? 'create' : 'update', ...(before === undefined ? {} : { before }), after: e.whole },
          this.repoRoot,
        );
        this.applied.set(key, e.whole);
      } else if (e.search === '') {
        this.emitter.fileEdit({ ...base, op: 'create', after: e.replace + '\n' }, this.repoRoot);
      } else {
        this.emitter.fileEdit({ ...base, op: 'update', diff: fragmentDiff(e.search, e.replace) }, this.repoRoot);
      }
    }
    this.proposed = this.proposed.filter((p) => !samePath(p.path, path));
  }

  private flush(): void {
    const block = this.block;
    this.block = undefined;
    if (!block || (block.kind === 'user' && block.relayed)) return;
    const rawRef = { file: this.file, offset: block.offset };
    const turnId = `${this.emitter.sessionId}#${++this.turns}`;
    if (block.kind === 'run') {
      const output = block.output.join('\n');
      const { exitCode } = block;
      const known = exitCode === undefined ? {} : { exitCode };
      const status = exitCode === undefined ? 'unknown' : exitCode === 0 ? 'succeeded' : 'failed';
      this.emitter.toolCall({
        ts: this.ts,
        callId: turnId,
        rawName: 'run',
        kind: 'shell',
        input: { command: block.command },
        command: block.command,
        status,
        output,
        ...known,
        exitCodeSource: exitCode === undefined ? 'none' : 'parsed',
        rawRef,
      });
      this.emitter.commandFinished({
        ts: this.ts,
        callId: turnId,
        command: block.command,
        output,
        ...known,
        origin: 'agent',
        rawRef,
        cwd: this.repoRoot,
      });
      return;
    }
    if (block.kind === 'assistant') this.proposed = proposedEdits(block.lines);
    this.emitter.turn({ ts: this.ts, turnId, role: block.kind, text: block.lines.join('\n').trim(), rawRef });
  }

  end(): void {
    if (this.open) this.closeMessage();
    this.flush();
  }
}

function isUserLine(text: string): boolean {
  return text.startsWith('#### ') || text.trimEnd() === '####';
}

/** Aider strips a message and appends two spaces: its last line ends in text and exactly two spaces. */
function closesMessage(text: string): boolean {
  return /\S {2}$/.test(text);
}

function isHeader(text: string): boolean {
  return HEADER.test(text);
}

/** An Aider message without its "> " prefix and trailing spaces. */
function noteText(lines: string): string {
  return lines.slice(2).trimEnd();
}
