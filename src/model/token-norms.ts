/** L2 norm of each `width`-long row of a row-major `[tokens × width]` matrix. */
export function tokenNorms(values: Float32Array, width: number): Float32Array {
  const out = new Float32Array(values.length / width);
  for (let t = 0; t < out.length; t++) {
    let sum = 0;
    for (let i = t * width; i < (t + 1) * width; i++) sum += values[i] * values[i];
    out[t] = Math.sqrt(sum);
  }
  return out;
}
