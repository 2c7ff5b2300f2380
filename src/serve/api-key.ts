// The key clients must send as `Authorization: Bearer …`: AGENT_VITALS_API_KEY when set, otherwise
// a fresh one per start, stored owner-only under the cache folder for the extension to read.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const API_KEY_ENV = 'AGENT_VITALS_API_KEY';

export function apiKeyPath(cacheDir: string): string {
  return join(cacheDir, 'serve', 'api-key');
}

/** The key for this start, and whether it was generated (then it is stored at `apiKeyPath`). */
export function resolveApiKey(
  cacheDir: string,
  env: NodeJS.ProcessEnv = process.env,
): { key: string; generated: boolean } {
  const fromEnv = env[API_KEY_ENV]?.trim();
  if (fromEnv) return { key: fromEnv, generated: false };
  const key = `av-${randomBytes(24).toString('base64url')}`;
  const path = apiKeyPath(cacheDir);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, `${key}\n`, { mode: 0o600 });
  chmodSync(path, 0o600); // an existing file keeps its old mode on write
  return { key, generated: true };
}

export function bearerMatches(header: string | undefined, key: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
  if (!match) return false;
  const given = Buffer.from(match[1]!.trim());
  const expected = Buffer.from(key);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
