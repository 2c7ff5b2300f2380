// The guard's palette commands: install, remove or report the hook in an agent's project
// settings for the first workspace folder, showing the exact change and asking first.
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
} from '../../guard/install';
import { hookCommandFor } from './stable-hook';

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

export async function changeGuard(action: 'install' | 'uninstall', launcher: string): Promise<void> {
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

export async function guardStatus(launcher: string): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) return void vscode.window.showInformationMessage('Agent Vitals: no folder is open.');
  const lines = GUARD_AGENTS.map((agent) => {
    const file = settingsFile(agent, 'project', folder.uri.fsPath);
    const command = hookCommandFor(launcher, agent);
    try {
      return `${agent}: ${installState(agent, file, command).words} (${file})`;
    } catch (err) {
      return `${agent}: ${err instanceof Error ? err.message : String(err)}`;
    }
  });
  void vscode.window.showInformationMessage('Agent Vitals guard in this project', {
    modal: true,
    detail: lines.join('\n'),
  });
}
