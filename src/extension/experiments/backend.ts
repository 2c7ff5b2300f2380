// Where the panels' experiments run: in the model sidecar, through its `runExperiment` method.
// The backend starts its own sidecar client on first use and loads the configured model once.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { modelIdSetting } from '../config';
import { Methods, type ExperimentProgressNotice } from '../../protocol/methods';
import type { ExperimentName, ExperimentResult } from '../../experiments/results';
import { SidecarClient } from '../../sidecar-client/sidecar-client';

export interface ExperimentBackend extends vscode.Disposable {
  run(name: ExperimentName, params: Record<string, unknown>, onProgress: (p: ExperimentProgressNotice) => void, signal: AbortSignal): Promise<ExperimentResult>;
}

/** The model the experiments load: the `agentVitals.model.*` settings. */
export interface ExperimentModelChoice {
  model: string;
  dtype: 'fp32' | 'fp16' | 'q8' | 'q4';
  cacheDir: string;
}

export function modelChoiceFromSettings(globalStorage: vscode.Uri): ExperimentModelChoice {
  const c = vscode.workspace.getConfiguration('agentVitals.model');
  // A workspace must not pick model files in an untrusted folder.
  const local = vscode.workspace.isTrusted ? c.get<string>('localPath', '') : '';
  const dtype = c.get<string>('dtype', 'q8');
  return {
    model: local || modelIdSetting(c, 'id'),
    dtype: dtype === 'fp32' || dtype === 'fp16' || dtype === 'q4' ? dtype : 'q8',
    cacheDir: c.get<string>('cacheFolder', '') || path.join(globalStorage.fsPath, 'models'),
  };
}

let runCounter = 0;

export class SidecarExperimentBackend implements ExperimentBackend {
  private client?: SidecarClient;
  private loaded?: { key: string; done: Promise<unknown> };

  constructor(
    private readonly sidecarPath: string,
    private readonly choice: () => ExperimentModelChoice,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  async run(name: ExperimentName, params: Record<string, unknown>, onProgress: (p: ExperimentProgressNotice) => void, signal: AbortSignal): Promise<ExperimentResult> {
    const client = (this.client ??= this.startClient());
    await this.ensureModel(client, signal);
    const progressToken = `experiment-${++runCounter}`;
    const listener = (p: ExperimentProgressNotice) => p.progressToken === progressToken && onProgress(p);
    client.on('experimentProgress', listener);
    try {
      return await client.request(Methods.runExperiment, { name, params, progressToken }, signal);
    } finally {
      client.off('experimentProgress', listener);
    }
  }

  private startClient(): SidecarClient {
    const client = new SidecarClient({ sidecarPath: this.sidecarPath });
    client.on('log', (line) => this.log.debug(`[experiments sidecar] ${line.trimEnd()}`));
    return client;
  }

  private async ensureModel(client: SidecarClient, signal: AbortSignal): Promise<void> {
    const choice = this.choice();
    const key = JSON.stringify(choice);
    if (this.loaded?.key !== key) {
      this.log.info(`experiments: loading ${choice.model} (${choice.dtype})`);
      const done = client.request(Methods.loadModel, { model: choice.model, dtype: choice.dtype, cacheDir: choice.cacheDir }, signal);
      this.loaded = { key, done };
      done.catch(() => {
        if (this.loaded?.done === done) this.loaded = undefined;
      });
    }
    await this.loaded!.done;
  }

  dispose(): void {
    void this.client?.stop();
    this.client = undefined;
  }
}
