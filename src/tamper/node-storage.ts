// Node implementations of the store's interfaces: a folder of JSON records (CLI, tests, or the
// extension's storageUri folder) and file access for revert that never follows a link at the
// path and writes only the file it read (same device and inode, same text).
import { constants } from 'node:fs';
import {
  link,
  lstat,
  mkdir,
  open,
  readdir,
  readFile,
  realpath,
  rename,
  unlink,
  writeFile,
  type FileHandle,
} from 'node:fs/promises';
import { join } from 'node:path';
import { TargetChangedError, type FileSnapshot, type FlagStorage, type WorkspaceFiles } from './flag-store';

/** Temporary names are unique per process, not per storage: two stores may share a folder. */
let temporaries = 0;

export class FolderFlagStorage implements FlagStorage {
  constructor(readonly location: string) {}

  async readAll(group: string): Promise<{ name: string; text: string }[]> {
    const dir = join(this.location, group);
    let names: string[];
    try {
      names = (await readdir(dir)).filter((f) => f.endsWith('.json'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const records: { name: string; text: string }[] = [];
    for (const file of names) {
      try {
        records.push({ name: file.slice(0, -'.json'.length), text: await readFile(join(dir, file), 'utf8') });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err; // replaced meanwhile by a rename
      }
    }
    return records;
  }

  private get legacyFile(): string {
    return join(this.location, 'agentVitals.flags.json');
  }

  async readLegacy(): Promise<string | undefined> {
    try {
      return await readFile(this.legacyFile, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async retireLegacy(): Promise<void> {
    await rename(this.legacyFile, `${this.legacyFile}.imported`);
  }

  async read(group: string, name: string): Promise<string | undefined> {
    try {
      return await readFile(join(this.location, group, `${name}.json`), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  /** The whole text is written first, then linked into place: link refuses an existing name, so a
   *  reader never sees half a record and only one of several racing writers succeeds. */
  async create(group: string, name: string, text: string): Promise<boolean> {
    const dir = join(this.location, group);
    await mkdir(dir, { recursive: true });
    const tmp = join(dir, `${name}.${process.pid}.${++temporaries}.tmp`);
    await writeFile(tmp, text, 'utf8');
    try {
      await link(tmp, join(dir, `${name}.json`));
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw err;
    } finally {
      await unlink(tmp);
    }
  }

  /** Writes through a temporary file so a crash never leaves half a record. */
  async write(group: string, name: string, text: string): Promise<void> {
    const dir = join(this.location, group);
    await mkdir(dir, { recursive: true });
    const tmp = join(dir, `${name}.${process.pid}.${++temporaries}.tmp`);
    await writeFile(tmp, text, 'utf8');
    await rename(tmp, join(dir, `${name}.json`));
  }
}

/** Windows has no O_NOFOLLOW; there the path was resolved just before, and identity is compared. */
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;

const identityOf = (s: { dev: number; ino: number }): string => `${s.dev}:${s.ino}`;

async function openChecked(path: string, flags: number): Promise<FileHandle | null> {
  let handle: FileHandle;
  try {
    handle = await open(path, flags | NO_FOLLOW);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'ELOOP') throw new TargetChangedError(`${path} is now a symbolic link`);
    if (code === 'EEXIST') throw new TargetChangedError(`${path} exists again`);
    throw err;
  }
  if (!(await handle.stat()).isFile()) {
    await handle.close();
    throw new TargetChangedError(`${path} is not a regular file`);
  }
  return handle;
}

async function readAll(handle: FileHandle): Promise<string> {
  const { size } = await handle.stat();
  const buffer = Buffer.alloc(size);
  for (let at = 0; at < size;) {
    const { bytesRead } = await handle.read(buffer, at, size - at, at);
    if (bytesRead === 0) break;
    at += bytesRead;
  }
  return buffer.toString('utf8');
}

async function checkSame(handle: FileHandle, path: string, expected: FileSnapshot): Promise<void> {
  if (identityOf(await handle.stat()) !== expected.identity)
    throw new TargetChangedError(`${path} was replaced by another file while the confirmation was open`);
  if ((await readAll(handle)) !== expected.text)
    throw new TargetChangedError(`${path} changed while the confirmation was open`);
}

export const nodeWorkspaceFiles: WorkspaceFiles = {
  realpath: (path) => realpath(path),
  async read(path) {
    const handle = await openChecked(path, constants.O_RDONLY);
    if (!handle) return null;
    try {
      return { identity: identityOf(await handle.stat()), text: await readAll(handle) };
    } finally {
      await handle.close();
    }
  },
  async replace(path, expected, text) {
    const handle = await openChecked(path, constants.O_RDWR);
    if (!handle) throw new TargetChangedError(`${path} was deleted while the confirmation was open`);
    try {
      await checkSame(handle, path, expected);
      const bytes = Buffer.from(text, 'utf8');
      await handle.truncate(0);
      for (let at = 0; at < bytes.length;) at += (await handle.write(bytes, at, bytes.length - at, at)).bytesWritten;
    } finally {
      await handle.close();
    }
  },
  async remove(path, expected) {
    const handle = await openChecked(path, constants.O_RDONLY);
    if (!handle) throw new TargetChangedError(`${path} was deleted while the confirmation was open`);
    try {
      await checkSame(handle, path, expected);
    } finally {
      await handle.close();
    }
    // unlink removes a link itself, never what it points to.
    if (identityOf(await lstat(path)) !== expected.identity)
      throw new TargetChangedError(`${path} was replaced by another file while the confirmation was open`);
    await unlink(path);
  },
  async create(path, text) {
    const handle = await openChecked(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL);
    try {
      await handle!.writeFile(text, 'utf8');
    } finally {
      await handle?.close();
    }
  },
};
