// Follows an append-only file by byte offset: each read starts where the last complete line
// ended, a partial last line waits for its newline, and truncation or replacement of the file
// restarts from the beginning: a shorter file, another inode, or the same inode whose bytes
// already read have changed (truncated and regrown between two reads). Nothing is ever re-read
// from the start otherwise.
import { open, stat, type FileHandle } from 'node:fs/promises';

export type TailResult = 'read' | 'unchanged' | 'restarted' | 'missing';

export interface TailerOptions {
  /** Byte offset to resume from (e.g. a persisted position). */
  startOffset?: number;
  chunkBytes?: number;
  /** Called before re-reading from 0 after truncation or replacement. */
  onRestart?: () => void;
  /** Longest line held in memory; longer ones are dropped (memory stays bounded on any file). */
  maxLineBytes?: number;
  /** A line longer than `maxLineBytes` was dropped. */
  onOversizedLine?: (offset: number, bytes: number) => void;
}

export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;

const NEWLINE = 0x0a;
/** Bytes compared at each end of what was read to tell a rewritten file from an appended one. */
const FINGERPRINT_BYTES = 64;

export class LineTailer {
  /** Offset just past the last complete line handed out. */
  private consumed: number;
  private carry: Buffer = Buffer.alloc(0);
  private fileInode: number | undefined;
  private readonly chunkBytes: number;
  private reading: Promise<TailResult> | undefined;
  private again = false;
  private readonly maxLineBytes: number;
  /** Offset where the oversized line being dropped started (undefined when none is). */
  private droppingFrom: number | undefined;
  /** The first and the last bytes read so far (empty before the first read of this run). */
  private fingerprint: Buffer = Buffer.alloc(0);

  constructor(
    readonly path: string,
    private readonly onLine: (line: string, offset: number) => void,
    private readonly options: TailerOptions = {},
  ) {
    this.consumed = options.startOffset ?? 0;
    this.chunkBytes = options.chunkBytes ?? 1 << 20;
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  }

  get offset(): number {
    return this.consumed;
  }

  /** The inode of the file being read (undefined before the first read). */
  get inode(): number | undefined {
    return this.fileInode;
  }

  /** Reads everything appended since the last call. Concurrent calls coalesce into one more read. */
  readAvailable(): Promise<TailResult> {
    if (this.reading) {
      this.again = true;
      return this.reading;
    }
    this.reading = (async () => {
      try {
        let result: TailResult;
        do {
          this.again = false;
          result = await this.readOnce();
        } while (this.again);
        return result;
      } finally {
        // A failed read (I/O error, a throwing handler) must not answer every later call.
        this.reading = undefined;
      }
    })();
    return this.reading;
  }

  private restart(): void {
    this.consumed = 0;
    this.carry = Buffer.alloc(0);
    this.droppingFrom = undefined;
    this.fingerprint = Buffer.alloc(0);
    this.options.onRestart?.();
  }

  private async readOnce(): Promise<TailResult> {
    let info;
    try {
      info = await stat(this.path);
    } catch {
      // Gone: a file created here later is new (its inode number may even be reused), so start over.
      if (this.fileInode !== undefined || this.consumed > 0) {
        this.restart();
        this.fileInode = undefined;
      }
      return 'missing';
    }
    let restarted = false;
    const readFrom = this.consumed + this.carry.length;
    if ((this.fileInode !== undefined && info.ino !== this.fileInode) || info.size < readFrom) {
      this.restart();
      restarted = true;
    }
    this.fileInode = info.ino;
    if (info.size === readFrom && this.fingerprint.length === 0) return restarted ? 'restarted' : 'unchanged';

    const handle = await open(this.path, 'r');
    try {
      if (!restarted && !(await this.sameBytes(handle))) {
        this.restart();
        restarted = true;
      }
      let position = this.consumed + this.carry.length;
      if (info.size === position) return restarted ? 'restarted' : 'unchanged';
      // Stale once reading starts: a read cut short by a throwing handler must not look like a rewrite.
      this.fingerprint = Buffer.alloc(0);
      const chunk = Buffer.allocUnsafe(this.chunkBytes);
      for (;;) {
        const { bytesRead } = await handle.read(chunk, 0, this.chunkBytes, position);
        if (bytesRead === 0) break;
        position += bytesRead;
        this.splitLines(chunk.subarray(0, bytesRead));
      }
      this.fingerprint = await fingerprintOf(handle, position);
    } finally {
      await handle.close();
    }
    return restarted ? 'restarted' : 'read';
  }

