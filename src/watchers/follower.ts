// Keeps one transcript file's reader up to date: appended lines through the byte-offset tailer,
// whole-file formats by re-reading on change. Changes are coalesced; reads never overlap.
// Resuming a file followed by an earlier run of the host, the reader goes over what it had read
// without delivering it again (so its state — pending tool calls, the session's cwd, event
// numbering — is as it was) and delivers from the saved position on; a file replaced or cut
// shorter since is new and read from the start.
import { readFile, stat } from 'node:fs/promises';
import type { TailPosition } from './positions';
import type { TranscriptReader } from './reader';
import { LineTailer } from './tailer';

export class TranscriptFollower {
  private readonly tailer: LineTailer | undefined;
  private pending: Promise<void> = Promise.resolve();
  private queued = false;
  private closed = false;
  /** Set until the first read has decided whether the saved position still applies. */
  private resume: TailPosition | undefined;
  /** Events below this number were delivered by an earlier run and are being re-read. */
  private resumedAt = 0;

  constructor(
    readonly file: string,
    readonly reader: TranscriptReader,
    private readonly onError: (err: unknown) => void = () => {},
    /** Records newly counted as skipped by the last read (malformed, unknown or oversized). */
    private readonly onSkipped: (newlySkipped: number, total: number) => void = () => {},
    resume?: TailPosition,
  ) {
    this.resume = resume;
    if (reader.mode === 'lines') {
      const lineReader = reader;
      this.tailer = new LineTailer(file, (line, offset) => lineReader.line(line, offset), {
        // A truncated or replaced file starts over: whatever was held back belongs to the old one,
        // and every event of the new one is new.
        onRestart: () => {
          lineReader.end();
          lineReader.emitter.resumeAfter(0);
          this.resumedAt = 0;
        },
        onOversizedLine: () => lineReader.emitter.skip(),
      });
    }
  }

  /** How far this file has been delivered; undefined while an earlier run's part is re-read. */
  position(): TailPosition | undefined {
    const seq = this.reader.emitter.nextSeq;
    if (this.resume || seq < this.resumedAt) return undefined;
    if (!this.tailer) return { seq };
    return { seq, offset: this.tailer.offset, ...(this.tailer.inode !== undefined ? { ino: this.tailer.inode } : {}) };
  }

  /** Applies the saved position unless the file on disk is no longer the one it was taken from. */
  private async applyResume(resume: TailPosition): Promise<void> {
    if (resume.ino !== undefined) {
      const info = await stat(this.file).catch(() => undefined);
      if (!info || info.ino !== resume.ino || info.size < (resume.offset ?? 0)) return;
    }
    this.reader.emitter.resumeAfter(resume.seq);
    this.resumedAt = resume.seq;
  }

  /** Schedules a read of what changed; calls made while a read is queued are merged into it. */
  poke(): Promise<void> {
    if (this.closed || this.queued) return this.pending;
    this.queued = true;
    this.pending = this.pending.then(async () => {
      this.queued = false;
      if (this.closed) return;
      if (this.resume) {
        await this.applyResume(this.resume);
        this.resume = undefined;
      }
      const skippedBefore = this.reader.emitter.skippedRecords;
      try {
        if (this.tailer) await this.tailer.readAvailable();
        else if (this.reader.mode === 'document') this.reader.document(await readFile(this.file, 'utf8'));
      } catch (err) {
        // A file deleted between the change event and the read is not an error worth reporting.
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.onError(err);
      }
      const skipped = this.reader.emitter.skippedRecords;
      if (skipped > skippedBefore) this.onSkipped(skipped - skippedBefore, skipped);
    });
    return this.pending;
  }

  close(): void {
    this.closed = true;
  }
}
