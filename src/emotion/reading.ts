// Live reading: per-token z-scores against the neutral baseline, turn summaries, a smoothed
// trace, and the session trend over recent turns.

import { dot } from './linalg';
import { mean, quantile, slopeWithT } from '../stats/stats';
import type { LayerVectors } from './vectors';

import type { EmotionSummary, TokenHeat, TurnScore } from '../contracts/reading';

/** z[e][t]: emotion e's z-score at token t. */
export type TokenScores = Float32Array[];

/** Projects each of `numTokens` rows of `activations` ([numTokens × hidden]) onto every emotion. */
export function scoreTokens(
  activations: Float32Array,
  numTokens: number,
  layer: Pick<LayerVectors, 'vectors' | 'baseline'>,
): TokenScores {
  const hidden = layer.vectors[0]?.length ?? 0;
  return layer.vectors.map((v, e) => {
    const { mean: mu, std: sigma } = layer.baseline[e];
    const out = new Float32Array(numTokens);
    for (let t = 0; t < numTokens; t++) out[t] = (dot(v, activations, t * hidden) - mu) / sigma;
    return out;
  });
}

export function summarize(z: ArrayLike<number>): EmotionSummary {
  if (z.length === 0) return { mean: NaN, p90: NaN, max: NaN };
  let max = -Infinity;
  for (let i = 0; i < z.length; i++) max = Math.max(max, z[i]);
  return { mean: mean(z), p90: quantile(z, 0.9), max };
}

/** A turn's score from its tokens' z-scores (every token carries the same emotions). */
export function turnScoreOf(tokens: readonly TokenHeat[]): TurnScore {
  const emotions = Object.keys(tokens[0]?.z ?? {});
  return {
    emotions: Object.fromEntries(
      emotions.map((e) => {
        const { mean, max } = summarize(tokens.map((t) => t.z[e]!));
        return [e, { mean, max }];
      }),
    ),
    tokens: [...tokens],
  };
}

/** Centered moving average with a window of `window` tokens (odd windows are symmetric). */
export function smooth(z: ArrayLike<number>, window: number): Float32Array {
  const out = new Float32Array(z.length);
  const half = Math.max(0, Math.floor(window / 2));
  let sum = 0;
  let lo = 0;
  let hi = -1;
  for (let t = 0; t < z.length; t++) {
    const from = Math.max(0, t - half);
    const to = Math.min(z.length - 1, t + half);
    while (hi < to) sum += z[++hi];
    while (lo < from) sum -= z[lo++];
    out[t] = sum / (hi - lo + 1);
  }
  return out;
}

export interface TrendOptions {
  /** Weight of the newest turn in the exponentially weighted mean. */
  alpha?: number;
  /** Turns the slope is fitted over. */
  window?: number;
  /** t statistic above which a positive slope counts as rising. */
  risingT?: number;
}

export interface SessionTrend {
  ewma: number;
  slope: number;
  slopeT: number;
  rising: boolean;
  turns: number;
}

/** Trend of one emotion over a session's turn means (oldest first). */
export function sessionTrend(turnMeans: readonly number[], options: TrendOptions = {}): SessionTrend {
  const alpha = options.alpha ?? 0.4;
  const window = options.window ?? 6;
  const risingT = options.risingT ?? 2;
  const finite = turnMeans.filter(Number.isFinite);
  let ewma = NaN;
  for (const x of finite) ewma = Number.isNaN(ewma) ? x : alpha * x + (1 - alpha) * ewma;
  const recent = finite.slice(-window);
  const { slope, t } = slopeWithT(recent);
  return { ewma, slope, slopeT: t, rising: recent.length >= 3 && slope > 0 && t >= risingT, turns: finite.length };
}
