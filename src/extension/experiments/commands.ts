// The "Agent Vitals: Experiment — …" commands: each opens an experiment panel in an editor tab.
import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import type { ExperimentRequest } from '../../contracts/experiments';
import type { PanelInit } from '../../contracts/experiment-panel-protocol';
import type { ExperimentBackend } from './backend';
import { ExperimentPanel } from './experiment-panel';

/** Largest file the Score File command reads (the model's context is far smaller anyway). */
const MAX_SCORE_BYTES = 512 * 1024;

export function registerExperimentCommands(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
  runner: ExperimentBackend,
): void {
  const panels = new Set<ExperimentPanel>();
  const open = (title: string, request: ExperimentRequest, autoRun = false): void => {
    const init: PanelInit = { title: `Experiment — ${title}`, request, autoRun };
    const panel: ExperimentPanel = new ExperimentPanel(context.extensionUri, runner, init, log, () =>
      panels.delete(panel),
    );
    panels.add(panel);
  };
  const register = (id: string, run: (...args: unknown[]) => unknown): void => {
    context.subscriptions.push(
      vscode.commands.registerCommand(`agentVitals.experiment.${id}`, async (...args: unknown[]) => {
        try {
          await run(...args);
        } catch (err) {
          log.error(`agentVitals.experiment.${id}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
          void vscode.window.showErrorMessage(`Agent Vitals: ${err instanceof Error ? err.message : String(err)}`);
        }
      }),
    );
  };

  register('scoreSelection', () => {
    const editor = vscode.window.activeTextEditor;
    if (!editor)
      return vscode.window.showInformationMessage(
        'Agent Vitals: open a file and select the text to score (or use Score File…).',
      );
    const selection = editor.selection.isEmpty ? undefined : editor.selection;
    const text = editor.document.getText(selection);
    if (!text.trim()) return vscode.window.showInformationMessage('Agent Vitals: the selection is empty.');
    const source = `${vscode.workspace.asRelativePath(editor.document.uri)}${selection ? `:${selection.start.line + 1}-${selection.end.line + 1}` : ''}`;
    open('Score Selection', { name: 'score', params: { text, source } }, true);
  });
  register('scoreFile', async (arg) => {
    const uri =
      arg instanceof vscode.Uri
        ? arg
        : (await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Score' }))?.[0];
    if (!uri) return;
    const bytes = await readFile(uri.fsPath);
    if (bytes.length > MAX_SCORE_BYTES)
      throw new Error(
        `${vscode.workspace.asRelativePath(uri)} is larger than ${MAX_SCORE_BYTES / 1024} KB; select a part of it and use Score Selection.`,
      );
    open(
      'Score File',
      { name: 'score', params: { text: bytes.toString('utf8'), source: vscode.workspace.asRelativePath(uri) } },
      true,
    );
  });
  register('replay', async (arg) => {
    const uri =
      arg instanceof vscode.Uri
        ? arg
        : (
            await vscode.window.showOpenDialog({
              canSelectMany: false,
              openLabel: 'Replay',
              filters: { Transcripts: ['jsonl', 'json', 'md'] },
            })
          )?.[0];
    if (!uri) return;
    open('Replay Transcript', { name: 'replay', params: { file: uri.fsPath, delayMs: 0 } });
  });
  register('promptTone', () => open('Prompt Tone', { name: 'tone' }));
  register('failureStreak', () => open('Failure Streak', { name: 'streak' }));
  register('steering', () => open('Steering', { name: 'steer' }));
  register('reportCard', () => open('Report Card', { name: 'report-card' }));

  context.subscriptions.push({
    dispose: () => {
      for (const p of [...panels]) p.dispose();
      runner.dispose();
    },
  });
}
