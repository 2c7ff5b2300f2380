// Where a workspace's flags live. Not in the window's own storage folder: a second window on the
// same folder gets a storage folder of its own (suffixed "-1"), so windows would keep separate
// stores and contradict each other. The store is keyed by the workspace's folders instead, under
// the extension's global storage, and every window on the workspace opens the same one.
import { createHash } from 'node:crypto';
import { access, mkdir, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export function flagStoreDir(globalStorage: string, workspaceFolders: readonly string[]): string {
  const key = createHash('sha256')
    .update(JSON.stringify([...workspaceFolders].sort()))
    .digest('hex')
    .slice(0, 16);
  return join(globalStorage, 'workspaces', key, 'flags');
}

/**
 * Moves the store an earlier version kept in the window's storage folder to `to`, once: only
 * while `to` does not exist yet. A rename is atomic, so of two windows racing only one moves it.
 */
export async function adoptEarlierStore(from: string, to: string): Promise<void> {
  if (await exists(to)) return;
  await mkdir(dirname(to), { recursive: true });
  try {
    await rename(from, to);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // Nothing to move, or another window moved it (or created the new store) first.
    if (code !== 'ENOENT' && code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
  }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
