// Shared settings for the property/fuzz suites. Every property runs FUZZ_RUNS cases (10,000 by
// default, as CI requires); the seed is random per run unless FUZZ_SEED pins it, and fast-check
// prints the seed and shrink path of any failure in the assertion message, which the test
// reporter shows in CI logs. Re-run a failure with FUZZ_SEED=<seed>.
import fc from 'fast-check';

export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);

export function fuzzParams(runs = FUZZ_RUNS): fc.Parameters<unknown> {
  const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
  return { numRuns: runs, ...(seed === undefined ? {} : { seed }) };
}

/**
 * Runs a property with the suite's settings and proves it ran every case. A failure throws
 * fast-check's report (counterexample, seed and path), which the test reporter prints.
 */
export function check<Ts extends [unknown, ...unknown[]]>(property: fc.IProperty<Ts>, runs = FUZZ_RUNS): void {
  verdict(fc.check(property, fuzzParams(runs) as fc.Parameters<Ts>), runs);
}

export async function checkAsync<Ts extends [unknown, ...unknown[]]>(property: fc.IAsyncProperty<Ts>, runs = FUZZ_RUNS): Promise<void> {
  verdict(await fc.check(property, fuzzParams(runs) as fc.Parameters<Ts>), runs);
}

function verdict<Ts>(details: fc.RunDetails<Ts>, runs: number): void {
  if (details.failed) {
    const cause = details.errorInstance;
    const report = fc.defaultReportMessage(details) ?? `property failed (seed ${details.seed})`;
    throw new Error(`${report}\nCause: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}`, { cause });
  }
  if (details.numRuns < runs) throw new Error(`only ${details.numRuns} of ${runs} cases ran (seed ${details.seed})`);
}

/** A JSON value edit: follow `path` (indices into keys/elements) and replace what is there. */
export function replaceAt(value: unknown, path: readonly number[], replacement: unknown): unknown {
  if (path.length === 0 || value === null || typeof value !== 'object') return replacement;
  const [head, ...rest] = path as [number, ...number[]];
  if (Array.isArray(value)) {
    if (value.length === 0) return replacement;
    const i = head % value.length;
    return value.map((v, j) => (j === i ? replaceAt(v, rest, replacement) : v));
  }
  const keys = Object.keys(value);
  if (keys.length === 0) return replacement;
  const key = keys[head % keys.length]!;
  return { ...(value as Record<string, unknown>), [key]: replaceAt((value as Record<string, unknown>)[key], rest, replacement) };
}

/** One damage to a JSON text: a subtree swapped for random JSON, a cut, or inserted junk. */
export type Damage =
  | { kind: 'replace'; path: number[]; value: unknown }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; junk: string };

export const damageArb: fc.Arbitrary<Damage> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('replace' as const), path: fc.array(fc.nat(), { maxLength: 6 }), value: fc.jsonValue({ maxDepth: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), junk: fc.string({ unit: 'binary', maxLength: 8 }) }) },
);

export function damageJson(text: string, damage: Damage): string {
  switch (damage.kind) {
    case 'replace': {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        return text;
      }
      return JSON.stringify(replaceAt(parsed, damage.path, damage.value));
    }
    case 'truncate':
      return text.slice(0, damage.at % (text.length + 1));
    case 'insert': {
      const at = damage.at % (text.length + 1);
      return text.slice(0, at) + damage.junk + text.slice(at);
    }
  }
}

export function isJsonObject(text: string): boolean {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v);
  } catch {
    return false;
  }
}
