// Flags persisted per workspace, with the user's actions on them: dismiss, mark as legitimate
// (remembered for that file or hunk) and revert (confirmed, and only while the file still holds
// the after-text). Each flag and each mark is its own record, written whole, so an action costs
// one small write and two windows sharing the store never overwrite each other's flags. A flag
// keeps its edit's changed lines and digests, not the whole texts (see edit-record.ts). Storage
// and file access are interfaces so the core never imports vscode.
import { createHash } from 'node:crypto';
import { dirname, basename, join, relative, isAbsolute } from 'node:path';
import type { FlagStatus } from '../contracts/flag-status';
import { rebuildTexts, recordEdit, type EditRecord } from './edit-record';
import type { TamperFlag } from './engine';
import { SEVERITY_RANK, type Severity } from '../core/flags';

/** Named records in groups; the extension backs it with a folder in workspace storage. */
export interface FlagStorage {
  /** Where the records live, for messages. */
  readonly location: string;
  /** Every record of `group`, as name and text. */
  readAll(group: string): Promise<{ name: string; text: string }[]>;
  /** Replaces one record whole: a reader sees the old text or the new, never part of either. */
  write(group: string, name: string, text: string): Promise<void>;
  /** One record's text, or undefined when there is none. */
  read(group: string, name: string): Promise<string | undefined>;
  /**
   * Writes a record only if none exists, atomically across processes: of windows racing to
   * create one record, exactly one gets true.
   */
  create(group: string, name: string, text: string): Promise<boolean>;
  /** The single document earlier versions kept every flag in, if it is still there. */
  readLegacy(): Promise<string | undefined>;
  /** Moves that document aside once its flags are imported. */
  retireLegacy(): Promise<void>;
}

/** The file could not be written because it is no longer the one checked before confirmation. */
export class TargetChangedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetChangedError';
  }
}

/** A file as read for revert: its identity (device and inode) and text. */
export interface FileSnapshot {
  identity: string;
  text: string;
}

/**
 * The file operations "revert" needs; the Node implementation is `nodeWorkspaceFiles`. None
 * follows a symbolic link at the path itself; the writes throw TargetChangedError when the file
 * is no longer the one read (another file, a link, or other content).
 */
export interface WorkspaceFiles {
  /** Resolves symlinks; rejects when the path does not exist. */
  realpath(path: string): Promise<string>;
  /** Null when the file does not exist. */
  read(path: string): Promise<FileSnapshot | null>;
  replace(path: string, expected: FileSnapshot, text: string): Promise<void>;
  remove(path: string, expected: FileSnapshot): Promise<void>;
  /** Creates the file; fails when anything exists at the path. */
  create(path: string, text: string): Promise<void>;
}

export interface StoredFlag extends Omit<TamperFlag, 'before' | 'after'> {
  status: FlagStatus;
  edit: EditRecord;
}

export interface LegitimateMark {
  path: string;
  /** Null: the whole file's edits are legitimate. */
  hunk: string | null;
}

export type RevertOutcome = { reverted: true } | { reverted: false; reason: string };

/** Asked before a revert writes: `text` is what the file will hold, null when it will be deleted. */
export type ConfirmRevert = (flag: StoredFlag, text: string | null) => Promise<boolean>;

/** All records together may take this much; beyond it new flags keep no text (a clear warning says so). */
export const FLAG_STORE_BUDGET_BYTES = 64 * 1024 * 1024;

const FLAGS = 'flags';
const MARKS = 'legitimate';
/** Flags whose notification was shown, one empty record each. */
const NOTIFIED = 'notified';

const recordName = (key: string): string => createHash('sha256').update(key).digest('hex').slice(0, 32);
const markKey = (m: LegitimateMark): string => `${m.path}\0${m.hunk ?? '*'}`;

function isStoredFlag(x: unknown): x is StoredFlag {
  if (typeof x !== 'object' || x === null) return false;
  const f = x as Record<string, unknown>;
  const edit = f.edit as Record<string, unknown> | null;
  return (
    typeof f.id === 'string' &&
    typeof f.path === 'string' &&
    typeof f.ts === 'string' &&
    Array.isArray(f.kinds) &&
    typeof f.severity === 'string' &&
    typeof f.status === 'string' &&
    typeof f.editSeq === 'number' &&
    typeof edit === 'object' &&
    edit !== null &&
    typeof edit.removed === 'string' &&
    typeof edit.inserted === 'string' &&
    typeof edit.prefix === 'number' &&
    typeof edit.suffix === 'number'
  );
}

