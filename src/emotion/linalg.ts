// Dense vector helpers and a symmetric eigendecomposition (Householder tridiagonalisation
// followed by implicit QL), enough for PCA on hidden-size covariance matrices (≤ a few
// thousand dimensions) without a native dependency.

export function dot(a: ArrayLike<number>, b: ArrayLike<number>, bOffset = 0): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[bOffset + i];
  return s;
}

export function norm(a: ArrayLike<number>): number {
  return Math.sqrt(dot(a, a));
}

export function normalize(a: Float64Array): Float64Array {
  const n = norm(a);
  if (n === 0) return a;
  for (let i = 0; i < a.length; i++) a[i] /= n;
  return a;
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const d = norm(a) * norm(b);
  return d === 0 ? 0 : dot(a, b) / d;
}

/** Removes from `v` its components along each (orthonormal) basis vector. */
export function projectOut(v: Float64Array, basis: readonly ArrayLike<number>[]): Float64Array {
  for (const u of basis) {
    const c = dot(u, v);
    for (let i = 0; i < v.length; i++) v[i] -= c * u[i];
  }
  return v;
}

/** Rows added per pass over the accumulated sums. */
const ROW_BLOCK = 16;

/** Running mean and covariance of d-dimensional rows, accumulated in float64. */
export class CovarianceAccumulator {
  readonly sum: Float64Array;
  /** Upper triangle (incl. diagonal) of Σ x xᵀ, row-major in a full d×d buffer. */
  private readonly outer: Float64Array;
  count = 0;

  constructor(readonly dim: number) {
    this.sum = new Float64Array(dim);
    this.outer = new Float64Array(dim * dim);
  }

  /** Adds `rows` rows of length dim stored contiguously in `data`. */
  addRows(data: ArrayLike<number>, rows: number): void {
    const d = this.dim;
    const o = this.outer;
    // Rows go in blocks, transposed so a column's values for the block sit together: one pass
    // over the d×d sums then serves a whole block instead of one row, and each sum is a short
    // dot product (four at a time, sharing the loads of column i).
    const block = new Float64Array(ROW_BLOCK * d);
    for (let first = 0; first < rows; first += ROW_BLOCK) {
      const b = Math.min(ROW_BLOCK, rows - first);
      for (let r = 0; r < b; r++) {
        const base = (first + r) * d;
        for (let j = 0; j < d; j++) {
          const x = data[base + j];
          block[j * b + r] = x;
          this.sum[j] += x;
        }
      }
      for (let i = 0; i < d; i++) {
        const ci = i * b;
        const row = i * d;
        let j = i;
        for (; j + 3 < d; j += 4) {
          const c0 = j * b;
          let s0 = 0;
          let s1 = 0;
          let s2 = 0;
          let s3 = 0;
          for (let r = 0; r < b; r++) {
            const x = block[ci + r];
            s0 += x * block[c0 + r];
            s1 += x * block[c0 + b + r];
            s2 += x * block[c0 + 2 * b + r];
            s3 += x * block[c0 + 3 * b + r];
          }
          o[row + j] += s0;
          o[row + j + 1] += s1;
          o[row + j + 2] += s2;
          o[row + j + 3] += s3;
        }
        for (; j < d; j++) {
          let s0 = 0;
          for (let r = 0; r < b; r++) s0 += block[ci + r] * block[j * b + r];
          o[row + j] += s0;
        }
      }
      this.count += b;
    }
  }

  mean(): Float64Array {
    return this.sum.map((s) => s / Math.max(this.count, 1));
  }

  /** Population covariance as a full symmetric d×d matrix. */
  covariance(): Float64Array {
    const d = this.dim;
    const n = Math.max(this.count, 1);
    const m = this.mean();
    const c = new Float64Array(d * d);
    for (let i = 0; i < d; i++)
      for (let j = i; j < d; j++) {
        const v = this.outer[i * d + j] / n - m[i] * m[j];
        c[i * d + j] = v;
        c[j * d + i] = v;
      }
    return c;
  }
}

export interface Eigen {
  /** Descending. */
  values: Float64Array;
  /** vectors[k] is the unit eigenvector of values[k]. */
  vectors: Float64Array[];
}

/** Eigen-decomposition of a symmetric n×n matrix given row-major. */
export function symmetricEigen(matrix: Float64Array, n: number): Eigen {
  const V = Float64Array.from(matrix);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  tridiagonalize(V, d, e, n);
  diagonalize(V, d, e, n);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => d[b] - d[a]);
  return {
    values: Float64Array.from(order, (i) => d[i]),
    vectors: order.map((col) => {
      const v = new Float64Array(n);
      for (let k = 0; k < n; k++) v[k] = V[k * n + col];
      return v;
    }),
  };
}

// Householder reduction to tridiagonal form; V accumulates the orthogonal transform.
function tridiagonalize(V: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) d[j] = V[(n - 1) * n + j];
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = V[(i - 1) * n + j];
        V[i * n + j] = 0;
        V[j * n + i] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      let f = d[i - 1];
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j];
        V[j * n + i] = f;
        g = e[j] + V[j * n + j] * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += V[k * n + j] * d[k];
          e[k] += V[k * n + j] * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        f = d[j];
        g = e[j];
        for (let k = j; k <= i - 1; k++) V[k * n + j] -= f * e[k] + g * d[k];
        d[j] = V[(i - 1) * n + j];
        V[i * n + j] = 0;
      }
    }
    d[i] = h;
  }
  for (let i = 0; i < n - 1; i++) {
    V[(n - 1) * n + i] = V[i * n + i];
    V[i * n + i] = 1;
    const h = d[i + 1];
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = V[k * n + i + 1] / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += V[k * n + i + 1] * V[k * n + j];
        for (let k = 0; k <= i; k++) V[k * n + j] -= g * d[k];
      }
    }
    for (let k = 0; k <= i; k++) V[k * n + i + 1] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = V[(n - 1) * n + j];
    V[(n - 1) * n + j] = 0;
  }
  V[(n - 1) * n + n - 1] = 1;
  e[0] = 0;
}

