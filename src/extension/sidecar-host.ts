// The one model sidecar of this window: started on first need, restarted by its client when it
// dies, loading the configured model from the cache (downloading only when the user asks), and
// telling every view where scoring stands. Live scoring and the experiments share it.
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  Methods,
  type CalibrateResult,
  type CalibrationProgressNotice,
  type LoadProgress,
  type ModelInfo,
} from '../contracts/rpc-methods';
import { SidecarError } from '../contracts/rpc-errors';
import { SidecarClient, type DirectRequester } from '../sidecar-client/sidecar-client';
import type { ScoringStatus } from '../contracts/sidebar-protocol';
import type { ModelDtype } from '../contracts/model-dtype';
import type { ExecutionProvider } from '../contracts/execution-provider';
import type { AgentVitalsConfig } from './config';
import type { ModelLifecycle } from './integration/model-lifecycle';

/** The bundled demo model, used when the configured one cannot be had offline. */
export const DEMO_MODEL = 'fixture:emotion-tiny';

export interface ModelChoice {
  model: string;
  dtype: ModelDtype;
  executionProvider: ExecutionProvider;
  cacheDir: string;
}

export function modelChoice(config: AgentVitalsConfig): ModelChoice {
  return {
    model: config.modelLocalPath || config.modelId,
    dtype: config.dtype,
    executionProvider: config.executionProvider,
    cacheDir: config.cacheFolder,
  };
}

export class SidecarHost implements vscode.Disposable, ModelLifecycle {
  readonly client: SidecarClient;
  private statusValue: ScoringStatus;
  private readonly statusEmitter = new vscode.EventEmitter<ScoringStatus>();
  private readonly reloadEmitter = new vscode.EventEmitter<ModelInfo>();
  private loading?: { key: string; done: Promise<ModelInfo | null> };
  private infoValue?: ModelInfo;
  private demo = false;
  /** Aborts the calibration in progress, whichever view started it. */
  private calibration?: AbortController;

  /** Fires with every change of where scoring stands. */
  readonly onStatus = this.statusEmitter.event;
  /** Fires when a model (re)loaded: conversations held by the sidecar are gone. */
  readonly onReloaded = this.reloadEmitter.event;

  constructor(
    extensionPath: string,
    private readonly choice: () => ModelChoice,
    private readonly log: vscode.LogOutputChannel,
  ) {
    // Nothing runs until a turn needs scoring (or the user asks for a model step).
    this.statusValue = {
      kind: 'unavailable',
      reason: `The model sidecar starts when the first agent turn needs scoring (${choice().model}).`,
    };
    this.client = new SidecarClient({
      sidecarPath: path.join(extensionPath, 'dist', 'sidecar.js'),
      onRestarted: async (sidecar) => {
        this.loading = undefined;
        const info = await this.load(sidecar.request.bind(sidecar), false);
        if (info) this.reloadEmitter.fire(info);
      },
    });
    this.client.on('log', (line) => this.log.debug(`[sidecar] ${line.trimEnd()}`));
    this.client.on('crash', (c) =>
      this.log.warn(
        `sidecar crashed: ${c.reason}${c.restartInMs !== undefined ? `; restarting in ${c.restartInMs} ms` : ''}`,
      ),
    );
    this.client.on('gaveUp', (err) => this.setStatus({ kind: 'failed', reason: err.message }));
  }

  get status(): ScoringStatus {
    return this.statusValue;
  }

  get info(): ModelInfo | undefined {
    return this.infoValue;
  }

  /** The loaded model (with vectors or not), or null when it is not on this machine yet. */
  ensureModel(): Promise<ModelInfo | null> {
    const key = JSON.stringify(this.choice());
    if (this.loading?.key !== key) {
      const done = this.client
        .start()
        .then(() => this.load((type, params) => this.client.request(type, params), false));
      this.loading = { key, done };
      done.catch((err: unknown) => {
        if (this.loading?.done === done) this.loading = undefined;
        this.setStatus({ kind: 'failed', reason: err instanceof Error ? err.message : String(err) });
      });
    }
    return this.loading.done;
  }

  /** Downloads the configured model (the only network use, and only on the user's request). */
  async download(signal?: AbortSignal): Promise<ModelInfo | null> {
    await this.client.start();
    const key = JSON.stringify(this.choice());
    const done = this.load((type, params) => this.client.request(type, params, signal), true);
    this.loading = { key, done };
    return done;
  }

