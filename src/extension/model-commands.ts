// Select Model…, Download Model and Calibrate Emotion Vectors: the user's explicit steps from
// "no model" to "scoring", each with progress and cancellation.
import * as vscode from 'vscode';
import { SidecarError } from '../contracts/rpc-errors';
import { CONFIG_SECTION } from './config';
import { downloadedPercent, downloadMessage } from './download-message';
import type { SidecarHost } from './sidecar-host';

type Register = (id: string, run: (...args: unknown[]) => unknown) => void;

/** Models the reader is tested with (README: tested families). */
const KNOWN_MODELS = [
  { id: 'onnx-community/Qwen2.5-0.5B-Instruct', detail: 'default · Qwen2.5 0.5B instruct' },
  { id: 'HuggingFaceTB/SmolLM2-360M-Instruct', detail: 'SmolLM2 360M instruct (Llama family)' },
  {
    id: 'fixture:emotion-tiny',
    detail: 'bundled demo model: tiny, trained on the corpus only — for trying the product offline',
  },
];

export function registerModelCommands(register: Register, host: SidecarHost, log: vscode.LogOutputChannel): void {
  register('agentVitals.selectModel', async () => {
    type Item = vscode.QuickPickItem & { id?: string; folder?: boolean };
    const items: Item[] = [
      ...KNOWN_MODELS.map((m) => ({ label: m.id, detail: m.detail, id: m.id })),
      {
        label: '$(folder) Local model folder…',
        detail: 'a folder laid out like a hub repo (config.json, tokenizer, onnx/)',
        folder: true,
      },
    ];
    const picked = await vscode.window.showQuickPick(items, {
      placeHolder: 'Which open model should read the agent’s turns?',
    });
    if (!picked) return;
    const config = vscode.workspace.getConfiguration(CONFIG_SECTION);
    if (picked.folder) {
      const folder = await vscode.window.showOpenDialog({
        canSelectFolders: true,
        canSelectFiles: false,
        openLabel: 'Use this model',
      });
      if (!folder?.[0]) return;
      await config.update('model.localPath', folder[0].fsPath, vscode.ConfigurationTarget.Global);
    } else {
      await config.update('model.localPath', '', vscode.ConfigurationTarget.Global);
      await config.update('model.id', picked.id, vscode.ConfigurationTarget.Global);
    }
    await host.restart();
  });

  register('agentVitals.downloadModel', () =>
    vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: 'Agent Vitals: downloading the model',
        cancellable: true,
      },
      async (progress, token) => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        let last = 0;
        const sub = host.onStatus((s) => {
          if (s.kind !== 'downloading') return;
          const message = downloadMessage(s);
          if (message === null) return;
          const pct = downloadedPercent(s) ?? last;
          progress.report({ message, increment: pct - last });
          last = pct;
        });
        try {
          const info = await host.download(controller.signal);
          if (info && !info.vectors) void offerCalibration(info.model);
        } finally {
          sub.dispose();
        }
      },
    ),
  );

  register('agentVitals.calibrate', () =>
    vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: 'Agent Vitals: calibrating emotion vectors',
        cancellable: true,
      },
      async (progress, token) => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        const phases = {
          stories: 'reading stories',
          neutral: 'reading neutral dialogues',
          vectors: 'computing vectors',
          reload: 'reloading the model',
        };
        let result;
        try {
          result = await host.calibrate(controller.signal, (p) =>
            progress.report({ message: `${phases[p.phase]} ${p.done}/${p.total}` }),
          );
        } catch (err) {
          // Cancelled from the notification or the panel: the user knows, nothing failed.
          if (err instanceof SidecarError && err.kind === 'cancelled') return log.info('calibration cancelled');
          throw err;
        }
        log.info(`calibrated in ${result.seconds.toFixed(0)} s: ${result.vectors.layerReason}`);
        void vscode.window
          .showInformationMessage(`Agent Vitals: calibrated (${result.vectors.layerReason}).`, 'Run Report Card')
          .then((c) => {
            if (c) void vscode.commands.executeCommand('agentVitals.runReportCard');
          });
      },
    ),
  );
}

async function offerCalibration(model: string): Promise<void> {
  const choice = await vscode.window.showInformationMessage(
    `Agent Vitals: ${model} is ready. Calibrate its emotion vectors now? It reads the story corpus through the model once, on this machine.`,
    'Calibrate',
  );
  if (choice) await vscode.commands.executeCommand('agentVitals.calibrate');
}
