// Next-token choice from logits: greedy at temperature 0, otherwise seeded top-k / top-p sampling.

/** Deterministic PRNG (mulberry32) so a seed reproduces a generation. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function argmax(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

/** `topP` (nucleus) keeps the most likely tokens whose probabilities reach `topP` (1 = all). */
export function sampleToken(
  logits: Float32Array,
  temperature: number,
  topK: number | undefined,
  random: () => number,
  topP = 1,
): number {
  if (temperature <= 0) return argmax(logits);
  const k = Math.min(topK && topK > 0 ? topK : logits.length, logits.length);
  let order = Array.from(logits.keys())
    .sort((a, b) => logits[b]! - logits[a]!)
    .slice(0, k);
  const top = logits[order[0]!]!;
  let weights = order.map((id) => Math.exp((logits[id]! - top) / temperature));
  let total = weights.reduce((a, b) => a + b, 0);
  if (topP < 1) {
    let kept = 0;
    for (let mass = 0; kept < weights.length && mass < topP * total; kept++) mass += weights[kept]!;
    order = order.slice(0, Math.max(1, kept));
    weights = weights.slice(0, order.length);
    total = weights.reduce((a, b) => a + b, 0);
  }
  let threshold = random() * total;
  for (let i = 0; i < order.length; i++) {
    threshold -= weights[i]!;
    if (threshold <= 0) return order[i]!;
  }
  return order[order.length - 1]!;
}
