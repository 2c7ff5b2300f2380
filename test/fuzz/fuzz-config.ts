// Shared settings for the property/fuzz suites. Every property runs FUZZ_RUNS cases (10,000 by
// default, as CI requires); the seed is random per run unless FUZZ_SEED pins it, and fast-check
// prints the seed and shrink path of any failure in the assertion message, which the test
// reporter shows in CI logs. Re-run a failure with FUZZ_SEED=<seed>.
import assert from 'node:assert/strict';
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

export async function checkAsync<Ts extends [unknown, ...unknown[]]>(
  property: fc.IAsyncProperty<Ts>,
  runs = FUZZ_RUNS,
): Promise<void> {
  verdict(await fc.check(property, fuzzParams(runs) as fc.Parameters<Ts>), runs);
}

function verdict<Ts>(details: fc.RunDetails<Ts>, runs: number): void {
  if (details.failed) {
    const cause = details.errorInstance;
    const report = fc.defaultReportMessage(details) ?? `property failed (seed ${details.seed})`;
    throw new Error(`${report}\nCause: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}`, {
      cause,
    });
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
  return {
    ...(value as Record<string, unknown>),
    [key]: replaceAt((value as Record<string, unknown>)[key], rest, replacement),
  };
}

/** One damage to a JSON text: a subtree swapped for random JSON, a cut, or inserted junk. */
export type Damage =
  | { kind: 'replace'; path: number[]; value: unknown }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; junk: string };

export const damageArb: fc.Arbitrary<Damage> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('replace' as const),
      path: fc.array(fc.nat(), { maxLength: 6 }),
      value: fc.jsonValue({ maxDepth: 3 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('insert' as const),
      at: fc.nat(),
      junk: fc.string({ unit: 'binary', maxLength: 8 }),
    }),
  },
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

/**
 * Values an attacker puts in a transcript: prototype keys (as strings, as object keys, as patch
 * paths) and `file://` URIs that do not decode, including inside an apply_patch envelope.
 */
const HOSTILE_STRINGS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'file:///ws/%E0%A4%A',
  'file://[bad',
  'file:///ws/%',
  'file://',
];
export const hostileValueArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...HOSTILE_STRINGS),
  fc
    .constantFrom(...HOSTILE_STRINGS)
    .map((uri) => `*** Begin Patch\n*** Update File: ${uri}\n@@\n-a\n+b\n*** End Patch`),
  // JSON.parse makes "__proto__" an own key, as it is in a file.
  fc
    .tuple(fc.constantFrom('__proto__', 'constructor', 'prototype'), fc.jsonValue({ maxDepth: 2 }))
    .map(([key, v]) => JSON.parse(`{${JSON.stringify(key)}:${JSON.stringify(v) ?? 'null'}}`) as unknown),
  fc.array(fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'requests'), fc.nat({ max: 3 })), {
    minLength: 1,
    maxLength: 4,
  }),
);

export const hostileDamageArb: fc.Arbitrary<Damage> = fc.record({
  kind: fc.constant('replace' as const),
  path: fc.array(fc.nat(), { maxLength: 6 }),
  value: hostileValueArb,
});

const PROTOTYPES = [Object.prototype, Array.prototype, Function.prototype, String.prototype];
const intact = PROTOTYPES.map(
  (p) =>
    new Map(
      Object.getOwnPropertyNames(p).map((name) => [name, Object.getOwnPropertyDescriptor(p, name)?.value as unknown]),
    ),
);

/** No reader may add, remove or replace anything on the built-in prototypes. */
export function assertPrototypesIntact(): void {
  PROTOTYPES.forEach((proto, i) => {
    const names = Object.getOwnPropertyNames(proto);
    assert.deepEqual(
      names.filter((n) => !intact[i]!.has(n)),
      [],
      'no property was added to a prototype',
    );
    for (const [name, value] of intact[i]!)
      assert.equal(Object.getOwnPropertyDescriptor(proto, name)?.value, value, `${name} on a prototype is untouched`);
  });
}
