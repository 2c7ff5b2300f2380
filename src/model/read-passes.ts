// How inputs are read: in forward passes of at most READ_CHUNK_TOKENS tokens over the KV cache.
// Calibration and every reader of live text use this one length (a shared value in
// contracts/reading, since vector files record it): the pass length is part of what a reading
// measured.
import { READ_CHUNK_TOKENS } from '../contracts/reading';
import type { KvCacheHandle, ResidualEncoder } from './residual-encoder';

/** Most tokens one conversation holds unless asked for fewer. */
const DEFAULT_CONTEXT_LIMIT = 8192;

/**
 * Most tokens one conversation may hold: the requested limit, capped by the model's position
 * limit and, for a GroupQueryAttention export, by its rotary table (it cannot encode positions
 * beyond it). Every reader of a model — live, experiments, the report card — uses this one cap.
 */
export function readerContextLimit(
  config: { maxPositionEmbeddings?: number },
  shape: { maxPositions?: number },
  requested = DEFAULT_CONTEXT_LIMIT,
): number {
  return Math.min(requested, config.maxPositionEmbeddings ?? DEFAULT_CONTEXT_LIMIT, shape.maxPositions ?? Infinity);
}

/** Residuals of `ids` at each of `layers` ([ids.length × hidden]), read in passes over the cache. */
export async function readInPasses(
  encoder: ResidualEncoder,
  ids: readonly number[],
  layers: readonly number[],
): Promise<Map<number, Float32Array>> {
  const missing = layers.filter((l) => !encoder.layers.includes(l));
  if (missing.length) throw new Error(`the encoder does not expose layer(s) ${missing.join(', ')}`);
  const parts = new Map<number, Float32Array[]>(layers.map((l) => [l, []]));
  let past: KvCacheHandle | undefined;
  try {
    for (let at = 0; at < ids.length; at += READ_CHUNK_TOKENS) {
      const result = await encoder.forward(ids.slice(at, at + READ_CHUNK_TOKENS), past);
      past?.dispose();
      past = result.past;
      for (const layer of layers) parts.get(layer)!.push(result.activations.get(layer)!);
    }
  } finally {
    past?.dispose();
  }
  return new Map(layers.map((l) => [l, concatRows(parts.get(l)!)]));
}

/** Row blocks of one layer, in order, as one array. */
export function concatRows(parts: Float32Array[]): Float32Array {
  if (parts.length === 1) return parts[0];
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
