// Extension entry: kept thin so activation is cheap; a start-up failure is shown with a way to
// the log and a retry instead of a silent dead panel.
import * as vscode from 'vscode';
import { startAgentVitals } from './app';
import { SidecarExperimentBackend } from './experiments/backend';
import { registerExperimentCommands } from './experiments/commands';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Agent Vitals', { log: true });
  context.subscriptions.push(log);
  const start = (): void => {
    try {
      const host = startAgentVitals(context, log);
      registerExperimentCommands(context, log, new SidecarExperimentBackend(host));
    } catch (err) {
      const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
      log.error(`start-up failed: ${message}`);
      void vscode.window
        .showErrorMessage('Agent Vitals failed to start.', 'View Log', 'Retry')
        .then((choice) => (choice === 'View Log' ? log.show() : choice === 'Retry' ? start() : undefined));
    }
  };
  start();
}

export function deactivate(): void {}
