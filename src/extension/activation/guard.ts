// The guard at work in the editor: each workspace folder's guard log is followed, its decisions
// join the flags list, the timeline and the status bar, and the command palette installs,
// removes or reports the hook in an agent's project settings, showing the exact change first.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { GUARD_AGENTS, type GuardAgent } from '../../guard/agents';
import { GUARD_LOG_FILE } from '../../guard/guard-log';
import {
  applyPlan,
  backupFile,
  describePlan,
  installedEvents,
  isInstalled,
  planInstall,
  planUninstall,
  settingsFile,
  SettingsFileError,
  type InstallPlan,
} from '../../guard/install';
import type { GuardDecisions } from '../guard/guard-decisions';
import { GuardLogFollower } from '../guard/guard-log-follower';
import { hookCommandFor, writeLauncher } from '../guard/stable-hook';
import { reportError } from '../report-error';
import type { VitalsStore } from '../state/vitals-store';

/** How often the logs are checked besides file-change events (one stat each; events can be missed on some file systems). */
const POLL_MS = 2000;

export function activateGuard(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
  store: VitalsStore,
  decisions: GuardDecisions,
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

async function pickTarget(verb: string): Promise<{ agent: GuardAgent; project: string } | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    void vscode.window.showWarningMessage(
      'Agent Vitals: open a folder first; the guard is installed in its project settings.',
    );
    return undefined;
  }
  const agent = await vscode.window.showQuickPick([...GUARD_AGENTS], {
    title: `Agent Vitals: ${verb} the guard for which agent?`,
  });
  return agent ? { agent: agent as GuardAgent, project: folder.uri.fsPath } : undefined;
}

async function changeGuard(action: 'install' | 'uninstall', launcher: string): Promise<void> {
  const target = await pickTarget(action);
  if (!target) return;
  const file = settingsFile(target.agent, 'project', target.project);
  const command = hookCommandFor(launcher, target.agent);
  let plan: InstallPlan;
  try {
    plan = action === 'install' ? planInstall(target.agent, file, command) : planUninstall(target.agent, file, command);
  } catch (err) {
    if (err instanceof SettingsFileError) return void vscode.window.showErrorMessage(`Agent Vitals: ${err.message}`);
    throw err;
  }
  if (plan.before === plan.after) {
    void vscode.window.showInformationMessage(
      `Agent Vitals: nothing to change in ${file}; the guard is ${action === 'install' ? 'already installed' : 'not installed'} there.`,
    );
    return;
  }
  const verb = action === 'install' ? 'Install' : 'Remove';
  const ok = await vscode.window.showWarningMessage(
    `${verb} the guard hook for ${target.agent}?`,
    { modal: true, detail: describePlan(plan) },
    verb,
  );
  if (ok !== verb) return;
  applyPlan(plan);
  void vscode.window.showInformationMessage(
    `Agent Vitals: ${file} written${plan.before === null ? '' : `; the previous file is kept as ${backupFile(plan.file)}`}.`,
  );
}

async function guardStatus(launcher: string): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) return void vscode.window.showInformationMessage('Agent Vitals: no folder is open.');
  const lines = GUARD_AGENTS.map((agent) => {
    const file = settingsFile(agent, 'project', folder.uri.fsPath);
    const command = hookCommandFor(launcher, agent);
    try {
      const events = installedEvents(agent, file, command);
      return `${agent}: ${isInstalled(agent, file, command) ? 'installed' : events.length > 0 ? `installed on ${events.join(', ')} only` : 'not installed'} (${file})`;
    } catch (err) {
      return `${agent}: ${err instanceof Error ? err.message : String(err)}`;
    }
  });
  void vscode.window.showInformationMessage('Agent Vitals guard in this project', {
    modal: true,
    detail: lines.join('\n'),
  });
}
