// The `scripts` of the package.json in a folder, for resolving `npm test` / `pnpm run x` to the
// command they run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A folder's package.json scripts; undefined when the folder has no readable package.json. */
export type ScriptLookup = (dir: string) => Readonly<Record<string, string>> | undefined;

/**
 * Reads the file on every call: it is consulted only for package-manager commands, and a cache
 * would keep scripts the user has since edited.
 */
export const readPackageScripts: ScriptLookup = (dir) => {
  let text: string;
  try {
    text = readFileSync(join(dir, 'package.json'), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const manifest: unknown = JSON.parse(text);
    const scripts =
      typeof manifest === 'object' && manifest !== null ? (manifest as { scripts?: unknown }).scripts : undefined;
    if (typeof scripts !== 'object' || scripts === null) return {};
    return Object.fromEntries(Object.entries(scripts).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return undefined;
  }
};
