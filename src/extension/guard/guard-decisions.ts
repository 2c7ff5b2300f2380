// The user's answer to "was this right?" on a guard decision. Right: the decision is set aside
// (dismissed). Wrong: the edit's hunk is legitimate — written to the project's guard memory, which
// the hook reads before its next decision, and to the flag store, so flags on that hunk follow
// (a flag marked legitimate is written to the guard memory the same way, through rememberForHook).
// Statuses are derived again when the log is read after a reload. No vscode import.
import type { FlagStatus } from '../../contracts/flag-status';
import type { GuardLogDecision } from '../../guard/guard-log';
import { readGuardMemory, rememberLegitimate } from '../../guard/guard-memory';
import type { LegitimateMark } from '../../tamper/flag-store';
import type { VitalsStore } from '../state/vitals-store';
import { guardItem, type GuardItem } from './guard-item';

/** Ids of the decisions the user set aside, kept per workspace (VS Code's workspace state). */
export interface DismissedDecisions {
  has(id: string): boolean;
  add(id: string): Promise<void>;
}

export class GuardDecisions {
  constructor(
    private readonly store: VitalsStore,
    private readonly flags: { rememberLegitimate(mark: LegitimateMark): Promise<void> },
    private readonly dismissed: DismissedDecisions,
  ) {}

  /** Adds a decision read from `projectDir`'s log, with the status the user gave it earlier. */
  add(projectDir: string, decision: GuardLogDecision): void {
    const item = guardItem(projectDir, decision, 'open');
    this.store.setGuardItem({ ...item, status: this.statusOf(item) });
  }

  private statusOf(item: GuardItem): FlagStatus {
    const { path, hunk } = item.decision;
    if (hunk !== null && readGuardMemory(item.projectDir).covers(path, hunk)) return 'legitimate';
    return this.dismissed.has(item.id) ? 'dismissed' : 'open';
  }

  /** Right: the guard did well; the decision stops asking for attention. */
  async right(id: string): Promise<void> {
    const item = this.require(id);
    await this.dismissed.add(id);
    this.store.setGuardItem({ ...item, status: 'dismissed' });
  }

  /** Wrong: the hook lets this hunk through from now on, and flags on it are legitimate too. */
  async wrong(id: string): Promise<void> {
    const item = this.require(id);
    // A decision logged before hunks were kept can only be remembered for its whole file.
    const mark: LegitimateMark = { path: item.decision.path, hunk: item.decision.hunk };
    this.rememberForHook(item.projectDir, mark);
    await this.flags.rememberLegitimate(mark);
    this.store.setGuardItem({ ...item, status: 'legitimate' });
  }

  /**
   * Writes a legitimate mark where the hook reads it — from a guard decision, or from a flag the
   * user marked legitimate — so the guard does not stop what the flags already let pass.
   */
  rememberForHook(projectDir: string, mark: LegitimateMark): void {
    rememberLegitimate(projectDir, mark);
    // The same hunk (or file) stopped earlier in this project is legitimate too.
    for (const other of this.store.listGuardItems()) {
      if (other.projectDir === projectDir && other.status === 'open')
        this.store.setGuardItem({ ...other, status: this.statusOf(other) });
    }
  }

  private require(id: string): GuardItem {
    const item = this.store.guardItem(id);
    if (!item) throw new Error(`No guard decision with id ${id}.`);
    return item;
  }
}
