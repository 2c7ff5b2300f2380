// Where the panels' experiments run: in the window's model sidecar, through its `runExperiment`
// method, on the model the live scoring uses.
import type * as vscode from 'vscode';
import { Methods, type ExperimentProgressNotice } from '../../contracts/rpc-methods';
import type { ExperimentRequest, ExperimentResult } from '../../contracts/experiments';
import type { SidecarHost } from '../sidecar-host';

export interface ExperimentBackend extends vscode.Disposable {
  run(
    request: ExperimentRequest,
    onProgress: (p: ExperimentProgressNotice) => void,
    signal: AbortSignal,
  ): Promise<ExperimentResult>;
}

let runCounter = 0;

export class SidecarExperimentBackend implements ExperimentBackend {
  constructor(private readonly host: SidecarHost) {}

  async run(
    request: ExperimentRequest,
    onProgress: (p: ExperimentProgressNotice) => void,
    signal: AbortSignal,
  ): Promise<ExperimentResult> {
    const info = await this.host.ensureModel();
    if (!info) throw new Error('The model is not on this machine yet: run "Agent Vitals: Download Model" first.');
    const progressToken = `experiment-${++runCounter}`;
    const listener = (p: ExperimentProgressNotice) => p.progressToken === progressToken && onProgress(p);
    this.host.client.on('experimentProgress', listener);
    try {
      return await this.host.client.request(Methods.runExperiment, { ...request, progressToken }, signal);
    } finally {
      this.host.client.off('experimentProgress', listener);
    }
  }

  dispose(): void {}
}
