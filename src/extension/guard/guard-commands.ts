// The guard's palette commands: install, remove or report the hook in an agent's settings. The
// user picks the agent, then where: one of the workspace folders (its project settings) or the
// user's own settings for every project; the exact change is shown and written only once confirmed.
import { homedir } from 'node:os';
import * as vscode from 'vscode';
import { GUARD_AGENTS, type GuardAgent } from '../../guard/agents';
import {
  applyPlan,
  backupFile,
  describePlan,
  installState,
  planInstall,
  planUninstall,
  settingsFile,
  SettingsFileError,
  type InstallPlan,
  type InstallScope,
} from '../../guard/install';
import { hookCommandFor } from './stable-hook';

/** One place the guard can go, as the scope picker shows it: the label, and the settings file as its detail. */
export interface GuardTarget extends vscode.QuickPickItem {
  scope: InstallScope;
  /** The settings file the guard is written to. */
  detail: string;
}

/** Each workspace folder's project settings, then the user's: where `agent`'s guard can be installed. */
export function guardTargets(
  agent: GuardAgent,
  folders: readonly { name: string; fsPath: string }[],
  home: string = homedir(),
): GuardTarget[] {
  return [
    ...folders.map((f) => ({
      label: f.name,
      description: 'this folder (project settings)',
      scope: 'project' as const,
      detail: settingsFile(agent, 'project', f.fsPath, home),
    })),
    {
      label: 'User',
      description: 'every project (your own settings)',
      scope: 'user' as const,
      detail: settingsFile(agent, 'user', home, home),
    },
  ];
}

function openFolders(): { name: string; fsPath: string }[] {
  return (vscode.workspace.workspaceFolders ?? []).map((f) => ({ name: f.name, fsPath: f.uri.fsPath }));
}

async function pickTarget(verb: string): Promise<{ agent: GuardAgent; file: string } | undefined> {
  const agent = (await vscode.window.showQuickPick([...GUARD_AGENTS], {
    title: `Agent Vitals: ${verb} the guard for which agent?`,
  })) as GuardAgent | undefined;
  if (!agent) return undefined;
  const target = await vscode.window.showQuickPick(guardTargets(agent, openFolders()), {
    title: `Agent Vitals: ${verb} the ${agent} guard where?`,
    matchOnDetail: true,
  });
  return target ? { agent, file: target.detail } : undefined;
}

export async function changeGuard(action: 'install' | 'uninstall', launcher: string): Promise<void> {
  const target = await pickTarget(action);
  if (!target) return;
  const { agent, file } = target;
  const command = hookCommandFor(launcher, agent);
  let plan: InstallPlan;
  try {
    plan = action === 'install' ? planInstall(agent, file, command) : planUninstall(agent, file, command);
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
    `${verb} the guard hook for ${agent}?`,
    { modal: true, detail: describePlan(plan) },
    verb,
  );
  if (ok !== verb) return;
  applyPlan(plan);
  void vscode.window.showInformationMessage(
    plan.after === null
      ? `Agent Vitals: ${file} removed; the previous file is kept as ${backupFile(plan.file)}.`
      : `Agent Vitals: ${file} written${plan.before === null ? '' : `; the previous file is kept as ${backupFile(plan.file)}`}.`,
  );
}

export async function guardStatus(launcher: string): Promise<void> {
  const lines = GUARD_AGENTS.flatMap((agent) => {
    const command = hookCommandFor(launcher, agent);
    return guardTargets(agent, openFolders()).map(({ label, detail: file }) => {
      try {
        return `${agent} in ${label}: ${installState(agent, file, command).words} (${file})`;
      } catch (err) {
        return `${agent} in ${label}: ${err instanceof Error ? err.message : String(err)}`;
      }
    });
  });
  void vscode.window.showInformationMessage('Agent Vitals guard', { modal: true, detail: lines.join('\n') });
}
