// One notification per flag, once it is a warning or critical, rate-limited, with Show Diff /
// Dismiss. A flag that escalates later (e.g. warning → critical after the next run) is not
// announced twice; the panel and the status bar show the change.
import * as vscode from 'vscode';
import { SEVERITY_RANK, type Flag } from '../core/flags';
import { RateLimiter } from './state/rateLimiter';

export class FlagNotifier {
  private readonly limiter: RateLimiter;
  private readonly announced = new Set<string>();

  constructor(intervalMs: () => number) {
    this.limiter = new RateLimiter(intervalMs);
  }

  async notify(flag: Flag, actions: { showDiff(id: string): Promise<void>; dismiss(id: string): Promise<void> }): Promise<void> {
    if (SEVERITY_RANK[flag.severity] < SEVERITY_RANK.warning || this.announced.has(flag.id)) return;
    this.announced.add(flag.id);
    const held = this.limiter.tryPass();
    if (held === null) return;
    const more = held > 0 ? ` (${held} more in the flags list)` : '';
    const text = `Agent Vitals: ${flag.kinds.join(', ')} in ${vscode.workspace.asRelativePath(flag.path)} — ${flag.reason}${more}`;
    const show = flag.severity === 'critical' ? vscode.window.showErrorMessage : vscode.window.showWarningMessage;
    const choice = await show(text, 'Show Diff', 'Dismiss');
    if (choice === 'Show Diff') await actions.showDiff(flag.id);
    else if (choice === 'Dismiss') await actions.dismiss(flag.id);
  }
}
