// Flags persisted per workspace, with the user's actions on them: dismiss, mark as legitimate
// (remembered for that file or hunk) and revert (confirmed, and only while the file still holds
// the after-text). Storage and file access are interfaces so the core never imports vscode.
import { dirname, basename, join, relative, isAbsolute } from 'node:path';
import type { TamperFlag } from './engine';

/** Where the store keeps its JSON; the extension backs it with workspace storage. */
export interface FlagStorage {
  read(key: string): Promise<string | undefined>;
  write(key: string, value: string): Promise<void>;
}

/** The file operations "revert" needs; the Node implementation is `nodeWorkspaceFiles`. */
export interface WorkspaceFiles {
  /** Resolves symlinks; rejects when the path does not exist. */
  realpath(path: string): Promise<string>;
  /** Null when the file does not exist. */
  readFile(path: string): Promise<string | null>;
  writeFile(path: string, text: string): Promise<void>;
  deleteFile(path: string): Promise<void>;
}

export type FlagStatus = 'open' | 'dismissed' | 'legitimate' | 'reverted';

export interface StoredFlag extends TamperFlag {
  status: FlagStatus;
}

export interface LegitimateMark {
  path: string;
  /** Null: the whole file's edits are legitimate. */
  hunk: string | null;
}

interface StoreData {
  version: 1;
  flags: StoredFlag[];
  legitimate: LegitimateMark[];
}

export type RevertOutcome = { reverted: true } | { reverted: false; reason: string };

const KEY = 'agentVitals.flags';
const CORRUPT_KEY = 'agentVitals.flags.corrupt';

function isStoredFlag(x: unknown): x is StoredFlag {
  if (typeof x !== 'object' || x === null) return false;
  const f = x as Record<string, unknown>;
  return typeof f.id === 'string' && typeof f.path === 'string' && typeof f.ts === 'string' && Array.isArray(f.kinds) && typeof f.severity === 'string' && typeof f.status === 'string' && typeof f.editSeq === 'number';
}

function byTime(a: StoredFlag, b: StoredFlag): number {
  return a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : a.editSeq - b.editSeq;
}

export class FlagStore {
  /** Entries in the stored file that were not valid flags and were left out. */
  readonly skippedOnLoad: number;
  /** Set when the stored file could not be parsed; its text was kept under a separate key. */
  readonly loadError: string | null;

  private constructor(
    private readonly storage: FlagStorage,
    private data: StoreData,
    skipped: number,
    loadError: string | null,
  ) {
    this.skippedOnLoad = skipped;
    this.loadError = loadError;
  }

  static async open(storage: FlagStorage): Promise<FlagStore> {
    const raw = await storage.read(KEY);
    const empty: StoreData = { version: 1, flags: [], legitimate: [] };
    if (raw === undefined) return new FlagStore(storage, empty, 0, null);
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch (err) {
      // Keep the unreadable text so nothing is lost, then start afresh.
      await storage.write(CORRUPT_KEY, raw);
      return new FlagStore(storage, empty, 0, `Stored flags could not be read (${(err as Error).message}); kept a copy under '${CORRUPT_KEY}' and started an empty list.`);
    }
    const obj = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Partial<Record<keyof StoreData, unknown>>;
    const flags = Array.isArray(obj.flags) ? obj.flags : [];
    const valid = flags.filter(isStoredFlag);
    const legitimate = Array.isArray(obj.legitimate)
      ? obj.legitimate.filter((m): m is LegitimateMark => typeof m === 'object' && m !== null && typeof (m as LegitimateMark).path === 'string')
      : [];
    return new FlagStore(storage, { version: 1, flags: valid.sort(byTime), legitimate }, flags.length - valid.length, null);
  }

  /** All flags, oldest first. */
  list(): readonly StoredFlag[] {
    return this.data.flags;
  }

  /** Flags that still need the user's attention. */
  open(): StoredFlag[] {
    return this.data.flags.filter((f) => f.status === 'open');
  }

  get(id: string): StoredFlag | undefined {
    return this.data.flags.find((f) => f.id === id);
  }

