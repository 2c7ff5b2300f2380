// The views: the sidebar (opening it starts watching) with its messages routed, and the status bar
// (which also says where telemetry goes).
import * as vscode from 'vscode';
import type { FlagActions } from '../flags/flag-actions';
import { setSteering, startSteeringControl } from '../serve-steering';
import { sidebarMessageRouter } from '../sidebar-messages';
import type { SidecarHost } from '../sidecar-host';
import { SIDEBAR_VIEW_ID, SidebarViewProvider } from '../sidebar-view';
import type { VitalsStore } from '../state/vitals-store';
import { VitalsStatusBar } from '../status-bar';
import type { ExtensionSettings } from './settings';
import type { Watching } from './watching';
import type { TelemetryExport } from '../telemetry';

export interface SidebarParts {
  settings: ExtensionSettings;
  store: VitalsStore;
  actions: FlagActions;
  host: SidecarHost;
  watching: Watching;
  telemetry: Pick<TelemetryExport, 'describe' | 'onDidChange'>;
}

export function activateSidebar(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
  { settings, store, actions, host, watching, telemetry }: SidebarParts,
): void {
  const sidebar = new SidebarViewProvider(
    context.extensionUri,
    store,
    sidebarMessageRouter({ store, actions, host, log, steer: setSteering }),
    log,
  );
  context.subscriptions.push(
    sidebar,
    startSteeringControl(log, (setting) => store.setSteering(setting)),
    vscode.window.registerWebviewViewProvider(SIDEBAR_VIEW_ID, {
      resolveWebviewView: (view) => {
        watching.start('the panel opened');
        sidebar.resolveWebviewView(view);
      },
    }),
    new VitalsStatusBar(
      store,
      () => ({
        desperationWarning: settings.current.desperationWarning,
        pressureWarning: settings.current.pressureWarning,
      }),
      telemetry,
    ),
  );
}
