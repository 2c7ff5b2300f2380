// The key clients must send as `Authorization: Bearer …`: AGENT_VITALS_API_KEY when set, otherwise
// a fresh one per start, stored owner-only under the cache folder for the extension to read.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { join } from 'node:path';
import { serveFolder, writeServeFile } from '../storage/serve-endpoint';

export const API_KEY_ENV = 'AGENT_VITALS_API_KEY';

export function apiKeyPath(cacheDir: string): string {
  return join(serveFolder(cacheDir), 'api-key');
}

/** The key for this start, and whether it was generated (then it is stored at `apiKeyPath`). */
export function resolveApiKey(
  cacheDir: string,
  env: NodeJS.ProcessEnv = process.env,
): { key: string; generated: boolean } {
  const fromEnv = env[API_KEY_ENV]?.trim();
  if (fromEnv) return { key: fromEnv, generated: false };
  const key = `av-${randomBytes(24).toString('base64url')}`;
  // Replaced whole, owner-only from its creation: a key file left with wider permissions gives way to a new file.
  writeServeFile(apiKeyPath(cacheDir), serveFolder(cacheDir), `${key}\n`);
  return { key, generated: true };
}

export function bearerMatches(header: string | undefined, key: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
  if (!match) return false;
  const given = Buffer.from(match[1]!.trim());
  const expected = Buffer.from(key);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
