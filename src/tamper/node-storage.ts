// Node implementations of the store's interfaces: a folder of JSON files (CLI, tests, or the
// extension's storageUri folder) and plain file-system access for revert.
import { mkdir, readFile, realpath, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FlagStorage, WorkspaceFiles } from './flag-store';

export class FolderFlagStorage implements FlagStorage {
  private writes = 0;

  constructor(private readonly dir: string) {}

  private file(key: string): string {
    return join(this.dir, `${key.replace(/[^\w.-]/g, '_')}.json`);
  }

  async read(key: string): Promise<string | undefined> {
    try {
      return await readFile(this.file(key), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  /** Writes through a temporary file so a crash never leaves half a JSON document. */
  async write(key: string, value: string): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const tmp = `${this.file(key)}.${process.pid}.${++this.writes}.tmp`;
    await writeFile(tmp, value, 'utf8');
    await rename(tmp, this.file(key));
  }
}

export const nodeWorkspaceFiles: WorkspaceFiles = {
  realpath: (path) => realpath(path),
  async readFile(path) {
    try {
      return await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  },
  writeFile: (path, text) => writeFile(path, text, 'utf8'),
  deleteFile: (path) => rm(path),
};
