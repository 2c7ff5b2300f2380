// Follows every enabled agent's session files for one workspace, live. Folders are watched with
// the OS's change notifications, one watch per folder (no polling while agents are idle); each
// changed transcript is read from where it was left, also by an earlier host (`positions`).
// Sessions are matched to the workspace by folder or by the cwd their records carry; sessions of
// other folders are dropped and no longer read.
import { stat } from 'node:fs/promises';
import type { AgentEvent } from '../core/events';
import type { TestPathMatcher } from '../testpaths/matcher';
import { FolderWatcher } from './folder-watcher';
import { TranscriptFollower } from './follower';
import type { TailPositions } from './positions';
import type { WatchTarget } from './agents/agent';
import { transcriptAgent } from './agents/registry';
import { findWorkspaceStorage, isInside, type AgentLocations } from './locations';
import { readHead } from './read-transcript';
import { createReader } from './sources';
import type { TranscriptSource } from '../core/events';

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
  /** Where files were read up to (kept across host restarts): followed files resume there. */
  positions?: TailPositions;
  /**
   * Events a resumed file produced before its saved position, decoded again and not delivered:
   * for parts that rebuild their own state from the stream (the tamper rules' test-run history).
   */
  onReplayed?: (event: AgentEvent) => void;
}

/** Events held for a session whose cwd is not known yet; beyond this the oldest are dropped. */
const MAX_HELD_EVENTS = 5_000;

export class TranscriptWatchManager {
  private readonly followers = new Map<string, TranscriptFollower>();
  private readonly opening = new Map<string, Promise<TranscriptFollower | undefined>>();
  /** Files of other workspaces: never read again. */
  private readonly foreign = new Set<string>();
  private readonly folderWatchers: FolderWatcher[] = [];
  private disposed = false;

  constructor(private readonly options: WatchManagerOptions) {}

  /** Files currently followed (for status displays and tests). */
  get followedFiles(): string[] {
    return [...this.followers.keys()];
  }

  /** Folders with an OS watch (one per folder, never per file). */
  get watchedFolders(): string[] {
    return this.folderWatchers.flatMap((w) => w.watchedFolders);
  }

  async start(): Promise<void> {
    const locations = { ...this.options.locations };
    if (!locations.workspaceStorage && this.options.sources.includes('copilot')) {
      const found = await findWorkspaceStorage(locations.vscodeUser, this.options.workspaceRoot);
      if (found) locations.workspaceStorage = found;
    }
    const since = Date.now() - (this.options.recentMs ?? 24 * 3600_000);
    const targets = this.options.sources.flatMap((s) =>
      transcriptAgent(s).watchTargets(this.options.workspaceRoot, locations, new Date(since)),
    );
    await Promise.all(targets.map((t) => this.watchTarget(t, since)));
  }

  private async watchTarget(target: WatchTarget, since: number): Promise<void> {
    const watcher = new FolderWatcher({
      root: target.dir,
      maxDepth: target.maxDepth,
      descend: (dir, depth) => target.descend(dir, depth),
      onFile: (file, initial) => {
        if (!target.accepts(file)) return;
        if (!initial) return void this.changed(target, file);
        // At start only recently written sessions are read; older ones wait until they change.
        void stat(file).then(
          (info) => (info.mtimeMs >= since ? this.changed(target, file) : undefined),
          () => undefined,
        );
      },
      // A deleted session stops being followed; if it comes back it is read from the start.
      onRemoved: (path) => this.forget(path),
      onError: (err) => this.options.onError?.(err, target.dir),
      ...(this.options.missingDirRetryMs ? { missingRootRetryMs: this.options.missingDirRetryMs } : {}),
    });
    this.folderWatchers.push(watcher);
    await watcher.start();
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
    const { workspaceRoot, sink, positions } = this.options;
    const resume = positions?.get(file);
    // A file with a saved position was matched to this workspace when it was read before.
    let held: AgentEvent[] | undefined = target.matchByCwd && !resume ? [] : undefined;
    const reader = createReader({
      source: target.source,
      file,
      head,
      workspaceRoot,
      ...(this.options.testPaths ? { testPaths: this.options.testPaths } : {}),
      ...(this.options.onReplayed ? { onReplayed: this.options.onReplayed } : {}),
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
      resume,
    );
    if (this.disposed) return undefined;
    this.followers.set(file, follower);
    // Events held until the cwd is known have not been delivered: no position to keep yet.
    positions?.follow(file, () => (held ? undefined : follower.position()));
    return follower;
  }

  private forget(path: string): void {
    for (const [file, follower] of this.followers) {
      if (file === path || file.startsWith(path + '/') || file.startsWith(path + '\\')) {
        follower.close();
        this.followers.delete(file);
        this.options.positions?.forget(file);
      }
    }
  }

  private drop(file: string): void {
    this.foreign.add(file);
    this.followers.get(file)?.close();
    this.followers.delete(file);
    this.options.positions?.forget(file);
  }

  dispose(): void {
    this.disposed = true;
    for (const w of this.folderWatchers) w.close();
    for (const [file, f] of this.followers) {
      f.close();
      this.options.positions?.release(file);
    }
    this.followers.clear();
  }
}