// Implicit QL iterations on the tridiagonal matrix (d, e), rotating V along.
function diagonalize(V: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n && Math.abs(e[m]) > eps * tst1) m++;
    if (m > l) {
      do {
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          for (let k = 0; k < n; k++) {
            const row = k * n;
            h = V[row + i + 1];
            V[row + i + 1] = s * V[row + i] + c * h;
            V[row + i] = c * V[row + i] - s * h;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
}

/**
 * Leading principal components that together explain at least `varianceShare` of the total
 * variance of a covariance matrix. When a handful of components reach the share (a model's
 * residual stream usually has a few dominant directions), they are found by a short subspace
 * iteration, a small fraction of the full O(n³) decomposition that takes seconds per layer at a
 * 0.5B model's hidden size; otherwise the full decomposition is used.
 */
export function principalComponents(
  cov: Float64Array,
  n: number,
  varianceShare: number,
): { components: Float64Array[]; explained: number } {
  let total = 0;
  for (let i = 0; i < n; i++) total += Math.max(cov[i * n + i], 0);
  if (total <= 0) return { components: [], explained: 0 };
  const leading = leadingEigen(cov, n, varianceShare * total) ?? symmetricEigen(cov, n);
  const components: Float64Array[] = [];
  let acc = 0;
  for (let k = 0; k < leading.values.length && acc / total < varianceShare; k++) {
    components.push(leading.vectors[k]);
    acc += Math.max(leading.values[k], 0);
  }
  return { components, explained: acc / total };
}

const SUBSPACE_BLOCK = 16;
/** Residual ‖A x − θ x‖ accepted, relative to the largest eigenvalue. */
const SUBSPACE_TOLERANCE = 1e-7;

/**
 * The leading eigenpairs whose eigenvalues sum to at least `target`, and one more so the cut is
 * resolved, by subspace iteration with Rayleigh–Ritz. Its work is capped at about a tenth of the
 * full decomposition's; undefined when the pairs have not settled by then or more are needed
 * than the block holds.
 */
function leadingEigen(a: Float64Array, n: number, target: number): Eigen | undefined {
  const block = Math.min(n, SUBSPACE_BLOCK);
  const iterations = Math.max(30, Math.ceil(n / (2 * block)));
  // A fixed pseudo-random start keeps calibration reproducible.
  let seed = 0x9e3779b9;
  const random = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5;
  let q = orthonormalize(Array.from({ length: block }, () => Float64Array.from({ length: n }, random)));
  for (let iteration = 0; iteration < iterations; iteration++) {
    const aq = q.map((v) => multiply(a, n, v));
    const h = new Float64Array(block * block);
    for (let i = 0; i < block; i++)
      for (let j = i; j < block; j++) h[i * block + j] = h[j * block + i] = (dot(q[i], aq[j]) + dot(q[j], aq[i])) / 2;
    const ritz = symmetricEigen(h, block);
    const x = ritz.vectors.map((w) => combine(q, w, n));
    const ax = ritz.vectors.map((w) => combine(aq, w, n));
    // Pairs settle from the top down; done once those reaching the target, and one more, have.
    const scale = Math.max(Math.abs(ritz.values[0]), Number.MIN_VALUE);
    let settled = 0;
    while (settled < block - 1 && residual(ax[settled], x[settled], ritz.values[settled]) <= SUBSPACE_TOLERANCE * scale)
      settled++;
    let needed = 0;
    for (let sum = 0; needed < block && sum < target; needed++) sum += ritz.values[needed];
    if (needed < block - 1 && settled > needed)
      return { values: ritz.values.slice(0, needed + 1), vectors: x.slice(0, needed + 1).map(normalize) };
    // Ritz values only grow toward the eigenvalues, and their sum settles within a few
    // iterations: a block that still falls well short (a flat spectrum) will not hold the cut.
    if (needed >= block - 1 && (settled === block - 1 || (iteration >= 4 && sumOf(ritz.values) < 0.9 * target)))
      return undefined;
    q = orthonormalize(ax);
  }
  return undefined;
}

function sumOf(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return s;
}

/** ‖a − θ·x‖. */
function residual(ax: Float64Array, x: Float64Array, theta: number): number {
  let r = 0;
  for (let i = 0; i < x.length; i++) r += (ax[i] - theta * x[i]) ** 2;
  return Math.sqrt(r);
}

function multiply(a: Float64Array, n: number, v: Float64Array): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = dot(v, a, i * n);
  return out;
}

/** Σ_j w[j] · vectors[j]. */
function combine(vectors: Float64Array[], w: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n);
  vectors.forEach((v, j) => {
    for (let i = 0; i < n; i++) out[i] += w[j] * v[i];
  });
  return out;
}

/** Modified Gram–Schmidt, in place (vectors that vanish are replaced by zeros). */
function orthonormalize(vectors: Float64Array[]): Float64Array[] {
  for (let j = 0; j < vectors.length; j++) {
    projectOut(vectors[j], vectors.slice(0, j));
    normalize(vectors[j]);
  }
  return vectors;
}
