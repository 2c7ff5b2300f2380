// How far each followed transcript was read, kept across host restarts so a session resumes
// where it was: its earlier events are not delivered again and numbering carries on. Followers
// report their position live; a snapshot is taken whenever the host saves its state, at the same
// moment as the timeline it matches.

export interface TailPosition {
  /** Events the file had produced (and delivered) at this point. */
  seq: number;
  /** Line formats: bytes read, and the file's inode, to tell a replaced or cut file from the same one. */
  offset?: number;
  ino?: number;
}

/** Files remembered at most; the least recently followed are forgotten first. */
const MAX_FILES = 2_000;

export class TailPositions {
  private readonly stored = new Map<string, TailPosition>();
  private readonly live = new Map<string, () => TailPosition | undefined>();

  constructor(saved: Readonly<Record<string, TailPosition>> = {}) {
    for (const [file, p] of Object.entries(saved)) if (isTailPosition(p)) this.stored.set(file, p);
  }

  /** Where `file` was read up to, by this run or an earlier one. */
  get(file: string): TailPosition | undefined {
    return this.live.get(file)?.() ?? this.stored.get(file);
  }

  /** A follower reports its position through `current` (undefined: nothing delivered yet). */
  follow(file: string, current: () => TailPosition | undefined): void {
    this.live.set(file, current);
  }

  /** The follower stopped (watchers restarted): keep where it got to. */
  release(file: string): void {
    const position = this.live.get(file)?.();
    this.live.delete(file);
    if (position) this.remember(file, position);
  }

  /** The file is gone: if it comes back it is a new session, read from the start. */
  forget(file: string): void {
    this.live.delete(file);
    this.stored.delete(file);
  }

  toJSON(): Record<string, TailPosition> {
    const out: Record<string, TailPosition> = Object.fromEntries(this.stored);
    for (const [file, current] of this.live) {
      const position = current();
      if (position) out[file] = position;
    }
    return out;
  }

  private remember(file: string, position: TailPosition): void {
    this.stored.delete(file); // re-inserted last: most recently followed
    this.stored.set(file, position);
    if (this.stored.size > MAX_FILES) this.stored.delete(this.stored.keys().next().value as string);
  }
}

function isTailPosition(value: unknown): value is TailPosition {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Record<string, unknown>;
  const optionalNumber = (v: unknown) => v === undefined || (typeof v === 'number' && Number.isFinite(v) && v >= 0);
  return (
    typeof p.seq === 'number' &&
    Number.isInteger(p.seq) &&
    p.seq >= 0 &&
    optionalNumber(p.offset) &&
    optionalNumber(p.ino)
  );
}
