// One notification per flag and severity, once it is a warning or critical, rate-limited, with
// Show Diff / Dismiss. "Once" holds across reloads and windows: the flag store records what was
// announced, and only the window that claims the record shows it. A flag that escalates later
// (warning → critical after the next run) is announced again at its new severity, so no
// notification contradicts the flag card. Words and kind come from the shared severity look.
import * as vscode from 'vscode';
import type { Flag, Severity } from '../../core/flags';
import { SEVERITY_LOOK } from '../../core/signal';
import { RateLimiter } from '../state/rate-limiter';

export interface NotifyActions {
  /** True only for the first notification of this flag at this severity in this workspace. */
  claim(id: string, severity: Severity): Promise<boolean>;
  showDiff(id: string): Promise<void>;
  dismiss(id: string): Promise<void>;
}

export class FlagNotifier {
  private readonly limiter: RateLimiter;

  constructor(intervalMs: () => number) {
    this.limiter = new RateLimiter(intervalMs);
  }

  async notify(flag: Flag, actions: NotifyActions): Promise<void> {
    const look = SEVERITY_LOOK[flag.severity];
    if (look.level === 'ok' || !(await actions.claim(flag.id, flag.severity))) return;
    const held = this.limiter.tryPass();
    if (held === null) return;
    const more = held > 0 ? ` (${held} more in the flags list)` : '';
    const text = `Agent Vitals: ${look.word} flag, ${flag.kinds.join(', ')} in ${vscode.workspace.asRelativePath(flag.path)} — ${flag.reason}${more}`;
    const show = look.level === 'error' ? vscode.window.showErrorMessage : vscode.window.showWarningMessage;
    const choice = await show(text, 'Show Diff', 'Dismiss');
    if (choice === 'Show Diff') await actions.showDiff(flag.id);
    else if (choice === 'Dismiss') await actions.dismiss(flag.id);
  }
}
