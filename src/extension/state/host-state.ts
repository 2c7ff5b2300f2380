// Keeps what the views show across extension host restarts (a window reload, an update) in
// workspace storage: the store's timelines and scores, and how far each transcript was read.
// Both are written in one value, taken at one moment, so a restored timeline and the positions
// it resumes from always match: nothing is shown twice and nothing is skipped. Flags and the
// user's decisions on them have their own store (tamper/flag-store). No vscode import: the
// extension passes its workspaceState, tests an in-memory one.
import { TailPositions, type TailPosition } from '../../watchers/positions';
import type { VitalsStore } from './vitals-store';

/** The part of vscode.Memento used here. */
export interface StateStorage {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

export const HOST_STATE_KEY = 'agentVitals.hostState';

interface SavedHostState {
  timelines: unknown;
  positions: Record<string, TailPosition>;
}

export class HostState {
  /** Where transcripts were read up to; the watchers report into it and resume from it. */
  readonly positions: TailPositions;
  /** Saved entries that could not be read back (left out, reported by the caller). */
  readonly skippedOnRestore: number;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly subscription: { dispose(): void };

  /** Restores `store` from `storage` and saves it again within `delayMs` of each change. */
  constructor(
    private readonly storage: StateStorage,
    private readonly store: VitalsStore,
    private readonly delayMs = 5_000,
  ) {
    const saved = storage.get<Partial<SavedHostState>>(HOST_STATE_KEY);
    this.skippedOnRestore = store.restoreTimelines(saved?.timelines);
    this.positions = new TailPositions(
      typeof saved?.positions === 'object' && saved.positions !== null ? saved.positions : {},
    );
    this.subscription = store.onDidChange(() => this.schedule());
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => void this.save(), this.delayMs);
  }

  /** Writes the current state now. */
  save(): PromiseLike<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const state: SavedHostState = { timelines: this.store.saveTimelines(), positions: this.positions.toJSON() };
    return this.storage.update(HOST_STATE_KEY, state);
  }

  /** Saves once more and stops (the host is going away). */
  dispose(): PromiseLike<void> {
    this.subscription.dispose();
    return this.save();
  }
}
