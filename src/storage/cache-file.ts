// Cache files several processes share (two windows' sidecars, the CLI beside the extension):
// written whole through a temporary file and a rename, updated under a lock so no writer loses
// another's entries, and read defensively: an unreadable file or entry is dropped (the message
// names the file) and rebuilt, never a reason for every later load to fail.
import { closeSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';

/** How long a writer waits for another's lock, and when a lock counts as left by a crashed writer. */
const LOCK_WAIT_MS = 30_000;
const LOCK_STALE_MS = 10_000;
const sleepCell = new Int32Array(new SharedArrayBuffer(4));
let temporaries = 0;

/**
 * Replaces `path` with `text` in one step: readers see the old file or the new one, never half.
 * `mode` sets the new file's permissions from its creation (0o600: owner-only from the start).
 */
export function writeFileAtomic(path: string, text: string | Uint8Array, mode?: number): void {
  const tmp = `${path}.${process.pid}.${++temporaries}.tmp`;
  try {
    writeFileSync(tmp, text, mode === undefined ? undefined : { mode });
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** Where a dropped cache file or entry is reported; stderr by default (the sidecar's log). */
export type CacheWarn = (message: string) => void;
export const toStderr: CacheWarn = (message) => process.stderr.write(`agent-vitals: ${message}\n`);

/**
 * The entries of a JSON object file that pass `isEntry`; a missing file is empty, an unreadable
 * one (or one that is not an object) is reported and treated as empty, so it is rebuilt.
 */
export function readJsonRecords<T>(
  path: string,
  isEntry: (value: unknown) => value is T,
  warn: CacheWarn = toStderr,
): Map<string, T> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw err;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    warn(`the cache file ${path} could not be read (${(err as Error).message}); it was discarded and will be rebuilt.`);
    return new Map();
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    warn(`the cache file ${path} is not a JSON object; it was discarded and will be rebuilt.`);
    return new Map();
  }
  const records = new Map<string, T>();
  let dropped = 0;
  for (const [key, value] of Object.entries(parsed)) {
    if (isEntry(value)) records.set(key, value);
    else dropped++;
  }
  if (dropped)
    warn(
      `${dropped} damaged entr${dropped === 1 ? 'y' : 'ies'} of the cache file ${path} were discarded and will be rebuilt.`,
    );
  return records;
}

/**
 * Takes `<path>.lock`, which only one holder at a time can create (a lock older than LOCK_STALE_MS
 * was left by a crashed holder and is taken over); returns its release, or null while another holds it.
 */
export function tryLock(path: string): (() => void) | null {
  const lock = `${path}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lock, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lock, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (lockAge(lock) <= LOCK_STALE_MS) return null;
    rmSync(lock, { force: true });
  }
  return null;
}

/** How long ago the lock was taken; 0 when it is gone (released in the meantime). */
function lockAge(lock: string): number {
  try {
    return Date.now() - statSync(lock).mtimeMs;
  } catch {
    return 0;
  }
}

/** Runs `work` holding `<path>.lock`, waiting up to LOCK_WAIT_MS for another holder to let go. */
function withLock<T>(path: string, work: () => T): T {
  const deadline = Date.now() + LOCK_WAIT_MS;
  let release = tryLock(path);
  while (!release) {
    if (Date.now() > deadline)
      throw new Error(
        `Cannot update ${path}: another process has held ${path}.lock for ${Math.round(lockAge(`${path}.lock`) / 1000)} s. Delete the lock file if no other Agent Vitals process is running.`,
      );
    Atomics.wait(sleepCell, 0, 0, 5);
    release = tryLock(path);
  }
  try {
    return work();
  } finally {
    release();
  }
}

/** Reads, changes and rewrites a JSON object file under its lock: concurrent updates all land. */
export function updateJsonRecords<T>(
  path: string,
  isEntry: (value: unknown) => value is T,
  change: (records: Map<string, T>) => void,
  warn: CacheWarn = toStderr,
): void {
  withLock(path, () => {
    const records = readJsonRecords(path, isEntry, warn);
    change(records);
    writeFileAtomic(path, JSON.stringify(Object.fromEntries(records), null, 1));
  });
}
