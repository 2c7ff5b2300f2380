// The state every view shows: the store, fed by the score source and the settings, with its
// timelines and the watchers' read positions kept across reloads in workspace storage.
import * as vscode from 'vscode';
import type { ScoreSource } from '../integration/parts';
import { HostState } from '../state/host-state';
import { VitalsStore } from '../state/vitals-store';
import type { ExtensionSettings } from './settings';

export interface VitalsState {
  store: VitalsStore;
  hostState: HostState;
}

export function activateState(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
  settings: ExtensionSettings,
  scoreSource: ScoreSource,
): VitalsState {
  const store = new VitalsStore(settings.store(), scoreSource.status());
  const hostState = new HostState(context.workspaceState, store);
  if (hostState.skippedOnRestore > 0)
    log.warn(`restored timelines: ${hostState.skippedOnRestore} saved entr(ies) could not be read and were left out`);
  store.setWatching(settings.watchInfo());
  // Views and menus that need a session show once the first one arrives.
  let hasSessions = false;
  context.subscriptions.push(
    hostState,
    scoreSource.onStatus((s) => store.setScoring(s)),
    scoreSource.onScore((key, turnId, score) => store.setTurnScore(key, turnId, score)),
    settings.onDidChange(() => {
      store.updateSettings(settings.store());
      store.setWatching(settings.watchInfo());
    }),
    store.onDidChange(() => {
      if (hasSessions === store.sessionKeys().length > 0) return;
      hasSessions = !hasSessions;
      void vscode.commands.executeCommand('setContext', 'agentVitals.hasSessions', hasSessions);
    }),
  );
  return { store, hostState };
}
