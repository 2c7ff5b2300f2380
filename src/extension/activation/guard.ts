// The guard at work in the editor: each workspace folder's guard log is followed, its decisions
// join the flags list, the timeline and the status bar, and the telemetry export sends them (at
// the same polls); the palette commands install, remove or report the hook (guard-commands.ts).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { GUARD_LOG_FILE } from '../../guard/guard-log';
import { changeGuard, guardStatus } from '../guard/guard-commands';
import type { GuardDecisions } from '../guard/guard-decisions';
import { GuardLogFollower } from '../guard/guard-log-follower';
import { writeLauncher } from '../guard/stable-hook';
import { reportError } from '../report-error';
import type { VitalsStore } from '../state/vitals-store';
import type { TelemetryExport } from '../telemetry';

/** How often the logs are checked besides file-change events (one stat each; events can be missed on some file systems). */
const POLL_MS = 2000;

export function activateGuard(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
  store: VitalsStore,
  decisions: GuardDecisions,
  telemetry: Pick<TelemetryExport, 'pollGuardLogs'>,
): void {
  const followers = (vscode.workspace.workspaceFolders ?? []).map((folder) => {
    const dir = folder.uri.fsPath;
    return new GuardLogFollower(
      dir,
      ({ projectDir, decision }) => decisions.add(projectDir, decision),
      () => store.forgetGuardItems((item) => item.projectDir !== dir),
    );
  });
  const skipped = new Map<GuardLogFollower, number>();
  const poll = (): void => {
    // Never rejects: a log that cannot be read now is read at the next poll.
    void telemetry.pollGuardLogs();
    for (const f of followers) {
      f.poll()
        .then(() => {
          if (f.skipped > (skipped.get(f) ?? 0))
            log.warn(
              `guard: ${f.skipped} line(s) of ${path.join(f.projectDir, GUARD_LOG_FILE)} are not guard decisions and were skipped`,
            );
          skipped.set(f, f.skipped);
        })
        .catch((err: unknown) =>
          log.error(
            `guard: reading ${path.join(f.projectDir, GUARD_LOG_FILE)}: ${err instanceof Error ? err.message : String(err)}`,
          ),
        );
    }
  };
  const watcher = vscode.workspace.createFileSystemWatcher(`**/${GUARD_LOG_FILE.split(path.sep).join('/')}`);
  const timer = setInterval(poll, POLL_MS);
  context.subscriptions.push(watcher, watcher.onDidCreate(poll), watcher.onDidChange(poll), {
    dispose: () => clearInterval(timer),
  });
  poll();

  const launcher = (): string =>
    writeLauncher(context.globalStorageUri.fsPath, context.asAbsolutePath(path.join('dist', 'hook.js')));
  const register = (id: string, run: () => Promise<void>): void => {
    context.subscriptions.push(
      vscode.commands.registerCommand(id, () => run().catch((err: unknown) => reportError(log, id, err))),
    );
  };
  register('agentVitals.guard.install', () => changeGuard('install', launcher()));
  register('agentVitals.guard.uninstall', () => changeGuard('uninstall', launcher()));
  register('agentVitals.guard.status', () => guardStatus(launcher()));
}
