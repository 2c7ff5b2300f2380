// What the user can do with a flag, from the sidebar, a notification or a command: see the
// flagged edit as a diff, dismiss it, mark it legitimate, or revert it after confirming.
import * as vscode from 'vscode';
import type { FlagAction } from '../../contracts/sidebar-protocol';
import { FlagDocuments } from './flag-documents';
import type { GuardDecisions } from '../guard/guard-decisions';
import type { VitalsStore } from '../state/vitals-store';
import type { TamperFlagFeed } from './tamper-flag-feed';

export class FlagActions {
  constructor(
    private readonly store: VitalsStore,
    private readonly feed: TamperFlagFeed,
    private readonly guard: GuardDecisions,
  ) {}

  async showDiff(id: string): Promise<void> {
    const flag = this.store.flag(id);
    if (!flag || !(await this.feed.diff(id))) {
      void vscode.window.showWarningMessage('Agent Vitals: the edit behind this flag is no longer available.');
      return;
    }
    const { before, after } = FlagDocuments.uris(id, flag.path);
    await vscode.commands.executeCommand(
      'vscode.diff',
      before,
      after,
      `${vscode.workspace.asRelativePath(flag.path)} (flagged edit)`,
    );
  }

  async perform(id: string, action: FlagAction): Promise<void> {
    // A guard decision sits in the same list; its answers are "right" (dismiss) and "wrong" (legitimate).
    if (this.store.guardItem(id)) {
      if (action === 'dismiss') return this.guard.right(id);
      if (action === 'legitimate') return this.guard.wrong(id);
      void vscode.window.showInformationMessage(
        'Agent Vitals: the guard decided before the edit ran, so there is no landed edit to diff or revert.',
      );
      return;
    }
    if (action === 'diff') return this.showDiff(id);
    const flag = this.store.flag(id);
    if (!flag) return;
    if (action === 'dismiss') return this.feed.dismiss(id);
    if (action === 'legitimate') {
      const mark = await this.feed.markLegitimate(id);
      const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(flag.path));
      // The hook reads the project's memory, not the flag store: the same hunk is not stopped next time.
      if (mark && folder) this.guard.rememberForHook(folder.uri.fsPath, mark);
      return;
    }
    const file = vscode.workspace.asRelativePath(flag.path);
    const root =
      vscode.workspace.getWorkspaceFolder(vscode.Uri.file(flag.path)) ?? vscode.workspace.workspaceFolders?.[0];
    if (!root) return;
    let declined = false;
    const outcome = await this.feed.revert(id, root.uri.fsPath, async (_flag, text) => {
      const ok = await vscode.window.showWarningMessage(
        text === null
          ? `Delete ${file}? The flagged edit created it.`
          : `Revert ${file} to its content before the flagged edit?`,
        {
          modal: true,
          detail: `${revertPreview(text)}\n\nOnly the flagged edit is undone; Agent Vitals checks that the file still holds it, and checks again as it writes.`,
        },
        'Revert',
      );
      declined = ok !== 'Revert';
      return !declined;
    });
    // A declined confirmation needs no message; any other refusal says why.
    if (!outcome.reverted && !declined)
      void vscode.window.showWarningMessage(`Agent Vitals: not reverted. ${outcome.reason}`);
  }
}

/** What a revert will write, as the confirmation shows it: the start of the text, clipped. */
function revertPreview(text: string | null): string {
  if (text === null) return 'The file will be deleted.';
  const lines = text.split('\n');
  const shown = lines.slice(0, 30).join('\n').slice(0, 2000);
  const rest = lines.length - shown.split('\n').length;
  return `The file will hold:\n\n${shown}${rest > 0 ? `\n… (${rest} more lines; open the diff to see them all)` : ''}`;
}
