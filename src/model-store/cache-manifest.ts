// What the cache knows about each downloaded file: its size and sha256 when it was verified. A
// cached file that no longer matches (truncated by a full disk, edited, bit-rotted) is treated
// as missing, so it is fetched again online and named as damaged offline — never loaded as is.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const MANIFEST = '.agent-vitals-verified.json';
/** Files up to this size are re-hashed on every load; larger ones (weights) are size-checked. */
const REHASH_MAX_BYTES = 64 * 1024 * 1024;

interface Entry {
  size: number;
  sha256: string;
}

export type CachedState = 'ok' | 'missing' | 'damaged';

function readManifest(folder: string): Record<string, Entry> {
  try {
    const value: unknown = JSON.parse(readFileSync(join(folder, MANIFEST), 'utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, Entry>) : {};
  } catch {
    return {};
  }
}

export function recordVerified(folder: string, file: string, entry: Entry): void {
  const manifest = { ...readManifest(folder), [file]: entry };
  const tmp = join(folder, `${MANIFEST}.${process.pid}.tmp`);
  writeFileSync(tmp, JSON.stringify(manifest, null, 1));
  renameSync(tmp, join(folder, MANIFEST));
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Whether a cached file is still what was verified; a damaged one is deleted. */
export async function checkCached(folder: string, file: string): Promise<CachedState> {
  const path = join(folder, file);
  if (!existsSync(path)) return 'missing';
  const entry = readManifest(folder)[file];
  if (!entry) return 'ok'; // cached before verification was recorded, or placed by the user
  const size = statSync(path).size;
  const intact = size === entry.size && (size > REHASH_MAX_BYTES || (await sha256Of(path)) === entry.sha256);
  if (intact) return 'ok';
  rmSync(path, { force: true });
  return 'damaged';
}
