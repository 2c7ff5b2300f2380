// Starts the agent watchers for every workspace folder with the user's settings, and restarts
// them when those settings change. Events go to the sink the caller provides.
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import type { AgentEvent } from '../core/events';
import { TestPathMatcher } from '../testpaths/matcher';
import { defaultLocations } from '../watchers/locations';
import type { TailPositions } from '../watchers/positions';
import { readWatcherSettings } from '../watchers/settings';
import { TranscriptWatchManager } from '../watchers/watch-manager';
import { watchWorkspaceActivity } from './workspace-activity';

export function startWatchers(
  context: vscode.ExtensionContext,
  sink: (event: AgentEvent) => void,
  log: vscode.LogOutputChannel,
  /** Where transcripts were read up to: restarted watchers (and a new host) resume there. */
  positions: TailPositions,
  /** Events before a resumed file's saved position, read again to rebuild state (not shown again). */
  resumed: (event: AgentEvent) => void,
): vscode.Disposable {
  let running: vscode.Disposable[] = [];
  const start = (): void => {
    for (const d of running) d.dispose();
    running = [];
    const config = vscode.workspace.getConfiguration('agentVitals');
    const settings = readWatcherSettings((key) => {
      // In untrusted folders only the user's own (global) globs apply.
      if (key === 'testPaths.globs' && !vscode.workspace.isTrusted) return config.inspect(key)?.globalValue;
      return config.get(key);
    });
    // This extension's workspace storage sits inside the workspace's storage folder, where
    // Copilot Chat keeps its sessions too.
    const workspaceStorage = context.storageUri ? dirname(context.storageUri.fsPath) : undefined;
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const root = folder.uri.fsPath;
      const testPaths = new TestPathMatcher(settings.testGlobs, root);
      const manager = new TranscriptWatchManager({
        workspaceRoot: root,
        sources: settings.transcriptSources,
        locations: { ...defaultLocations(), ...(workspaceStorage ? { workspaceStorage } : {}) },
        sink,
        positions,
        onReplayed: resumed,
        testPaths,
        recentMs: settings.recentMs,
        onError: (err, file) => log.warn(`watcher: ${file ?? ''}: ${err instanceof Error ? err.message : String(err)}`),
        onSkipped: (file, n, total) =>
          log.warn(`watcher: ${file}: skipped ${n} unreadable record(s) (${total} in this file so far)`),
      });
      manager.start().then(
        () => log.info(`watching ${settings.transcriptSources.join(', ') || 'no agents'} for ${root}`),
        (err: unknown) => log.error(`watchers failed to start for ${root}: ${String(err)}`),
      );
      running.push({ dispose: () => manager.dispose() });
      if (settings.workspaceActivity) running.push(watchWorkspaceActivity(folder, sink, testPaths));
    }
  };
  start();
  return vscode.Disposable.from(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('agentVitals.watchers') || e.affectsConfiguration('agentVitals.testPaths')) start();
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => start()),
    vscode.workspace.onDidGrantWorkspaceTrust(() => start()),
    { dispose: () => running.forEach((d) => d.dispose()) },
  );
}
