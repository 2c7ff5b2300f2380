// The KV cache of the last conversation served, kept so the next request that extends it (an
// agent's next turn) only runs its new tokens through the model.
import type { KvCache } from '../engine';

export class PrefixCache {
  private entry?: { ids: number[]; past: KvCache; key: string };

  /** The kept cache when it covers a prefix of `ids` (leaving at least one token to run) and was
   *  made under the same `key`, and the tokens still to run. The caller owns the returned cache. */
  take(ids: readonly number[], key: string): { past?: KvCache; rest: number[] } {
    const entry = this.entry;
    this.entry = undefined;
    if (entry && entry.key === key && entry.ids.length < ids.length && entry.ids.every((id, i) => id === ids[i])) {
      return { past: entry.past, rest: ids.slice(entry.ids.length) };
    }
    entry?.past.dispose();
    return { rest: [...ids] };
  }

  /** Keeps `past`, which covers exactly `ids` and was made under `key`, replacing what was kept. */
  keep(ids: number[], past: KvCache, key: string): void {
    this.entry?.past.dispose();
    this.entry = { ids, past, key };
  }

  clear(): void {
    this.entry?.past.dispose();
    this.entry = undefined;
  }
}
