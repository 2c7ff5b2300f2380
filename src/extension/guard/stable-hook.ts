// The path agents' settings name for the guard hook. The extension's own folder changes with each
// update (publisher.name-1.2.3), so the settings point at a small launcher in the extension's
// global storage instead, rewritten at every start to load the installed version's dist/hook.js.
// If the extension is gone, the launcher lets the call through and says so on stderr. No vscode import.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GuardAgent } from '../../guard/agents';
import { writeFileAtomic } from '../../storage/cache-file';

export const LAUNCHER_FILE = 'guard-hook.js';

export function launcherText(hookBundle: string): string {
  return `// Written by Agent Vitals at each start: runs the installed extension's guard hook.
try {
  require(${JSON.stringify(hookBundle)});
} catch (err) {
  process.stderr.write('agent-vitals hook: the extension\\'s hook is not available (' + (err && err.message) + '); the call is let through\\n');
  process.exitCode = 0;
}
`;
}

/** Writes the launcher (only when it changed) and returns its path. */
export function writeLauncher(storageDir: string, hookBundle: string): string {
  const file = join(storageDir, LAUNCHER_FILE);
  const text = launcherText(hookBundle);
  let current: string | null;
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    current = null;
  }
  if (current !== text) {
    mkdirSync(storageDir, { recursive: true });
    writeFileAtomic(file, text);
  }
  return file;
}

/** The command an agent's settings run: the same for every version of the extension. */
export function hookCommandFor(launcher: string, agent: GuardAgent): string {
  return `node ${JSON.stringify(launcher)} ${agent}`;
}