function isMark(x: unknown): x is LegitimateMark {
  const m = x as Partial<LegitimateMark> | null;
  return (
    typeof m === 'object' && m !== null && typeof m.path === 'string' && (m.hunk === null || typeof m.hunk === 'string')
  );
}

function byTime(a: StoredFlag, b: StoredFlag): number {
  return a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : a.editSeq - b.editSeq;
}

export interface FlagStoreOptions {
  budgetBytes?: number;
  /** Told once when the store reaches its budget. */
  warn?: (message: string) => void;
}

export class FlagStore {
  private readonly flags = new Map<string, StoredFlag>();
  private readonly marks = new Map<string, LegitimateMark>();
  /** Bytes of each record, for the budget. */
  private readonly sizes = new Map<string, number>();
  private bytes = 0;
  private warned = false;
  /** Records that were not valid flags or marks and were left out. */
  skippedOnLoad = 0;

  private constructor(
    private readonly storage: FlagStorage,
    private readonly options: FlagStoreOptions,
  ) {}

  static async open(storage: FlagStorage, options: FlagStoreOptions = {}): Promise<FlagStore> {
    const store = new FlagStore(storage, options);
    for (const [group, accept] of [
      [FLAGS, isStoredFlag],
      [MARKS, isMark],
    ] as const) {
      for (const { name, text } of await storage.readAll(group)) {
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch {
          value = undefined;
        }
        if (!accept(value)) {
          store.skippedOnLoad++;
          continue;
        }
        if (group === FLAGS) store.flags.set((value as StoredFlag).id, value as StoredFlag);
        else store.marks.set(markKey(value as LegitimateMark), value as LegitimateMark);
        store.track(`${group}/${name}`, text.length);
      }
    }
    await store.importLegacy();
    return store;
  }

  /** Imports the flags (with their whole texts) and marks of an earlier version's store, once. */
  private async importLegacy(): Promise<void> {
    const text = await this.storage.readLegacy();
    if (text === undefined) return;
    let doc: { flags?: unknown; legitimate?: unknown } | null;
    try {
      doc = JSON.parse(text) as typeof doc;
    } catch {
      doc = null; // unreadable: nothing can be imported from it
    }
    const saves: Promise<void>[] = [];
    for (const old of Array.isArray(doc?.flags) ? doc.flags : []) {
      const { before, after, ...rest } = (old ?? {}) as TamperFlag & { status: FlagStatus };
      const stored = {
        ...rest,
        edit: recordEdit(typeof before === 'string' ? before : null, typeof after === 'string' ? after : null),
      };
      if (!isStoredFlag(stored) || this.flags.has(stored.id)) continue;
      this.flags.set(stored.id, stored);
      saves.push(this.saveFlag(stored));
    }
    for (const mark of Array.isArray(doc?.legitimate) ? doc.legitimate : []) {
      if (!isMark(mark) || this.marks.has(markKey(mark))) continue;
      this.marks.set(markKey(mark), mark);
      saves.push(this.save(MARKS, recordName(markKey(mark)), JSON.stringify(mark)));
    }
    await Promise.all(saves);
    await this.storage.retireLegacy();
  }

  /** Bytes the records take (as UTF-16 length, close to their size on disk). */
  get sizeBytes(): number {
    return this.bytes;
  }

  /** All flags, oldest first. */
  list(): StoredFlag[] {
    return [...this.flags.values()].sort(byTime);
  }

  /** Flags that still need the user's attention. */
  open(): StoredFlag[] {
    return this.list().filter((f) => f.status === 'open');
  }

  get(id: string): StoredFlag | undefined {
    return this.flags.get(id);
  }

  /**
   * Adds new flags and raises known ones whose severity rose (e.g. after the next run), keeping
   * the user's status. A flag on a file or hunk marked legitimate arrives already marked. Windows
   * on one workspace share the store: a flag is created once (the first window to see the edit
   * writes it) and its words change only when its severity rises, so every window that raises
   * it again adopts the stored record and they all show the same reason. Returns the stored flags.
   */
  async upsert(flags: readonly TamperFlag[]): Promise<StoredFlag[]> {
    const out: StoredFlag[] = [];
    const saves: Promise<void>[] = [];
    for (const { before, after, ...flag } of flags) {
      let known = this.flags.get(flag.id) ?? (await this.readFlag(flag.id));
      if (!known) {
        const created: StoredFlag = {
          ...flag,
          status: this.isLegitimate(flag) ? 'legitimate' : 'open',
          edit: recordEdit(before, after),
        };
        const text = this.flagText(created);
        if (await this.storage.create(FLAGS, recordName(flag.id), text)) {
          this.track(`${FLAGS}/${recordName(flag.id)}`, text.length);
          this.flags.set(flag.id, created);
          out.push(created);
          continue;
        }
        known = await this.readFlag(flag.id); // another window created it first
        if (!known)
          throw new Error(`The flag record for ${flag.id} exists but cannot be read in ${this.storage.location}.`);
      }
      if (SEVERITY_RANK[flag.severity] <= SEVERITY_RANK[known.severity]) {
        this.flags.set(flag.id, known);
        out.push(known);
        continue;
      }
      const raised: StoredFlag = { ...flag, status: known.status, edit: known.edit };
      this.flags.set(flag.id, raised);
      out.push(raised);
      saves.push(this.saveFlag(raised));
    }
    await Promise.all(saves);
    return out;
  }

