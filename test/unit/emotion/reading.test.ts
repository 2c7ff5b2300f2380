import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scoreTokens, sessionTrend, smooth, summarize } from '../../../src/emotion/reading';
import { auroc, quantile, spearman, slopeWithT } from '../../../src/stats/stats';

test('token scores are baseline-centred projections in units of baseline spread', () => {
  const layer = {
    vectors: [Float32Array.of(1, 0), Float32Array.of(0, 1)],
    baseline: [
      { mean: 1, std: 2 },
      { mean: 0, std: 1 },
    ],
  };
  const acts = Float32Array.of(5, 2, -1, 0);
  const z = scoreTokens(acts, 2, layer);
  assert.deepEqual(Array.from(z[0]), [2, -1]);
  assert.deepEqual(Array.from(z[1]), [2, 0]);
});

test('summaries and smoothing match direct computation', () => {
  const z = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const s = summarize(z);
  assert.equal(s.mean, 4.5);
  assert.equal(s.max, 9);
  assert.ok(Math.abs(s.p90 - 8.1) < 1e-9);
  const sm = smooth(z, 3);
  assert.deepEqual(Array.from(sm), [0.5, 1, 2, 3, 4, 5, 6, 7, 8, 8.5]);
  assert.equal(quantile([3, 1, 2], 0.5), 2);
});

test('session trend: rising only for a clearly positive slope', () => {
  const rising = sessionTrend([0.1, 0.3, 0.6, 0.8, 1.2, 1.5]);
  assert.ok(rising.rising && rising.slope > 0.2);
  const flat = sessionTrend([0.5, -0.4, 0.6, -0.5, 0.4, -0.3]);
  assert.equal(flat.rising, false);
  const falling = sessionTrend([1.5, 1.2, 0.8, 0.6, 0.3]);
  assert.equal(falling.rising, false);
  assert.ok(falling.ewma < 1);
});

test('AUROC, Spearman and slope statistics against hand-computed values', () => {
  assert.equal(auroc([3, 4], [1, 2]), 1);
  assert.equal(auroc([1, 2], [3, 4]), 0);
  assert.equal(auroc([1, 3], [2, 2]), 0.5);
  assert.equal(spearman([1, 2, 3, 4], [10, 20, 30, 100]), 1);
  assert.equal(spearman([1, 2, 3, 4], [4, 3, 2, 1]), -1);
  const { slope, t } = slopeWithT([1, 3, 5, 7]);
  assert.equal(slope, 2);
  assert.equal(t, Infinity);
});
