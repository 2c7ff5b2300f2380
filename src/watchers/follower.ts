// Keeps one transcript file's reader up to date: appended lines through the byte-offset tailer,
// whole-file formats by re-reading on change. Changes are coalesced; reads never overlap.
import { readFile } from 'node:fs/promises';
import type { TranscriptReader } from './reader';
import { LineTailer } from './tailer';

export class TranscriptFollower {
  private readonly tailer: LineTailer | undefined;
  private pending: Promise<void> = Promise.resolve();
  private queued = false;
  private closed = false;

  constructor(
    readonly file: string,
    readonly reader: TranscriptReader,
    private readonly onError: (err: unknown) => void = () => {},
    /** Records newly counted as skipped by the last read (malformed, unknown or oversized). */
    private readonly onSkipped: (newlySkipped: number, total: number) => void = () => {},
  ) {
    if (reader.mode === 'lines') {
      const lineReader = reader;
      this.tailer = new LineTailer(file, (line, offset) => lineReader.line(line, offset), {
        // A truncated or replaced file starts over: whatever was held back belongs to the old one.
        onRestart: () => lineReader.end(),
        onOversizedLine: () => lineReader.emitter.skip(),
      });
    }
  }

  /** Schedules a read of what changed; calls made while a read is queued are merged into it. */
  poke(): Promise<void> {
    if (this.closed || this.queued) return this.pending;
    this.queued = true;
    this.pending = this.pending.then(async () => {
      this.queued = false;
      if (this.closed) return;
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
