// Translates VS Code's terminal, task, document and file-system events into WorkspaceActivity
// calls. No logic lives here beyond reading what VS Code hands over.
import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import type { AgentEvent } from '../core/events';
import type { TestPathMatcher } from '../testpaths/matcher';
import { WorkspaceActivity } from '../watchers/workspace-activity';

/** Terminal output kept per execution; longer output keeps its end, where summaries are. */
const MAX_TERMINAL_OUTPUT = 512 * 1024;

function inFolder(folder: vscode.WorkspaceFolder, uri: vscode.Uri): boolean {
  return uri.scheme === 'file' && vscode.workspace.getWorkspaceFolder(uri)?.uri.toString() === folder.uri.toString();
}

function taskCommand(task: vscode.Task): string | undefined {
  const execution = task.execution;
  if (execution instanceof vscode.ShellExecution) {
    const command = typeof execution.command === 'string' ? execution.command : execution.command?.value;
    const args = (execution.args ?? []).map((a) => (typeof a === 'string' ? a : a.value));
    return execution.commandLine ?? [command, ...args].filter((p) => p).join(' ');
  }
  if (execution instanceof vscode.ProcessExecution) return [execution.process, ...execution.args].join(' ');
  return undefined;
}

export function watchWorkspaceActivity(
  folder: vscode.WorkspaceFolder,
  sink: (event: AgentEvent) => void,
  testPaths?: TestPathMatcher,
): vscode.Disposable {
  const activity = new WorkspaceActivity({
    workspaceRoot: folder.uri.fsPath,
    sink,
    sessionId: `vscode-${folder.name}`,
    ...(testPaths ? { testPaths } : {}),
  });
  const outputs = new Map<vscode.TerminalShellExecution, Promise<string>>();
  let executions = 0;
  const readAll = async (execution: vscode.TerminalShellExecution): Promise<string> => {
    let text = '';
    for await (const chunk of execution.read()) {
      text += chunk;
      if (text.length > MAX_TERMINAL_OUTPUT * 2) text = text.slice(-MAX_TERMINAL_OUTPUT);
    }
    return text.slice(-MAX_TERMINAL_OUTPUT);
  };
  const startedAt = new Map<vscode.TerminalShellExecution, Date>();
  const written = (uri: vscode.Uri, created: boolean) => {
    if (!inFolder(folder, uri)) return;
    readFile(uri.fsPath, 'utf8').then(
      (text) => activity.fileWritten(uri.fsPath, text, created),
      () => undefined, // gone again or unreadable: nothing to record
    );
  };

  for (const doc of vscode.workspace.textDocuments) {
    if (inFolder(folder, doc.uri)) activity.documentOpened(doc.uri.fsPath, doc.getText());
  }
  const fsWatcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '**/*'));
  return vscode.Disposable.from(
    vscode.workspace.onDidOpenTextDocument((doc) => {
      if (inFolder(folder, doc.uri)) activity.documentOpened(doc.uri.fsPath, doc.getText());
    }),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length > 0 && inFolder(folder, e.document.uri))
        activity.documentChanged(e.document.uri.fsPath, e.document.getText());
    }),
    vscode.workspace.onDidSaveTextDocument((doc) => {
      if (inFolder(folder, doc.uri)) activity.documentSaved(doc.uri.fsPath);
    }),
    fsWatcher,
    fsWatcher.onDidCreate((uri) => written(uri, true)),
    fsWatcher.onDidChange((uri) => written(uri, false)),
    fsWatcher.onDidDelete((uri) => {
      if (inFolder(folder, uri)) void activity.fileDeleted(uri.fsPath);
    }),
    vscode.window.onDidStartTerminalShellExecution((e) => {
      // The stream must be read from the start event, or early output is lost.
      startedAt.set(e.execution, new Date());
      outputs.set(e.execution, readAll(e.execution));
    }),
    vscode.window.onDidEndTerminalShellExecution(async (e) => {
      const cwd = e.execution.cwd;
      if (cwd && !inFolder(folder, cwd)) return;
      const output = (await outputs.get(e.execution)) ?? '';
      outputs.delete(e.execution);
      const started = startedAt.get(e.execution);
      startedAt.delete(e.execution);
      activity.terminalExecuted({
        id: `terminal-${++executions}`,
        commandLine: e.execution.commandLine.value,
        ...(cwd ? { cwd: cwd.fsPath } : {}),
        ...(e.exitCode === undefined ? {} : { exitCode: e.exitCode }),
        output,
        ...(started ? { startedAt: started } : {}),
        endedAt: new Date(),
      });
    }),
    vscode.tasks.onDidEndTaskProcess((e) => {
      const command = taskCommand(e.execution.task);
      activity.taskEnded({
        id: `task-${++executions}`,
        taskName: e.execution.task.name,
        ...(command ? { command } : {}),
        ...(e.exitCode === undefined ? {} : { exitCode: e.exitCode }),
        endedAt: new Date(),
      });
    }),
    { dispose: () => (activity.flush(), activity.dispose()) },
  );
}
