import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CovarianceAccumulator, principalComponents, symmetricEigen, dot } from '../../../src/emotion/linalg';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

function randomSymmetric(n: number, seed: number): Float64Array {
  const r = rng(seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = i; j < n; j++) {
      const v = r() * 2 - 1;
      a[i * n + j] = v;
      a[j * n + i] = v;
    }
  return a;
}

test('eigenpairs satisfy A v = λ v, are orthonormal and sorted descending', () => {
  for (const n of [1, 2, 7, 40]) {
    const a = randomSymmetric(n, n);
    const { values, vectors } = symmetricEigen(a, n);
    for (let k = 0; k < n; k++) {
      const v = vectors[k];
      for (let i = 0; i < n; i++) {
        const av = dot(v, a, i * n);
        assert.ok(Math.abs(av - values[k] * v[i]) < 1e-9, `n=${n} k=${k} residual ${av - values[k] * v[i]}`);
      }
      assert.ok(Math.abs(dot(v, v) - 1) < 1e-9);
      if (k > 0) {
        assert.ok(values[k] <= values[k - 1]);
        assert.ok(Math.abs(dot(v, vectors[0])) < 1e-9);
      }
    }
  }
});

test('covariance accumulator matches a two-pass computation', () => {
  const r = rng(7);
  const d = 5;
  const rows = 50;
  const data = Float32Array.from({ length: rows * d }, () => r() * 4 - 2);
  const acc = new CovarianceAccumulator(d);
  acc.addRows(data.subarray(0, 20 * d), 20);
  acc.addRows(data.subarray(20 * d), 30);
  const cov = acc.covariance();
  const m = new Float64Array(d);
  for (let r0 = 0; r0 < rows; r0++) for (let i = 0; i < d; i++) m[i] += data[r0 * d + i] / rows;
  for (let i = 0; i < d; i++)
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let r0 = 0; r0 < rows; r0++) s += (data[r0 * d + i] - m[i]) * (data[r0 * d + j] - m[j]);
      assert.ok(Math.abs(cov[i * d + j] - s / rows) < 1e-6);
    }
});

test('principal components stop once the variance share is reached', () => {
  // Variance 9 along x, 4 along y, 1 along z, 0.5 along w: x alone explains 9/14.5 = 62 %.
  const d = 4;
  const cov = new Float64Array(d * d);
  [9, 4, 1, 0.5].forEach((v, i) => (cov[i * d + i] = v));
  const half = principalComponents(cov, d, 0.5);
  assert.equal(half.components.length, 1);
  assert.ok(Math.abs(Math.abs(half.components[0][0]) - 1) < 1e-12);
  const most = principalComponents(cov, d, 0.9);
  assert.equal(most.components.length, 3);
  assert.ok(Math.abs(most.explained - 14 / 14.5) < 1e-12);
});
