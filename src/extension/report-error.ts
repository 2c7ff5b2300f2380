// A failed user action: logged, and shown with a way to the log.
import * as vscode from 'vscode';

export function reportError(log: Pick<vscode.LogOutputChannel, 'error' | 'show'>, what: string, err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  log.error(`${what}: ${message}`);
  void vscode.window.showErrorMessage(`Agent Vitals: ${what} failed: ${message}`, 'Open Log').then((c) => {
    if (c) log.show();
  });
}
