// Reading back state that a process saved as JSON (the guard hook's transcript checkpoint): the
// file is outside the process, so every field is checked for its type and range before it is
// used, maps come back as Maps (never as objects keyed by the file's strings), and keys that
// reach an object's prototype are refused. Anything out of shape throws a StateError.
export class StateError extends Error {}

/** Keys that, assigned on a plain object, reach or replace its prototype: never taken from a file. */
export function isPrototypeKey(key: string): boolean {
  return key === '__proto__' || key === 'constructor' || key === 'prototype';
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Largest count a saved state may hold: far above any session's, far below float trouble. */
const MAX_COUNT = 2 ** 40;

function fail(what: string): never {
  throw new StateError(`${what} is out of shape`);
}

export function asObject(value: unknown, what: string): Record<string, unknown> {
  if (!isRecord(value) || Object.keys(value).some(isPrototypeKey)) fail(what);
  return value;
}

export function asString(value: unknown, what: string): string {
  return typeof value === 'string' ? value : fail(what);
}

export function asOptionalString(value: unknown, what: string): string | undefined {
  return value === undefined ? undefined : asString(value, what);
}

export function asNullableString(value: unknown, what: string): string | null {
  return value === null ? null : asString(value, what);
}

export function asBoolean(value: unknown, what: string): boolean {
  return typeof value === 'boolean' ? value : fail(what);
}

/** A non-negative integer no larger than any real count. */
export function asCount(value: unknown, what: string): number {
  return Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) <= MAX_COUNT
    ? (value as number)
    : fail(what);
}

export function asArray<T>(value: unknown, what: string, each: (item: unknown, what: string) => T): T[] {
  if (!Array.isArray(value)) fail(what);
  return value.map((item, i) => each(item, `${what}[${i}]`));
}

export function asStrings(value: unknown, what: string): string[] {
  return asArray(value, what, asString);
}

/** A Map saved as `[key, value]` pairs (`[...map]`). */
export function asMap<V>(value: unknown, what: string, each: (item: unknown, what: string) => V): Map<string, V> {
  const map = new Map<string, V>();
  for (const [i, pair] of asArray(value, what, (p) => p).entries()) {
    if (!Array.isArray(pair) || pair.length !== 2) fail(`${what}[${i}]`);
    const key = asString(pair[0], `${what}[${i}] key`);
    if (isPrototypeKey(key)) fail(`${what}[${i}] key`);
    map.set(key, each(pair[1], `${what}[${i}] value`));
  }
  return map;
}
