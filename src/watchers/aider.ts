// Aider's `.aider.chat.history.md`: "# aider chat started at …" headers, user lines prefixed
// "#### ", tool output prefixed "> ", assistant text plain with SEARCH/REPLACE edit blocks.
// Aider records no exit codes; a /test or /run command's output is parsed for a test summary.
import { dirname } from 'node:path';
import { fragmentDiff, isoTime, type SessionEmitter } from './emitter';
import type { LineReader } from './reader';

type Block =
  | { kind: 'user'; lines: string[]; offset: number }
  | { kind: 'assistant'; lines: string[]; offset: number }
  | { kind: 'command'; command: string; output: string[]; offset: number };

interface EditBlock {
  path: string;
  search: string[];
  replace: string[];
  inReplace: boolean;
}

export class AiderReader implements LineReader {
  readonly mode = 'lines';
  private block: Block | undefined;
  private edit: EditBlock | undefined;
  private ts = '';
  private turns = 0;
  private readonly repoRoot: string;

  constructor(readonly emitter: SessionEmitter, private readonly file = '') {
    this.repoRoot = dirname(file);
  }

  line(text: string, offset: number): void {
    const started = /^# aider chat started at (.+)$/.exec(text);
    if (started) {
      this.flush();
      this.ts = isoTime(started[1]!.trim().replace(' ', 'T'));
      if (this.turns === 0) this.emitter.sessionId = `aider-${started[1]!.trim().replace(/\D/g, '')}`;
      return;
    }
    if (text.startsWith('#### ')) {
      const said = text.slice(5);
      const command = /^\/(?:test|run)\s+(.+)$/.exec(said.trim());
      this.flush();
      this.block = command ? { kind: 'command', command: command[1]!, output: [], offset } : { kind: 'user', lines: [said], offset };
      return;
    }
    if (text === '####') {
      if (this.block?.kind === 'user') this.block.lines.push('');
      return;
    }
    const inEdit = this.block?.kind === 'assistant' && this.edit !== undefined;
    if (!inEdit && text.startsWith('>') && (text.length === 1 || text[1] === ' ')) {
      // Tool output: kept for a /test or /run command, otherwise aider's own notes.
      if (this.block?.kind === 'command') this.block.output.push(text.slice(2));
      else this.flush();
      return;
    }
    if (this.block?.kind === 'command' && text.trim() === '') return;
    if (this.block?.kind !== 'assistant') {
      if (text.trim() === '' && this.block?.kind === 'user') return;
      this.flush();
      this.block = { kind: 'assistant', lines: [], offset };
    }
    this.block.lines.push(text);
    this.trackEdit(text, this.block.lines, offset);
  }

  private trackEdit(text: string, lines: string[], offset: number): void {
    const marker = text.trim();
    if (/^<{5,9} SEARCH\b/.test(marker)) {
      // The file name is the nearest non-fence line above the block.
      const above = lines.slice(0, -1).reverse().find((l) => l.trim() !== '' && !l.trim().startsWith('```'));
      this.edit = { path: (above ?? '').trim().replace(/^`+|`+$/g, ''), search: [], replace: [], inReplace: false };
    } else if (this.edit && /^={5,9}$/.test(marker)) {
      this.edit.inReplace = true;
    } else if (this.edit && /^>{5,9} REPLACE\b/.test(marker)) {
      const { path, search, replace } = this.edit;
      this.edit = undefined;
      if (!path) return;
      this.emitter.fileEdit(
        {
          ts: this.ts,
          path,
          op: search.length === 0 ? 'create' : 'update',
          ...(search.length === 0 ? { after: replace.join('\n') + '\n' } : { diff: fragmentDiff(search.join('\n'), replace.join('\n')) }),
          origin: 'tool',
          rawRef: { file: this.file, offset },
        },
        this.repoRoot,
      );
    } else if (this.edit) {
      (this.edit.inReplace ? this.edit.replace : this.edit.search).push(text);
    }
  }

  private flush(): void {
    const block = this.block;
    this.block = undefined;
    this.edit = undefined;
    if (!block) return;
    const rawRef = { file: this.file, offset: block.offset };
    const turnId = `${this.emitter.sessionId}#${++this.turns}`;
    if (block.kind === 'command') {
      const output = block.output.join('\n');
      this.emitter.toolCall({ ts: this.ts, callId: turnId, rawName: 'run', kind: 'shell', input: { command: block.command }, command: block.command, status: 'unknown', output, exitCodeSource: 'none', rawRef });
      this.emitter.commandFinished({ ts: this.ts, callId: turnId, command: block.command, output, origin: 'agent', rawRef, cwd: this.repoRoot });
      return;
    }
    const text = block.lines.join('\n').trim();
    this.emitter.turn({ ts: this.ts, turnId, role: block.kind, text, rawRef });
  }

  end(): void {
    this.flush();
  }
}
