// onnxruntime-node runs a session synchronously on the sidecar's only JavaScript thread, so while
// one forward pass runs the sidecar cannot answer the host's liveness pings; a pass longer than the
// host's hang timeout (3 s) gets a healthy sidecar killed. On a real model and a busy machine a
// 1,000-token pass takes that long, so long inputs run as several passes over the KV cache, each
// sized from the measured cost per token to take about half a second.
import type { KvCacheHandle, ResidualEncoder } from './residual-encoder';
import { concatRows } from './read-passes';

interface PacingOptions {
  /** Target duration of one forward pass. */
  budgetMs: number;
  /** Size of the first pass, before any cost has been measured. */
  firstPassTokens: number;
  /** Passes are never cut shorter than this (fixed per-pass costs dominate below it). */
  minPassTokens: number;
  /** Clock, replaceable in tests. */
  now: () => number;
}

const DEFAULT_PACING: PacingOptions = {
  budgetMs: 500,
  firstPassTokens: 64,
  minPassTokens: 16,
  now: () => performance.now(),
};

export class PacedEncoder<C extends KvCacheHandle> implements ResidualEncoder<C> {
  private msPerToken?: number;
  private readonly options: PacingOptions;

  constructor(
    private readonly inner: ResidualEncoder<C>,
    options: Partial<PacingOptions> = {},
  ) {
    this.options = { ...DEFAULT_PACING, ...options };
  }

  get layers(): number[] {
    return this.inner.layers;
  }

  /** Tokens the next pass may take. */
  get passTokens(): number {
    const { budgetMs, firstPassTokens, minPassTokens } = this.options;
    if (this.msPerToken === undefined) return firstPassTokens;
    return Math.max(minPassTokens, Math.floor(budgetMs / this.msPerToken));
  }

  async forward(inputIds: number[], past?: C): Promise<{ activations: Map<number, Float32Array>; past: C }> {
    const parts = new Map<number, Float32Array[]>();
    let cache = past;
    let at = 0;
    do {
      const ids = inputIds.slice(at, at + this.passTokens);
      const started = this.options.now();
      const out = await this.inner.forward(ids, cache);
      this.record(ids.length, this.options.now() - started);
      // The caller's cache stays the caller's; the ones made between passes are ours to free.
      if (cache && cache !== past && out.past !== cache) cache.dispose();
      cache = out.past;
      for (const [layer, rows] of out.activations) {
        const list = parts.get(layer) ?? [];
        list.push(rows);
        parts.set(layer, list);
      }
      at += ids.length;
    } while (at < inputIds.length);
    const activations = new Map<number, Float32Array>();
    for (const [layer, list] of parts) activations.set(layer, concatRows(list));
    return { activations, past: cache! };
  }

  /** Slower passes raise the estimate at once (contention shows up immediately); faster ones
   *  lower it by half the difference, so one lucky pass does not oversize the next. */
  private record(tokens: number, ms: number): void {
    if (tokens < this.options.minPassTokens) return;
    const sample = ms / tokens;
    this.msPerToken =
      this.msPerToken === undefined || sample > this.msPerToken ? sample : (this.msPerToken + sample) / 2;
  }
}
