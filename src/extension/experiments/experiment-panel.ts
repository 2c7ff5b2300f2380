// One experiment in an editor tab: the panel collects parameters, the host runs the experiment
// in the sidecar with progress (notification and in-panel) and cancellation, and posts the
// result back. Replay results can be saved as HTML, CSV or JSON.
import { writeFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import type { ExperimentRequest, ExperimentResult } from '../../contracts/experiments';
import { exportReplay } from '../../experiments/replay-export';
import { SidecarError } from '../../contracts/rpc-errors';
import {
  parseExperimentPanelViewMessage,
  type ExperimentPanelHostMessage,
  type ExperimentPanelViewMessage,
  type PanelInit,
  type ReplayExportFormat,
} from '../../contracts/experiment-panel-protocol';
import type { ExperimentBackend } from './backend';
import { webviewPage, webviewResourceRoots } from '../webview-content';

export const EXPERIMENT_PANEL_TYPE = 'agentVitals.experiment';

export class ExperimentPanel implements vscode.Disposable {
  private readonly panel: vscode.WebviewPanel;
  private readonly subs: vscode.Disposable[] = [];
  private ready = false;
  private running?: AbortController;
  private lastResult?: ExperimentResult;
  private disposed = false;

  constructor(
    extensionUri: vscode.Uri,
    private readonly backend: ExperimentBackend,
    private init: PanelInit,
    private readonly log: vscode.LogOutputChannel,
    private readonly onClosed: () => void = () => {},
  ) {
    this.panel = vscode.window.createWebviewPanel(EXPERIMENT_PANEL_TYPE, init.title, vscode.ViewColumn.Active, {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: webviewResourceRoots(extensionUri),
    });
    const webview = this.panel.webview;
    webview.html = webviewPage(
      webview,
      extensionUri,
      { script: 'experiments.js', style: 'experiments.css' },
      init.title,
    );
    this.subs.push(
      webview.onDidReceiveMessage((raw: unknown) => {
        const m = parseExperimentPanelViewMessage(raw);
        if (m) this.onMessage(m);
        else this.log.warn(`${init.title}: ignored a malformed message from the panel`);
      }),
      this.panel.onDidDispose(() => this.dispose()),
    );
  }

  private post(message: ExperimentPanelHostMessage): void {
    if (this.ready) void this.panel.webview.postMessage(message);
  }

  private onMessage(m: ExperimentPanelViewMessage): void {
    switch (m.type) {
      case 'ready':
        this.ready = true;
        this.post({ type: 'init', init: this.init });
        if (this.lastResult) this.post({ type: 'result', result: this.lastResult });
        else if (this.init.autoRun) void this.run(this.init.request);
        return;
      case 'run':
        // A panel runs only the experiment it was opened for.
        if (m.request.name === this.init.request.name) void this.run(m.request);
        else this.log.warn(`${this.init.title}: ignored a request for another experiment (${m.request.name})`);
        return;
      case 'cancel':
        this.running?.abort();
        return;
      case 'export':
        void this.export(m.format).catch(
          (err: unknown) => void vscode.window.showErrorMessage(`Agent Vitals: export failed: ${String(err)}`),
        );
        return;
    }
  }

  private async run(request: ExperimentRequest): Promise<void> {
    if (this.running) return;
    const controller = new AbortController();
    this.running = controller;
    this.init = { ...this.init, request, autoRun: false };
    this.post({ type: 'started' });
    try {
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: this.init.title, cancellable: true },
        async (progress, token) => {
          token.onCancellationRequested(() => controller.abort());
          let reported = 0;
          return this.backend.run(
            request,
            (p) => {
              const percent = p.total > 0 ? (100 * p.done) / p.total : 0;
              progress.report({ message: p.message, increment: Math.max(0, percent - reported) });
              reported = Math.max(reported, percent);
              this.post({ type: 'progress', done: p.done, total: p.total, message: p.message, partial: p.partial });
            },
            controller.signal,
          );
        },
      );
      this.lastResult = result;
      this.post({ type: 'result', result });
    } catch (err) {
      if (controller.signal.aborted || (err instanceof SidecarError && err.kind === 'cancelled')) {
        this.post({ type: 'cancelled' });
      } else {
        const message = describeError(err);
        this.log.error(`${this.init.title}: ${message}`);
        this.post({ type: 'error', message });
      }
    } finally {
      this.running = undefined;
    }
  }

  private async export(format: ReplayExportFormat): Promise<void> {
    const result = this.lastResult;
    if (result?.experiment !== 'replay') return;
    const target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.file(`replay-${result.sessionId}.${format}`),
      filters: { [format.toUpperCase()]: [format] },
    });
    if (!target) return;
    await writeFile(target.fsPath, exportReplay(result, format));
    void vscode.window.showInformationMessage(
      `Agent Vitals: replay saved to ${vscode.workspace.asRelativePath(target)}.`,
    );
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.running?.abort();
    for (const s of this.subs.splice(0)) s.dispose();
    this.panel.dispose();
    this.onClosed();
  }
}

/** What the user reads when an experiment fails, with the next step where there is one. */
function describeError(err: unknown): string {
  if (err instanceof SidecarError) {
    if (err.kind === 'vectors-missing') return `${err.message} (or run Agent Vitals: Calibrate Emotion Vectors).`;
    if (err.kind === 'offline-missing' || err.kind === 'model-not-found')
      return `${err.message} Run Agent Vitals: Download Model or choose a local model folder.`;
    return err.message;
  }
  return err instanceof Error ? err.message : String(err);
}
