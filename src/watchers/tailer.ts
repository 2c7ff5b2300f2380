// Follows an append-only file by byte offset: each read starts where the last complete line
// ended, a partial last line waits for its newline, and truncation or replacement of the file
// restarts from the beginning. Nothing is ever re-read from the start otherwise.
import { open, stat } from 'node:fs/promises';

export type TailResult = 'read' | 'unchanged' | 'restarted' | 'missing';

export interface TailerOptions {
  /** Byte offset to resume from (e.g. a persisted position). */
  startOffset?: number;
  chunkBytes?: number;
  /** Called before re-reading from 0 after truncation or replacement. */
  onRestart?: () => void;
}

const NEWLINE = 0x0a;

export class LineTailer {
  /** Offset just past the last complete line handed out. */
  private consumed: number;
  private carry: Buffer = Buffer.alloc(0);
  private inode: number | undefined;
  private readonly chunkBytes: number;
  private reading: Promise<TailResult> | undefined;
  private again = false;

  constructor(
    readonly path: string,
    private readonly onLine: (line: string, offset: number) => void,
    private readonly options: TailerOptions = {},
  ) {
    this.consumed = options.startOffset ?? 0;
    this.chunkBytes = options.chunkBytes ?? 1 << 20;
  }

  get offset(): number {
    return this.consumed;
  }

  /** Reads everything appended since the last call. Concurrent calls coalesce into one more read. */
  readAvailable(): Promise<TailResult> {
    if (this.reading) {
      this.again = true;
      return this.reading;
    }
    this.reading = (async () => {
      let result: TailResult;
      do {
        this.again = false;
        result = await this.readOnce();
      } while (this.again);
      this.reading = undefined;
      return result;
    })();
    return this.reading;
  }

  private restart(): void {
    this.consumed = 0;
    this.carry = Buffer.alloc(0);
    this.options.onRestart?.();
  }

  private async readOnce(): Promise<TailResult> {
    let info;
    try {
      info = await stat(this.path);
    } catch {
      return 'missing';
    }
    let restarted = false;
    const readFrom = this.consumed + this.carry.length;
    if ((this.inode !== undefined && info.ino !== this.inode) || info.size < readFrom) {
      this.restart();
      restarted = true;
    }
    this.inode = info.ino;
    let position = this.consumed + this.carry.length;
    if (info.size === position) return restarted ? 'restarted' : 'unchanged';

    const handle = await open(this.path, 'r');
    try {
      const chunk = Buffer.allocUnsafe(this.chunkBytes);
      for (;;) {
        const { bytesRead } = await handle.read(chunk, 0, this.chunkBytes, position);
        if (bytesRead === 0) break;
        position += bytesRead;
        this.splitLines(chunk.subarray(0, bytesRead));
      }
    } finally {
      await handle.close();
    }
    return restarted ? 'restarted' : 'read';
  }

  private splitLines(data: Buffer): void {
    let start = 0;
    let nl = data.indexOf(NEWLINE, 0);
    if (nl >= 0 && this.carry.length > 0) {
      const line = Buffer.concat([this.carry, data.subarray(0, nl)]);
      this.emit(line.toString('utf8'), line.length + 1);
      this.carry = Buffer.alloc(0);
      start = nl + 1;
      nl = data.indexOf(NEWLINE, start);
    }
    while (nl >= 0) {
      this.emit(data.toString('utf8', start, nl), nl - start + 1);
      start = nl + 1;
      nl = data.indexOf(NEWLINE, start);
    }
    if (start < data.length) {
      // Copy: the read buffer is reused for the next chunk.
      this.carry = Buffer.concat([this.carry, data.subarray(start)]);
    }
  }

  private emit(text: string, bytes: number): void {
    const offset = this.consumed;
    this.consumed += bytes;
    this.onLine(text.endsWith('\r') ? text.slice(0, -1) : text, offset);
  }

  /** The file is complete (analyze): hand out a last line that has no trailing newline. */
  flushPartial(): void {
    if (this.carry.length === 0) return;
    const line = this.carry;
    this.carry = Buffer.alloc(0);
    this.emit(line.toString('utf8'), line.length);
  }
}
