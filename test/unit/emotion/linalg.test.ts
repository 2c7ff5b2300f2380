import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CovarianceAccumulator, principalComponents, symmetricEigen, dot } from '../../../src/emotion/linalg';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
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
  const d = 11; // odd, so the blocked sums hit every remainder path
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

/** A symmetric PSD matrix Q diag(spectrum) Qᵀ with a seeded random orthogonal Q. */
function withSpectrum(spectrum: number[]): Float64Array {
  const n = spectrum.length;
  let seed = 7;
  const random = () => (seed = (Math.imul(seed, 48271) + 11) >>> 0) / 2 ** 32 - 0.5;
  const basis: Float64Array[] = [];
  for (let k = 0; k < n; k++) {
    const v = Float64Array.from({ length: n }, random);
    for (const u of basis) {
      const c = dot(u, v);
      for (let i = 0; i < n; i++) v[i] -= c * u[i];
    }
    const len = Math.sqrt(dot(v, v));
    basis.push(v.map((x) => x / len));
  }
  const a = new Float64Array(n * n);
  for (let k = 0; k < n; k++)
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] += spectrum[k] * basis[k][i] * basis[k][j];
  return a;
}

test('principal components agree with the full decomposition on realistic and awkward spectra', () => {
  const n = 120;
  const spectra: [string, number[]][] = [
    ['one dominant direction', Array.from({ length: n }, (_, i) => (i === 0 ? 500 : 1 / (i + 1)))],
    ['slowly decaying', Array.from({ length: n }, (_, i) => 1 / (1 + 0.05 * i))],
    ['steep then flat', Array.from({ length: n }, (_, i) => (i < 5 ? 50 - 5 * i : 1))],
    ['all equal', Array.from({ length: n }, () => 2)],
    ['rank 3', Array.from({ length: n }, (_, i) => (i < 3 ? 3 - i : 0))],
  ];
  for (const [name, spectrum] of spectra) {
    const cov = withSpectrum(spectrum);
    const full = symmetricEigen(cov, n);
    for (const share of [1e-9, 0.33, 0.55, 0.91]) {
      const { components, explained } = principalComponents(cov, n, share);
      const total = spectrum.reduce((a, b) => a + b, 0);
      let count = 0;
      for (let acc = 0; acc / total < share; count++) acc += full.values[count];
      assert.equal(components.length, count, `${name}, share ${share}: component count`);
      assert.ok(explained >= share - 1e-9, `${name}, share ${share}: explains ${explained}`);
      components.forEach((c, k) => {
        // Each is a unit eigenvector of the matrix with the k-th largest eigenvalue.
        const ac = Float64Array.from({ length: n }, (_, i) => dot(c, cov, i * n));
        const residual = Math.sqrt(ac.reduce((s, x, i) => s + (x - full.values[k] * c[i]) ** 2, 0));
        assert.ok(residual < 1e-6 * full.values[0], `${name}, share ${share}, component ${k}: residual ${residual}`);
        assert.ok(Math.abs(Math.sqrt(dot(c, c)) - 1) < 1e-9);
        for (let j = 0; j < k; j++)
          assert.ok(Math.abs(dot(c, components[j])) < 1e-6, `${name}: components ${j} and ${k} orthogonal`);
      });
    }
  }
});
