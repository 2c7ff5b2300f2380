// The single status bar item: short reading, Markdown tooltip, click focuses the sidebar.
import * as vscode from 'vscode';
import { statusReading, type StatusThresholds } from './state/status-reading';
import type { VitalsStore } from './state/vitals-store';

export class VitalsStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('agentVitals.status', vscode.StatusBarAlignment.Left, 50);
  private readonly sub: { dispose(): void };

  constructor(
    private readonly store: VitalsStore,
    private thresholds: () => StatusThresholds,
  ) {
    this.item.name = 'Agent Vitals';
    this.item.command = 'agentVitals.sidebar.focus';
    this.sub = store.onDidChange(() => this.update());
    this.update();
    this.item.show();
  }

  update(): void {
    const r = statusReading(this.store.snapshot(), this.thresholds());
    this.item.text = r.text;
    const md = new vscode.MarkdownString(r.tooltip, true);
    this.item.tooltip = md;
    this.item.backgroundColor =
      r.background === 'none' ? undefined : new vscode.ThemeColor(`statusBarItem.${r.background}Background`);
  }

  dispose(): void {
    this.sub.dispose();
    this.item.dispose();
  }
}
