// The single status bar item: short reading, Markdown tooltip (with where telemetry goes, while it
// is exported), click focuses the sidebar.
import * as vscode from 'vscode';
import { statusReading, type StatusThresholds } from './state/status-reading';
import type { VitalsStore } from './state/vitals-store';
import type { TelemetryExport } from './telemetry';

export class VitalsStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('agentVitals.status', vscode.StatusBarAlignment.Left, 50);
  private readonly sub: { dispose(): void };

  constructor(
    private readonly store: VitalsStore,
    private thresholds: () => StatusThresholds,
    private readonly telemetry: Pick<TelemetryExport, 'describe' | 'onDidChange'>,
  ) {
    this.item.name = 'Agent Vitals';
    this.item.command = 'agentVitals.sidebar.focus';
    const subs = [store.onDidChange(() => this.update()), telemetry.onDidChange(() => this.update())];
    this.sub = { dispose: () => subs.forEach((s) => s.dispose()) };
    this.update();
    this.item.show();
  }

  update(): void {
    const r = statusReading(this.store.snapshot(), this.thresholds(), this.telemetry.describe());
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
