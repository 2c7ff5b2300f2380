// Which lines of the after-text an edit changed (for editor decorations) and a fingerprint of the
// hunk (so "mark as legitimate" can recognise the same change again).
import { createHash } from 'node:crypto';

/** 1-based line numbers in `after` that are not in the longest common subsequence with `before`. */
export function changedLines(before: string, after: string): number[] {
  const a = before.split('\n');
  const b = after.split('\n');
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  const all = (): number[] => midB.map((_, i) => start + i + 1);
  // Above this size an LCS table costs too much; mark the whole changed middle instead.
  if (midA.length * midB.length > 4_000_000 || midA.length === 0) return all();
  const lcs: Uint32Array[] = Array.from({ length: midA.length + 1 }, () => new Uint32Array(midB.length + 1));
  for (let i = midA.length - 1; i >= 0; i--) {
    for (let j = midB.length - 1; j >= 0; j--) {
      lcs[i][j] = midA[i] === midB[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (j < midB.length) {
    if (i < midA.length && midA[i] === midB[j]) {
      i++;
      j++;
    } else if (i < midA.length && lcs[i + 1][j] >= lcs[i][j + 1]) i++;
    else {
      out.push(start + j + 1);
      j++;
    }
  }
  return out;
}

/** Stable id of a change: the removed and added lines, whitespace-insensitive, plus the path. */
export function hunkFingerprint(path: string, before: string, after: string): string {
  const norm = (t: string): string[] =>
    t
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
  const a = norm(before);
  const b = norm(after);
  const bSet = new Set(b);
  const aSet = new Set(a);
  const removed = a.filter((l) => !bSet.has(l));
  const added = b.filter((l) => !aSet.has(l));
  return createHash('sha256')
    .update(path)
    .update('\0')
    .update(removed.join('\n'))
    .update('\0')
    .update(added.join('\n'))
    .digest('hex')
    .slice(0, 16);
}
