// Extension entry: kept thin so activation is cheap; features register from their own modules.
import * as vscode from 'vscode';
import { registerExperimentCommands } from './experiments/commands';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Agent Vitals', { log: true });
  context.subscriptions.push(
    log,
    vscode.commands.registerCommand('agentVitals.openLog', () => log.show()),
  );
  registerExperimentCommands(context, log);
  log.info('Agent Vitals activated');
}

export function deactivate(): void {}