  /**
   * Claims the one notification a flag gets at a severity: true the first time for this workspace,
   * false after (in this window, after a reload, or when another window on the workspace showed
   * it). A flag that rises to a higher severity is announced once more, so the last notification
   * never names a lower severity than the flag card shows.
   */
  claimNotification(id: string, severity: Severity): Promise<boolean> {
    return this.storage.create(NOTIFIED, recordName(`${id}\n${severity}`), '');
  }

  private async readFlag(id: string): Promise<StoredFlag | undefined> {
    const text = await this.storage.read(FLAGS, recordName(id));
    if (text === undefined) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return undefined;
    }
    if (!isStoredFlag(value)) return undefined;
    this.track(`${FLAGS}/${recordName(id)}`, text.length);
    return value;
  }

  isLegitimate(flag: Pick<TamperFlag, 'path' | 'hunk'>): boolean {
    return (
      this.marks.has(markKey({ path: flag.path, hunk: null })) ||
      this.marks.has(markKey({ path: flag.path, hunk: flag.hunk }))
    );
  }

  async dismiss(id: string): Promise<void> {
    await this.setStatus(id, 'dismissed');
  }

  /** Remembers the hunk (or, with scope 'file', every edit to the file) as legitimate. */
  /** Returns the mark, for the guard's memory (the hook reads it outside VS Code). */
  async markLegitimate(id: string, scope: 'hunk' | 'file' = 'hunk'): Promise<LegitimateMark> {
    const flag = this.require(id);
    const mark: LegitimateMark = { path: flag.path, hunk: scope === 'file' ? null : flag.hunk };
    await this.remember(mark);
    await this.setStatus(id, 'legitimate');
    return mark;
  }

  /**
   * Remembers a file or hunk as legitimate without a flag of its own (a guard decision the user
   * said was wrong); the open flags it covers become legitimate. Returns those flags.
   */
  async remember(mark: LegitimateMark): Promise<StoredFlag[]> {
    const key = markKey(mark);
    if (!this.marks.has(key)) {
      this.marks.set(key, mark);
      await this.save(MARKS, recordName(key), JSON.stringify(mark));
    }
    const changed = [...this.flags.values()].filter((f) => f.status === 'open' && this.isLegitimate(f));
    for (const f of changed) f.status = 'legitimate';
    await Promise.all(changed.map((f) => this.saveFlag(f)));
    return changed;
  }

  /** The edit's whole texts while the file still holds it; otherwise the changed lines only. */
  async texts(id: string, files: WorkspaceFiles): Promise<{ before: string; after: string } | undefined> {
    const flag = this.flags.get(id);
    if (!flag) return undefined;
    if (flag.subject === 'edit' && isAbsolute(flag.path)) {
      const current = await files.read(flag.path).catch(() => null);
      const whole = rebuildTexts(flag.edit, current?.text ?? null);
      if (typeof whole !== 'string') return { before: whole.before ?? '', after: whole.after ?? '' };
    }
    return { before: flag.edit.removed, after: flag.edit.inserted };
  }

  /**
   * Puts the before-text back. Refuses (with a reason for the user) when the edit has no full
   * before/after text, its path is relative or resolves outside `workspaceRoot`, the file no longer
   * holds the after-text, or `confirm` says no. After confirmation the folder and the file are
   * checked again as they are written, so a link swapped in meanwhile is refused, not followed.
   */
  async revert(
    id: string,
    files: WorkspaceFiles,
    workspaceRoot: string,
    confirm: ConfirmRevert,
  ): Promise<RevertOutcome> {
    const flag = this.require(id);
    const refuse = (reason: string): RevertOutcome => ({ reverted: false, reason });
    if (flag.subject === 'command')
      return refuse('This flag is about a test command the agent ran, not a file edit; there is nothing to revert.');
    if (flag.status === 'reverted') return refuse('This edit was already reverted.');
    if (!flag.wholeFile)
      return refuse(
        'Only a diff of this edit was recorded, so the whole earlier file is unknown. Open the diff and restore by hand.',
      );
    // A relative path (a transcript without its working folder) names no file for certain.
    if (!isAbsolute(flag.path))
      return refuse(
        `The transcript names ${flag.path} without the folder it is relative to, so which file it meant is unknown. Open the diff and restore by hand.`,
      );
    let root: string;
    try {
      root = await files.realpath(workspaceRoot);
    } catch {
      return refuse(`The workspace folder ${workspaceRoot} is not available.`);
    }
    let folder: string;
    try {
      folder = await files.realpath(dirname(flag.path));
    } catch {
      return refuse(`The folder of ${flag.path} no longer exists.`);
    }
    // A link at the path itself is resolved too, and must also stay inside the workspace.
    const target = await files.realpath(flag.path).catch(() => join(folder, basename(flag.path)));
    const inside = (path: string) => {
      const rel = relative(root, path);
      return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
    };
    if (!inside(target))
      return refuse(
        `${flag.path} resolves to ${target}, outside the workspace ${root}; Agent Vitals only reverts files inside the workspace.`,
      );
    const current = await files.read(target);
    const texts = rebuildTexts(flag.edit, current?.text ?? null);
    if (typeof texts === 'string')
      return refuse(
        `Not reverted: ${texts}, so putting the old text back could lose later work. Open the diff and restore by hand.`,
      );
    if (!(await confirm(flag, texts.before))) return refuse('Revert cancelled.');
    // The user took their time: check the folder again, and write only the file that was read.
    const folderNow = await files.realpath(dirname(target)).catch(() => null);
    if (folderNow !== dirname(target))
      return refuse(
        `The folder of ${target} changed while the confirmation was open (it now resolves to ${folderNow ?? 'nothing'}); nothing was written.`,
      );
    try {
      if (texts.before === null) await files.remove(target, current!);
      else if (current === null) await files.create(target, texts.before);
      else await files.replace(target, current, texts.before);
    } catch (err) {
      if (err instanceof TargetChangedError) return refuse(`${err.message}; nothing was written.`);
      throw err;
    }
    await this.setStatus(id, 'reverted');
    return { reverted: true };
  }

  private require(id: string): StoredFlag {
    const flag = this.get(id);
    if (!flag) throw new Error(`No flag with id ${id}.`);
    return flag;
  }

  private async setStatus(id: string, status: FlagStatus): Promise<void> {
    const flag = this.require(id);
    flag.status = status;
    await this.saveFlag(flag);
  }

  private track(key: string, size: number): void {
    this.bytes += size - (this.sizes.get(key) ?? 0);
    this.sizes.set(key, size);
  }

  private saveFlag(flag: StoredFlag): Promise<void> {
    return this.save(FLAGS, recordName(flag.id), this.flagText(flag));
  }

  /** The flag's record text, within the store's budget. */
  private flagText(flag: StoredFlag): string {
    const name = recordName(flag.id);
    let text = JSON.stringify(flag);
    const budget = this.options.budgetBytes ?? FLAG_STORE_BUDGET_BYTES;
    const grows = text.length - (this.sizes.get(`${FLAGS}/${name}`) ?? 0);
    if (this.bytes + grows > budget && !flag.edit.clipped) {
      // Over budget: the flag is kept, its text is not (it shows the changed lines' start only).
      flag.edit = {
        ...flag.edit,
        clipped: true,
        removed: flag.edit.removed.slice(0, 256),
        inserted: flag.edit.inserted.slice(0, 256),
      };
      text = JSON.stringify(flag);
      if (!this.warned) {
        this.warned = true;
        this.options.warn?.(
          `The flag store in ${this.storage.location} has reached its ${Math.round(budget / 2 ** 20)} MB budget: new flags are still raised, but keep no text and cannot be reverted. Delete that folder to start a fresh store.`,
        );
      }
    }
    return text;
  }

  /** Writes one record at a time, in call order, so concurrent actions never interleave. */
  private saving: Promise<void> = Promise.resolve();

  private save(group: string, name: string, text: string): Promise<void> {
    this.track(`${group}/${name}`, text.length);
    this.saving = this.saving.catch(() => undefined).then(() => this.storage.write(group, name, text));
    return this.saving;
  }
}
