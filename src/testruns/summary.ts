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

/**
 * Reads "3 passed, 1 failed"-style lists: each word maps to a bucket, unknown words are ignored.
 * A count starts where a digit run starts and its words are whole words, so no text makes the
 * pattern backtrack more than once over any character.
 */
export function tallyCounts(
  text: string,
  buckets: Readonly<Record<string, 'passed' | 'failed' | 'skipped'>>,
): { passed: number; failed: number; skipped: number } {
  const out = { passed: 0, failed: 0, skipped: 0 };
  for (const m of text.matchAll(/(?<!\d)(\d+)[ \t]+([a-z]+(?: [a-z]+)*?)(?=[ \t]*(?:[,;|)(.]|$)|[ \t]+\d)/gi)) {
    const word = m[2]!.toLowerCase();
    // Own keys only: a word like "constructor" must not find Object's.
    const bucket = Object.hasOwn(buckets, word) ? buckets[word] : undefined;
    if (bucket) out[bucket] += Number(m[1]);
  }
  return out;
}

/** Distinct trimmed captures in order of appearance (a Set: a log may name 100,000 failures). */
export function allMatches(text: string, pattern: RegExp, group = 1): string[] {
  const ids = new Set<string>();
  for (const m of text.matchAll(pattern)) {
    const id = m[group]?.trim();
    if (id) ids.add(id);
  }
  return [...ids];
}

export function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
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
