// Watches a folder and chosen sub-folders with one OS watch per folder (never per file, and no
// polling), so idle agents cost nothing and large session stores do not exhaust watch limits.
// Sub-folders created later are picked up; a missing root is looked for again now and then.
import { watch, type FSWatcher } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface FolderWatcherOptions {
  root: string;
  /** Deepest sub-folder level to watch (0 = the root only). */
  maxDepth: number;
  /** Whether to watch a sub-folder at `depth` (1 = a child of the root). */
  descend: (dir: string, depth: number) => boolean;
  /** A file seen by the first scan (`initial`) or created/changed later. */
  onFile: (file: string, initial: boolean) => void;
  /** A file or folder that is gone. */
  onRemoved?: (path: string) => void;
  onError?: (err: unknown) => void;
  missingRootRetryMs?: number;
}

export class FolderWatcher {
  private readonly watchers = new Map<string, FSWatcher>();
  private retry: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: FolderWatcherOptions) {}

  /** Folders currently watched (for tests and status displays). */
  get watchedFolders(): string[] {
    return [...this.watchers.keys()];
  }

  async start(): Promise<void> {
    await this.watchFolder(this.options.root, 0, true);
  }

  private async watchFolder(dir: string, depth: number, initial: boolean): Promise<void> {
    if (this.closed || this.watchers.has(dir)) return;
    let watcher: FSWatcher;
    try {
      watcher = watch(dir, { persistent: false }, (_event, name) => {
        if (name) void this.entryChanged(join(dir, name.toString()), depth + 1);
      });
    } catch (err) {
      if (depth === 0 && (err as NodeJS.ErrnoException).code === 'ENOENT') {
        this.retry = setTimeout(
          () => void this.watchFolder(dir, 0, initial),
          this.options.missingRootRetryMs ?? 30_000,
        );
        this.retry.unref();
      } else if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.options.onError?.(err);
      }
      return;
    }
    watcher.on('error', (err) => {
      this.unwatch(dir);
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.options.onError?.(err);
    });
    this.watchers.set(dir, watcher);
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isFile()) this.options.onFile(path, initial);
      else if (entry.isDirectory() && depth < this.options.maxDepth && this.options.descend(path, depth + 1)) {
        await this.watchFolder(path, depth + 1, initial);
      }
    }
  }

  private async entryChanged(path: string, depth: number): Promise<void> {
    if (this.closed) return;
    const info = await stat(path).catch(() => undefined);
    if (!info) {
      this.unwatch(path);
      this.options.onRemoved?.(path);
      return;
    }
    if (info.isFile()) this.options.onFile(path, false);
    else if (info.isDirectory() && depth <= this.options.maxDepth && this.options.descend(path, depth)) {
      await this.watchFolder(path, depth, false);
    }
  }

  private unwatch(dir: string): void {
    for (const [path, watcher] of this.watchers) {
      if (path === dir || path.startsWith(dir + '/') || path.startsWith(dir + '\\')) {
        watcher.close();
        this.watchers.delete(path);
      }
    }
  }

  close(): void {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
  }
}
