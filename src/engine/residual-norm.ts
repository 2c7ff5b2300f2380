// Mean L2 norm of residual rows, the yardstick steering strengths are expressed against.

/** Mean norm of the rows of a row-major [rows × hidden] matrix, skipping the first `skipRows`
 *  (the first token of a sequence is an attention sink with an outsized residual norm). */
export function meanRowNorm(rows: Float32Array, hidden: number, skipRows = 0): number {
  const count = rows.length / hidden;
  if (!Number.isInteger(count)) throw new Error(`${rows.length} values are not whole rows of ${hidden}`);
  if (count <= skipRows) throw new Error(`need more than ${skipRows} rows to measure a residual norm`);
  let total = 0;
  for (let r = skipRows; r < count; r++) {
    let sum = 0;
    for (let i = r * hidden; i < (r + 1) * hidden; i++) sum += rows[i]! * rows[i]!;
    total += Math.sqrt(sum);
  }
  return total / (count - skipRows);
}
