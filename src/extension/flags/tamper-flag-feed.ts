// The flags the panel shows: the pipeline's tamper engine reads the event stream, the flag store
// keeps the flags and the user's decisions across restarts. No vscode import, so it is tested
// directly.
import type { AgentEvent } from '../../core/events';
import type { TamperEngine } from '../../tamper/engine';
import type { FlagStatus } from '../../contracts/flag-status';
import {
  FlagStore,
  type ConfirmRevert,
  type LegitimateMark,
  type RevertOutcome,
  type StoredFlag,
} from '../../tamper/flag-store';
import { FolderFlagStorage, nodeWorkspaceFiles } from '../../tamper/node-storage';
import type { SeveritySettings } from '../../tamper/severity';
import { flagEngine, type FlagInputs } from '../../transcript-pipeline/flags';
import { SEVERITY_RANK, type Severity } from '../../core/flags';
import { adoptEarlierStore } from './flag-store-dir';

export interface FlagUpdate {
  flag: StoredFlag;
  status: FlagStatus;
  /** New, or its severity rose: worth a notification. */
  escalated: boolean;
}

export interface TamperFlagFeedOptions {
  /** Folder for the persisted flags, shared by every window on the workspace (flag-store-dir.ts). */
  storageDir: string;
  /** Where an earlier version kept them (the window's storage folder): moved to `storageDir` once. */
  earlierStorageDir?: string;
  severity: SeveritySettings;
  /** The scored turns of an edit's session so far (none without a model). */
  turnDesperation: FlagInputs['turnDesperation'];
  /** Whether their desperation may add to a flag's severity (and so to its notification). */
  readerValidity: FlagInputs['readerValidity'];
  onUpdate: (update: FlagUpdate) => void;
  onError: (err: unknown) => void;
}

export class TamperFlagFeed {
  private readonly engine: TamperEngine;
  private readonly ready: Promise<FlagStore>;
  /** Events are handled one after another: the store saves after each upsert. */
  private queue: Promise<unknown>;

  constructor(private readonly options: TamperFlagFeedOptions) {
    this.engine = flagEngine({
      settings: options.severity,
      turnDesperation: options.turnDesperation,
      readerValidity: options.readerValidity,
    });
    const earlier = options.earlierStorageDir;
    this.ready = (earlier ? adoptEarlierStore(earlier, options.storageDir) : Promise.resolve()).then(() =>
      FlagStore.open(new FolderFlagStorage(options.storageDir), {
        warn: (message) => options.onError(new Error(message)),
      }),
    );
    this.queue = this.ready.then((store) => {
      for (const flag of store.list()) options.onUpdate({ flag, status: flag.status, escalated: false });
    });
    this.queue.catch(options.onError);
  }

  observe(event: AgentEvent): void {
    if (event.type === 'turn') return;
    this.enqueue(async (store) => {
      const raised = this.engine.observe(event);
      if (raised.length === 0) return;
      const before = new Map(raised.map((f) => [f.id, store.get(f.id)?.severity]));
      for (const flag of await store.upsert(raised)) {
        const previous = before.get(flag.id);
        const escalated = previous === undefined || SEVERITY_RANK[flag.severity] > SEVERITY_RANK[previous];
        this.options.onUpdate({ flag, status: flag.status, escalated: escalated && flag.status === 'open' });
      }
    });
  }

  dismiss(id: string): Promise<void> {
    return this.act(id, (store) => store.dismiss(id));
  }

  /** Resolves with the mark remembered (undefined for an unknown flag). */
  async markLegitimate(id: string): Promise<LegitimateMark | undefined> {
    let mark: LegitimateMark | undefined;
    await this.act(id, async (store) => {
      mark = await store.markLegitimate(id);
    });
    return mark;
  }

  /** Remembers a file or hunk as legitimate (a guard decision the user said was wrong): the flags it covers follow. */
  async rememberLegitimate(mark: LegitimateMark): Promise<void> {
    await this.enqueue(async (store) => {
      for (const flag of await store.remember(mark))
        this.options.onUpdate({ flag, status: flag.status, escalated: false });
    });
  }

  /** Puts the file back as it was before the edit, after `confirm`; says why when it cannot. */
  async revert(id: string, workspaceRoot: string, confirm: ConfirmRevert): Promise<RevertOutcome> {
    let outcome: RevertOutcome = { reverted: false, reason: 'unknown flag' };
    await this.act(id, async (store) => {
      outcome = await store.revert(id, nodeWorkspaceFiles, workspaceRoot, confirm);
    });
    return outcome;
  }

  /** True once per flag for the workspace: whether this window shows its notification. */
  async claimNotification(id: string, severity: Severity): Promise<boolean> {
    return (await this.ready).claimNotification(id, severity);
  }

  /** The edit's texts for the diff editor (whole while the file still holds the edit, else the
   *  changed lines); creations and deletions show an empty side. */
  async diff(id: string): Promise<{ path: string; before: string; after: string } | undefined> {
    const store = await this.ready;
    const flag = store.get(id);
    const texts = await store.texts(id, nodeWorkspaceFiles);
    return flag && texts && { path: flag.path, ...texts };
  }

  /** Resolves once every event observed so far has been handled. */
  async idle(): Promise<void> {
    await this.queue;
  }

  private async act(id: string, action: (store: FlagStore) => Promise<void>): Promise<void> {
    await this.enqueue(async (store) => {
      await action(store);
      const flag = store.get(id);
      if (flag) this.options.onUpdate({ flag, status: flag.status, escalated: false });
    });
  }

  private enqueue(step: (store: FlagStore) => Promise<void>): Promise<void> {
    const next = this.queue.then(() => this.ready).then(step);
    this.queue = next.catch(this.options.onError);
    return next;
  }
}
