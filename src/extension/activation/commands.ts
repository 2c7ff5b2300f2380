// The commands: each starts watching if it is not running yet, and a failure is logged and shown.
import * as vscode from 'vscode';
import type { FlagActions } from '../flags/flag-actions';
import type { ScoreSource } from '../integration/parts';
import { registerModelCommands } from '../model-commands';
import { replayTranscript } from '../replay';
import { reportError } from '../report-error';
import { pickSession } from '../session-picker';
import type { SidecarHost } from '../sidecar-host';
import { SIDEBAR_VIEW_ID } from '../sidebar-view';
import type { VitalsStore } from '../state/vitals-store';
import type { Watching } from './watching';

export interface CommandTargets {
  store: VitalsStore;
  actions: FlagActions;
  host: SidecarHost;
  scoreSource: ScoreSource;
  watching: Watching;
}

export function activateCommands(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
  { store, actions, host, scoreSource, watching }: CommandTargets,
): void {
  const register = (id: string, run: (...args: unknown[]) => unknown): void => {
    context.subscriptions.push(
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        watching.start(`${id} ran`);
        try {
          await run(...args);
        } catch (err) {
          reportError(log, id, err);
        }
      }),
    );
  };
  register('agentVitals.openLog', () => log.show());
  register('agentVitals.showFlags', () => vscode.commands.executeCommand(`${SIDEBAR_VIEW_ID}.focus`));
  register('agentVitals.followSession', () => pickSession(store));
  register('agentVitals.replayTranscript', (arg) =>
    replayTranscript(arg instanceof vscode.Uri ? arg : undefined, watching.ingest, (key) => store.endSession(key), log),
  );
  register('agentVitals.showFlagDiff', (id) => typeof id === 'string' && actions.showDiff(id));
  register('agentVitals.dismissFlag', (id) => typeof id === 'string' && actions.perform(id, 'dismiss'));
  registerModelCommands(register, host, log);
  register('agentVitals.runReportCard', () => vscode.commands.executeCommand('agentVitals.experiment.reportCard'));
  register('agentVitals.scoreSelection', () => vscode.commands.executeCommand('agentVitals.experiment.scoreSelection'));
  register('agentVitals.restartSidecar', () => scoreSource.restart());
}
