// What the cache knows about each hub file: its size and sha256 when it was verified, or that the
// hub does not have it (an optional file), so a fully cached model needs no request at all. A
// cached file that no longer matches (truncated by a full disk, edited, bit-rotted) is treated
// as missing, so it is fetched again online and named as damaged offline — never loaded as is.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readJsonRecords, updateJsonRecords } from '../storage/cache-file';

const MANIFEST = '.agent-vitals-verified.json';
/** Files up to this size are re-hashed on every load; larger ones (weights) are size-checked. */
const REHASH_MAX_BYTES = 64 * 1024 * 1024;

type Entry = { size: number; sha256: string } | { absent: true };

function isEntry(value: unknown): value is Entry {
  const e = value as Record<string, unknown> | null;
  return (
    typeof e === 'object' &&
    e !== null &&
    (e.absent === true || (typeof e.size === 'number' && typeof e.sha256 === 'string'))
  );
}

export type CachedState = 'ok' | 'missing' | 'damaged' | 'absent-at-hub';

export function recordVerified(folder: string, file: string, entry: Entry): void {
  updateJsonRecords(join(folder, MANIFEST), isEntry, (manifest) => void manifest.set(file, entry));
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Whether a cached file is still what was verified; a damaged one is deleted. */
export async function checkCached(folder: string, file: string): Promise<CachedState> {
  const path = join(folder, file);
  const entry = readJsonRecords(join(folder, MANIFEST), isEntry).get(file);
  if (!existsSync(path)) return entry && 'absent' in entry ? 'absent-at-hub' : 'missing';
  if (!entry || 'absent' in entry) return 'ok'; // cached before verification was recorded, or placed by the user
  const size = statSync(path).size;
  const intact = size === entry.size && (size > REHASH_MAX_BYTES || (await sha256Of(path)) === entry.sha256);
  if (intact) return 'ok';
  rmSync(path, { force: true });
  return 'damaged';
}
