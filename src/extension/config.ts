// The one typed accessor for the reading and notification settings (declared in package.json).
// The model settings are read by modelChoiceFromSettings (experiments/backend.ts), the watcher
// settings by src/watchers/settings.ts.
import * as vscode from 'vscode';

export interface AgentVitalsConfig {
  desperationWarning: number;
  risingSlope: number;
  emotionsShown: string[];
  smoothingTurns: number;
  notificationMinIntervalMs: number;
}

export const CONFIG_SECTION = 'agentVitals';

export function readConfig(): AgentVitalsConfig {
  const c = vscode.workspace.getConfiguration(CONFIG_SECTION);
  const get = <T>(key: string, fallback: T): T => c.get<T>(key, fallback);
  return {
    desperationWarning: get('thresholds.desperationWarning', 1.5),
    risingSlope: get('thresholds.risingSlope', 0.3),
    emotionsShown: get<string[]>('emotions.shown', ['desperate', 'calm']),
    smoothingTurns: get('smoothing.turns', 3),
    notificationMinIntervalMs: get('notifications.minIntervalSeconds', 60) * 1000,
  };
}