  /** Cancels the calibration in progress (the panel's Cancel button); false when none runs. */
  cancelCalibration(): boolean {
    if (!this.calibration || this.calibration.signal.aborted) return false;
    this.calibration.abort();
    return true;
  }

  async calibrate(signal: AbortSignal, onProgress: (p: CalibrationProgressNotice) => void): Promise<CalibrateResult> {
    const cancel = new AbortController();
    this.calibration = cancel;
    try {
      return await this.runCalibration(AbortSignal.any([signal, cancel.signal]), onProgress);
    } finally {
      if (this.calibration === cancel) this.calibration = undefined;
    }
  }

  private async runCalibration(
    signal: AbortSignal,
    onProgress: (p: CalibrationProgressNotice) => void,
  ): Promise<CalibrateResult> {
    const info = await this.ensureModel();
    if (!info)
      throw new Error(`${this.choice().model} is not downloaded yet: run "Agent Vitals: Download Model" first.`);
    const progressToken = `calibrate-${Date.now()}`;
    const listener = (p: CalibrationProgressNotice) => {
      if (p.progressToken !== progressToken) return;
      onProgress(p);
      if (p.phase !== 'reload')
        this.setStatus({ kind: 'calibrating', modelId: info.model, done: p.done, total: p.total, phase: p.phase });
    };
    this.client.on('calibrationProgress', listener);
    try {
      const result = await this.client.request(Methods.calibrate, { progressToken }, signal);
      const status = await this.client.request(Methods.status);
      if (status.model) {
        this.infoValue = status.model;
        this.setStatus(this.readyStatus(status.model));
        this.reloadEmitter.fire(status.model);
      }
      return result;
    } catch (err) {
      this.setStatus(this.infoValue ? this.readyStatus(this.infoValue) : { kind: 'failed', reason: String(err) });
      throw err;
    } finally {
      this.client.off('calibrationProgress', listener);
    }
  }

  async restart(): Promise<void> {
    await this.client.stop();
    this.loading = undefined;
    this.infoValue = undefined;
    const info = await this.ensureModel();
    if (info) this.reloadEmitter.fire(info);
  }

  private async load(request: DirectRequester['request'], online: boolean): Promise<ModelInfo | null> {
    const choice = this.choice();
    this.setStatus({ kind: 'starting', modelId: choice.model });
    const onProgress = (p: LoadProgress) => {
      if (p.phase === 'download')
        this.setStatus({
          kind: 'downloading',
          modelId: choice.model,
          received: p.loadedBytes ?? 0,
          total: p.totalBytes ?? null,
          ...(p.retry ? { retry: p.retry } : {}),
        });
    };
    this.client.on('loadProgress', onProgress);
    try {
      let info: ModelInfo;
      try {
        info = await request(Methods.loadModel, {
          model: choice.model,
          dtype: choice.dtype,
          executionProvider: choice.executionProvider,
          cacheDir: choice.cacheDir,
          offline: !online,
        });
        this.demo = false;
      } catch (err) {
        if (
          !(err instanceof SidecarError) ||
          (err.kind !== 'offline-missing' && err.kind !== 'model-not-found') ||
          online
        )
          throw err;
        this.log.info(`${choice.model} is not on this machine (${err.message})`);
        this.setStatus({ kind: 'no-model', modelId: choice.model, sizeLabel: null });
        return null;
      }
      this.infoValue = info;
      if (info.vectorsProblem) this.log.warn(info.vectorsProblem);
      this.setStatus(this.readyStatus(info));
      return info;
    } finally {
      this.client.off('loadProgress', onProgress);
    }
  }

  private readyStatus(info: ModelInfo): ScoringStatus {
    if (!info.vectors) return { kind: 'uncalibrated', modelId: info.model };
    return {
      kind: 'ready',
      modelId: info.model,
      layer: info.vectors.layer,
      demo: this.demo || info.model === DEMO_MODEL,
      live: info.vectors.live,
    };
  }

  private setStatus(status: ScoringStatus): void {
    this.statusValue = status;
    this.statusEmitter.fire(status);
  }

  dispose(): void {
    void this.client.stop();
    this.statusEmitter.dispose();
    this.reloadEmitter.dispose();
  }
}
