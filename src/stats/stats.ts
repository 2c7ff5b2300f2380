// Small statistics (means, quantiles, ranks, AUROC, bootstrap intervals) used by calibration,
// reading, the report card, the experiments and the corpus lint.

import { seededRandom } from '../engine/sampling';

export function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return xs.length ? s / xs.length : NaN;
}

/** Sample standard deviation (n − 1). */
export function std(xs: ArrayLike<number>): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i] - m) ** 2;
  return Math.sqrt(s / (xs.length - 1));
}

/** Linear-interpolated quantile, q in [0, 1]. */
export function quantile(xs: ArrayLike<number>, q: number): number {
  if (xs.length === 0) return NaN;
  const sorted = Array.from(xs).sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Ranks with ties averaged (1-based). */
export function ranks(xs: readonly number[]): number[] {
  const order = xs.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(xs.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    const r = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) out[order[k][1]] = r;
    i = j + 1;
  }
  return out;
}

export function pearson(xs: readonly number[], ys: readonly number[]): number {
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  return sxx === 0 || syy === 0 ? 0 : sxy / Math.sqrt(sxx * syy);
}

export function spearman(xs: readonly number[], ys: readonly number[]): number {
  return pearson(ranks(xs), ranks(ys));
}

/** Area under the ROC curve: probability a positive scores above a negative (ties count half). */
export function auroc(positives: readonly number[], negatives: readonly number[]): number {
  if (!positives.length || !negatives.length) return NaN;
  const r = ranks([...positives, ...negatives]);
  let rankSum = 0;
  for (let i = 0; i < positives.length; i++) rankSum += r[i];
  const n1 = positives.length;
  return (rankSum - (n1 * (n1 + 1)) / 2) / (n1 * negatives.length);
}

/** Least-squares slope of ys against 0..n−1, with its t statistic (0 when undefined). */
export function slopeWithT(ys: readonly number[]): { slope: number; t: number } {
  const n = ys.length;
  if (n < 2) return { slope: 0, t: 0 };
  const mx = (n - 1) / 2;
  const my = mean(ys);
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (i - mx) ** 2;
    sxy += (i - mx) * (ys[i] - my);
  }
  const slope = sxy / sxx;
  if (n < 3) return { slope, t: 0 };
  let sse = 0;
  for (let i = 0; i < n; i++) sse += (ys[i] - (my + slope * (i - mx))) ** 2;
  const se = Math.sqrt(sse / (n - 2) / sxx);
  return { slope, t: se === 0 ? (slope === 0 ? 0 : Math.sign(slope) * Infinity) : slope / se };
}

export interface BootstrapOptions {
  /** Resamples drawn (at least 1,000 for a 95% interval). */
  resamples?: number;
  seed?: number;
  /** Coverage of the interval. */
  level?: number;
}

/**
 * Percentile bootstrap interval of `statistic`, resampling each group with replacement on its
 * own (stratified): an AUROC keeps its positive/negative counts, a per-class accuracy its class
 * sizes. Seeded, so a report card is reproducible. Resamples whose statistic is undefined (NaN)
 * are left out; null when none is defined.
 */
export function bootstrapInterval<T>(
  groups: readonly (readonly T[])[],
  statistic: (groups: T[][]) => number,
  options: BootstrapOptions = {},
): [number, number] | null {
  const resamples = options.resamples ?? 2000;
  const level = options.level ?? 0.95;
  const random = seededRandom(options.seed ?? 1);
  const values: number[] = [];
  for (let b = 0; b < resamples; b++) {
    const drawn = groups.map((g) => Array.from({ length: g.length }, () => g[Math.floor(random() * g.length)]));
    const v = statistic(drawn);
    if (Number.isFinite(v)) values.push(v);
  }
  if (!values.length) return null;
  return [quantile(values, (1 - level) / 2), quantile(values, 1 - (1 - level) / 2)];
}

/** AUROC with its stratified bootstrap interval. */
export function aurocWithInterval(
  positives: readonly number[],
  negatives: readonly number[],
  options: BootstrapOptions = {},
): { value: number; ci: [number, number] | null } {
  return {
    value: auroc(positives, negatives),
    ci: bootstrapInterval([positives, negatives], ([p, n]) => auroc(p, n), options),
  };
}
