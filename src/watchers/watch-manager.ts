// Follows every enabled agent's session files for one workspace, live. Folders are watched with
// the OS's change notifications (no polling while agents are idle); each changed transcript is
// read from where it was left. Sessions are matched to the workspace by folder or by the cwd
// their records carry; sessions of other folders are dropped and no longer read.
import { watch, type FSWatcher } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { AgentEvent } from '../core/events';
import type { TestPathMatcher } from '../testpaths/matcher';
import { TranscriptFollower } from './follower';
import { findWorkspaceStorage, isInside, watchTargets, type AgentLocations, type WatchTarget } from './locations';
import { readHead } from './read-transcript';
import { createReader, type TranscriptSource } from './sources';

export interface WatchManagerOptions {
  workspaceRoot: string;
  sources: readonly TranscriptSource[];
  locations: AgentLocations;
  sink: (event: AgentEvent) => void;
  testPaths?: TestPathMatcher;
  /** Files last changed longer ago than this are not read at start (they are once they change). */
  recentMs?: number;
  /** How often to look again for an agent folder that does not exist yet. */
  missingDirRetryMs?: number;
  onError?: (err: unknown, file?: string) => void;
  /** Records of `file` newly skipped (malformed, unknown or oversized), with the file's total. */
  onSkipped?: (file: string, newlySkipped: number, total: number) => void;
}

/** Events held for a session whose cwd is not known yet; beyond this the oldest are dropped. */
const MAX_HELD_EVENTS = 5_000;

export class TranscriptWatchManager {
  private readonly followers = new Map<string, TranscriptFollower>();
  private readonly opening = new Map<string, Promise<TranscriptFollower | undefined>>();
  /** Files of other workspaces: never read again. */
  private readonly foreign = new Set<string>();
  private readonly watchers: FSWatcher[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private disposed = false;

  constructor(private readonly options: WatchManagerOptions) {}

  /** Files currently followed (for status displays and tests). */
  get followedFiles(): string[] {
    return [...this.followers.keys()];
  }

  async start(): Promise<void> {
    const locations = { ...this.options.locations };
    if (!locations.workspaceStorage && this.options.sources.includes('copilot')) {
      const found = await findWorkspaceStorage(locations.vscodeUser, this.options.workspaceRoot);
      if (found) locations.workspaceStorage = found;
    }
    const targets = this.options.sources.flatMap((s) => watchTargets(s, this.options.workspaceRoot, locations));
    await Promise.all(targets.map((t) => this.watchTarget(t)));
  }

  private async watchTarget(target: WatchTarget): Promise<void> {
    if (this.disposed) return;
    try {
      const watcher = watch(target.dir, { recursive: target.recursive, persistent: false }, (_event, name) => {
        if (name) void this.changed(target, join(target.dir, name.toString()));
      });
      watcher.on('error', (err) => this.options.onError?.(err, target.dir));
      this.watchers.push(watcher);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.options.onError?.(err, target.dir);
        return;
      }
      // The agent has not created its folder yet: look again later (one stat per interval).
      const timer = setTimeout(() => void this.watchTarget(target), this.options.missingDirRetryMs ?? 30_000);
      timer.unref();
      this.timers.push(timer);
      return;
    }
    await this.scan(target, target.dir, target.recursive ? 4 : 0);
  }

  private async scan(target: WatchTarget, dir: string, depth: number): Promise<void> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    const recent = Date.now() - (this.options.recentMs ?? 24 * 3600_000);
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && depth > 0) await this.scan(target, path, depth - 1);
      else if (entry.isFile() && target.accepts(path)) {
        const info = await stat(path).catch(() => undefined);
        if (info && info.mtimeMs >= recent) await this.changed(target, path);
      }
    }
  }

  private async changed(target: WatchTarget, file: string): Promise<void> {
    if (this.disposed || this.foreign.has(file) || !target.accepts(file)) return;
    const follower = this.followers.get(file) ?? (await this.open(target, file));
    await follower?.poke();
  }

  private open(target: WatchTarget, file: string): Promise<TranscriptFollower | undefined> {
    let opening = this.opening.get(file);
    if (!opening) {
      opening = this.create(target, file).finally(() => this.opening.delete(file));
      this.opening.set(file, opening);
    }
    return opening;
  }

  private async create(target: WatchTarget, file: string): Promise<TranscriptFollower | undefined> {
    let head: string;
    try {
      head = await readHead(file);
    } catch {
      return undefined;
    }
    const { workspaceRoot, sink } = this.options;
    let held: AgentEvent[] | undefined = target.matchByCwd ? [] : undefined;
    const reader = createReader({
      source: target.source,
      file,
      head,
      workspaceRoot,
      ...(this.options.testPaths ? { testPaths: this.options.testPaths } : {}),
      sink: (event) => {
        if (!held) return sink(event);
        const cwd = reader.cwd;
        if (cwd === undefined) {
          held.push(event);
          if (held.length > MAX_HELD_EVENTS) held.shift();
        } else if (isInside(workspaceRoot, cwd)) {
          for (const e of held) sink(e);
          held = undefined;
          sink(event);
        } else {
          this.drop(file);
        }
      },
    });
    const follower = new TranscriptFollower(
      file,
      reader,
      (err) => this.options.onError?.(err, file),
      (n, total) => this.options.onSkipped?.(file, n, total),
    );
    if (this.disposed) return undefined;
    this.followers.set(file, follower);
    return follower;
  }

  private drop(file: string): void {
    this.foreign.add(file);
    this.followers.get(file)?.close();
    this.followers.delete(file);
  }

  dispose(): void {
    this.disposed = true;
    for (const w of this.watchers) w.close();
    for (const t of this.timers) clearTimeout(t);
    for (const f of this.followers.values()) f.close();
    this.followers.clear();
  }
}
