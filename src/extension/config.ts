// The one typed accessor for the model, reading and notification settings (declared in
// package.json). The watcher settings have their own accessor in src/watchers/settings.ts.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ModelDtype } from '../contracts/model-dtype';
import type { ExecutionProvider } from '../contracts/execution-provider';
import type { ReadingReference } from '../contracts/reading';
import { DEFAULT_READING_REFERENCE } from '../emotion/session-baseline';

export interface AgentVitalsConfig {
  modelId: string;
  /** Empty in untrusted workspaces: a workspace must not pick the model files. */
  modelLocalPath: string;
  dtype: ModelDtype;
  executionProvider: ExecutionProvider;
  cacheFolder: string;
  desperationWarning: number;
  /** Behavioural pressure at which the status bar turns to warning. */
  pressureWarning: number;
  risingSlope: number;
  readingReference: ReadingReference;
  emotionsShown: string[];
  smoothingTurns: number;
  notificationMinIntervalMs: number;
}

export const CONFIG_SECTION = 'agentVitals';
const DEFAULT_MODEL_ID = 'onnx-community/Qwen2.5-0.5B-Instruct';

/**
 * The model to load. In an untrusted folder only the user's own settings count: a model id may
 * also be a folder path, so a workspace value would otherwise pick the model files.
 */
function modelIdSetting(c: vscode.WorkspaceConfiguration): string {
  if (vscode.workspace.isTrusted) return c.get<string>('model.id', DEFAULT_MODEL_ID);
  return c.inspect<string>('model.id')?.globalValue ?? DEFAULT_MODEL_ID;
}

export function readConfig(globalStorage: vscode.Uri): AgentVitalsConfig {
  const c = vscode.workspace.getConfiguration(CONFIG_SECTION);
  const trusted = vscode.workspace.isTrusted;
  const get = <T>(key: string, fallback: T): T => c.get<T>(key, fallback);
  return {
    modelId: modelIdSetting(c),
    modelLocalPath: trusted ? get('model.localPath', '') : '',
    dtype: get<ModelDtype>('model.dtype', 'q8'),
    executionProvider: get<ExecutionProvider>('model.executionProvider', 'cpu'),
    cacheFolder: get('model.cacheFolder', '') || path.join(globalStorage.fsPath, 'models'),
    desperationWarning: get('thresholds.desperationWarning', 1.5),
    pressureWarning: get('thresholds.pressureWarning', 4),
    risingSlope: get('thresholds.risingSlope', 0.3),
    readingReference: get<string>('reading.reference', DEFAULT_READING_REFERENCE) === 'session' ? 'session' : 'neutral',
    emotionsShown: get<string[]>('emotions.shown', ['desperate', 'calm']),
    smoothingTurns: get('smoothing.turns', 3),
    notificationMinIntervalMs: get('notifications.minIntervalSeconds', 60) * 1000,
  };
}