  /**
   * Adds new flags and refreshes known ones (e.g. severity after the next run), keeping the user's
   * status. A flag on a file or hunk marked legitimate arrives already marked. Returns the stored flags.
   */
  async upsert(flags: readonly TamperFlag[]): Promise<StoredFlag[]> {
    const out: StoredFlag[] = [];
    for (const flag of flags) {
      const existing = this.data.flags.findIndex((f) => f.id === flag.id);
      const status: FlagStatus = existing >= 0 ? this.data.flags[existing].status : this.isLegitimate(flag) ? 'legitimate' : 'open';
      const stored: StoredFlag = { ...flag, status };
      if (existing >= 0) this.data.flags[existing] = stored;
      else this.data.flags.push(stored);
      out.push(stored);
    }
    this.data.flags.sort(byTime);
    await this.save();
    return out;
  }

  isLegitimate(flag: Pick<TamperFlag, 'path' | 'hunk'>): boolean {
    return this.data.legitimate.some((m) => m.path === flag.path && (m.hunk === null || m.hunk === flag.hunk));
  }

  async dismiss(id: string): Promise<void> {
    await this.setStatus(id, 'dismissed');
  }

  /** Remembers the hunk (or, with scope 'file', every edit to the file) as legitimate. */
  async markLegitimate(id: string, scope: 'hunk' | 'file' = 'hunk'): Promise<void> {
    const flag = this.require(id);
    const mark: LegitimateMark = { path: flag.path, hunk: scope === 'file' ? null : flag.hunk };
    if (!this.data.legitimate.some((m) => m.path === mark.path && m.hunk === mark.hunk)) this.data.legitimate.push(mark);
    for (const f of this.data.flags) if (f.status === 'open' && this.isLegitimate(f)) f.status = 'legitimate';
    await this.setStatus(id, 'legitimate');
  }

  /**
   * Puts the before-text back. Refuses (with a reason for the user) when the edit has no full
   * before/after text, the path resolves outside `workspaceRoot`, the file no longer holds the
   * after-text, or `confirm` says no.
   */
  async revert(id: string, files: WorkspaceFiles, workspaceRoot: string, confirm: (flag: StoredFlag) => Promise<boolean>): Promise<RevertOutcome> {
    const flag = this.require(id);
    if (flag.subject === 'command') return { reverted: false, reason: 'This flag is about a test command the agent ran, not a file edit; there is nothing to revert.' };
    if (flag.status === 'reverted') return { reverted: false, reason: 'This edit was already reverted.' };
    if (!flag.wholeFile) return { reverted: false, reason: 'Only a diff of this edit was recorded, so the whole earlier file is unknown. Open the diff and restore by hand.' };
    let root: string;
    try {
      root = await files.realpath(workspaceRoot);
    } catch {
      return { reverted: false, reason: `The workspace folder ${workspaceRoot} is not available.` };
    }
    let target: string;
    try {
      target = await files.realpath(flag.path);
    } catch {
      // A deleted file has no real path; resolve its folder instead.
      try {
        target = join(await files.realpath(dirname(flag.path)), basename(flag.path));
      } catch {
        return { reverted: false, reason: `The folder of ${flag.path} no longer exists.` };
      }
    }
    const rel = relative(root, target);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return { reverted: false, reason: `${flag.path} resolves to ${target}, outside the workspace ${root}; Agent Vitals only reverts files inside the workspace.` };
    const current = await files.readFile(target);
    const expected = flag.op === 'delete' ? null : flag.after;
    if (current !== expected) {
      const why = current === null ? 'the file no longer exists' : expected === null ? 'the file exists again' : 'the file has changed since this edit';
      return { reverted: false, reason: `Not reverted: ${why}, so putting the old text back could lose later work. Open the diff and restore by hand.` };
    }
    if (!(await confirm(flag))) return { reverted: false, reason: 'Revert cancelled.' };
    if (flag.op === 'create') await files.deleteFile(target);
    else await files.writeFile(target, flag.before ?? '');
    await this.setStatus(id, 'reverted');
    return { reverted: true };
  }

  private require(id: string): StoredFlag {
    const flag = this.get(id);
    if (!flag) throw new Error(`No flag with id ${id}.`);
    return flag;
  }

  private async setStatus(id: string, status: FlagStatus): Promise<void> {
    this.require(id).status = status;
    await this.save();
  }

  /** Writes one snapshot at a time, in call order, so concurrent actions never interleave. */
  private saving: Promise<void> = Promise.resolve();

  private save(): Promise<void> {
    const snapshot = JSON.stringify(this.data);
    this.saving = this.saving.catch(() => undefined).then(() => this.storage.write(KEY, snapshot));
    return this.saving;
  }
}
