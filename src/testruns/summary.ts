// What a test runner reported, independent of which runner it was.

export interface TestSummary {
  framework: string;
  /** Null when the output does not say (non-verbose `go test` prints only failures). */
  passed: number | null;
  failed: number;
  skipped: number;
  failingIds: string[];
}

export interface TestOutputParser {
  framework: string;
  /** Returns null when the output carries no summary this parser recognises. */
  parse(output: string): TestSummary | null;
}

/** Reads "3 passed, 1 failed"-style lists: each word maps to a bucket, unknown words are ignored. */
export function tallyCounts(
  text: string,
  buckets: Record<string, 'passed' | 'failed' | 'skipped'>,
): { passed: number; failed: number; skipped: number } {
  const out = { passed: 0, failed: 0, skipped: 0 };
  for (const m of text.matchAll(/(\d+)\s+([a-z][a-z ]*?)(?=[,;|)(]|$|\s+\d|\s*\.)/gi)) {
    const bucket = buckets[m[2]!.trim().toLowerCase()];
    if (bucket) out[bucket] += Number(m[1]);
  }
  return out;
}

export function allMatches(text: string, pattern: RegExp, group = 1): string[] {
  const ids: string[] = [];
  for (const m of text.matchAll(pattern)) {
    const id = m[group]?.trim();
    if (id && !ids.includes(id)) ids.push(id);
  }
  return ids;
}

export function lastMatch(text: string, pattern: RegExp): RegExpMatchArray | undefined {
  let last: RegExpMatchArray | undefined;
  for (const m of text.matchAll(pattern)) last = m;
  return last;
}

/** Passed = total − failed − skipped, never below zero when a garbled summary does not add up. */
export function passedOf(total: number, failed: number, skipped: number): number {
  return Math.max(0, total - failed - skipped);
}
