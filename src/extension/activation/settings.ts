// The extension's settings as last read, re-read when they change, and the views of them each
// part takes: the store's settings, the tamper rules' severity, the watchers' settings.
import * as vscode from 'vscode';
import type { WatchInfo } from '../../contracts/sidebar-protocol';
import { readSeveritySettings } from '../../tamper/settings';
import { readWatcherSettings, watchList, type WatcherSettings } from '../../watchers/settings';
import { CONFIG_SECTION, readConfig, type AgentVitalsConfig } from '../config';
import { modelChoice } from '../sidecar-host';
import type { StoreSettings } from '../state/vitals-store';

export class ExtensionSettings implements vscode.Disposable {
  private config: AgentVitalsConfig;
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly listener: vscode.Disposable;
  /** Fires after a change to the extension's settings was read. */
  readonly onDidChange = this.changed.event;

  constructor(globalStorage: vscode.Uri) {
    this.config = readConfig(globalStorage);
    this.listener = vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(CONFIG_SECTION)) return;
      this.config = readConfig(globalStorage);
      this.changed.fire();
    });
  }

  get current(): AgentVitalsConfig {
    return this.config;
  }

  store(): StoreSettings {
    const c = this.config;
    return {
      model: modelChoice(c).model,
      emotionsShown: c.emotionsShown,
      smoothingTurns: c.smoothingTurns,
      risingSlope: c.risingSlope,
      reference: c.readingReference,
      pressure: this.severity().settings,
    };
  }

  severity(): ReturnType<typeof readSeveritySettings> {
    return readSeveritySettings((key) => vscode.workspace.getConfiguration().get(key));
  }

  watchers(): WatcherSettings {
    const config = vscode.workspace.getConfiguration(CONFIG_SECTION);
    return readWatcherSettings((key) => config.get(key));
  }

  watchInfo(): WatchInfo[] {
    return watchList(this.watchers());
  }

  dispose(): void {
    this.listener.dispose();
    this.changed.dispose();
  }
}