  /** Whether the bytes already read are still those on disk (true when nothing was read yet). */
  private async sameBytes(handle: FileHandle): Promise<boolean> {
    if (this.fingerprint.length === 0) return true;
    return (await fingerprintOf(handle, this.consumed + this.carry.length)).equals(this.fingerprint);
  }

  private splitLines(data: Buffer): void {
    let start = 0;
    let nl = data.indexOf(NEWLINE, 0);
    if (this.droppingFrom !== undefined) {
      // Still inside an oversized line: its bytes count as read but are never held.
      const end = nl < 0 ? data.length : nl + 1;
      this.consumed += end;
      if (nl < 0) return;
      this.options.onOversizedLine?.(this.droppingFrom, this.consumed - this.droppingFrom);
      this.droppingFrom = undefined;
      start = nl + 1;
      nl = data.indexOf(NEWLINE, start);
    } else if (nl >= 0 && this.carry.length > 0) {
      const carried = this.carry;
      // Cleared before the handler runs: if it throws, the next read resumes after this line.
      this.carry = Buffer.alloc(0);
      if (carried.length + nl > this.maxLineBytes) this.drop(carried.length + nl + 1);
      else {
        const line = Buffer.concat([carried, data.subarray(0, nl)]);
        this.emit(line.toString('utf8'), line.length + 1);
      }
      start = nl + 1;
      nl = data.indexOf(NEWLINE, start);
    }
    while (nl >= 0) {
      if (nl - start > this.maxLineBytes) this.drop(nl - start + 1);
      else this.emit(data.toString('utf8', start, nl), nl - start + 1);
      start = nl + 1;
      nl = data.indexOf(NEWLINE, start);
    }
    if (start < data.length) {
      if (this.carry.length + data.length - start > this.maxLineBytes) {
        this.droppingFrom = this.consumed;
        this.consumed += this.carry.length + data.length - start;
        this.carry = Buffer.alloc(0);
      } else {
        // Copy: the read buffer is reused for the next chunk.
        this.carry = Buffer.concat([this.carry, data.subarray(start)]);
      }
    }
  }

  private drop(bytes: number): void {
    this.options.onOversizedLine?.(this.consumed, bytes);
    this.consumed += bytes;
  }

  private emit(text: string, bytes: number): void {
    const offset = this.consumed;
    this.consumed += bytes;
    this.onLine(text.endsWith('\r') ? text.slice(0, -1) : text, offset);
  }

  /** The file is complete (analyze): hand out a last line that has no trailing newline. */
  flushPartial(): void {
    if (this.droppingFrom !== undefined) {
      // An oversized last line has no newline to end it: it ends with the file.
      this.options.onOversizedLine?.(this.droppingFrom, this.consumed - this.droppingFrom);
      this.droppingFrom = undefined;
    }
    if (this.carry.length === 0) return;
    const line = this.carry;
    this.carry = Buffer.alloc(0);
    this.emit(line.toString('utf8'), line.length);
  }
}

/** The first and the last FINGERPRINT_BYTES of the file's first `end` bytes. */
async function fingerprintOf(handle: FileHandle, end: number): Promise<Buffer> {
  const size = Math.min(FINGERPRINT_BYTES, end);
  const buffer = Buffer.alloc(2 * size);
  await handle.read(buffer, 0, size, 0);
  await handle.read(buffer, size, size, end - size);
  return buffer;
}
