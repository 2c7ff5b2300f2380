// Scoring: the model sidecar's host (started when a turn first needs scoring) and the score
// source that sends it each session's turns.
import * as vscode from 'vscode';
import type { ScoreSource } from '../integration/parts';
import { SidecarScoreSource } from '../integration/sidecar-score-source';
import { modelChoice, SidecarHost } from '../sidecar-host';
import type { ExtensionSettings } from './settings';

export interface Scoring {
  host: SidecarHost;
  scoreSource: ScoreSource;
}

export function activateScoring(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
  settings: ExtensionSettings,
): Scoring {
  const host = new SidecarHost(context.extensionPath, () => modelChoice(settings.current), log);
  const scoreSource: ScoreSource = new SidecarScoreSource(host, log);
  context.subscriptions.push(host, scoreSource);
  void vscode.commands.executeCommand('setContext', 'agentVitals.scoringAvailable', true);
  return { host, scoreSource };
}
