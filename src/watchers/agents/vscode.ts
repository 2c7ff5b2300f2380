import type { Agent } from './agent';

/** VS Code's own activity: no transcript, read through the editor's APIs (src/watchers/workspace-activity.ts). */
export const vscodeActivity: Agent<'vscode'> = {
  source: 'vscode',
  label: 'VS Code terminals, tasks and edits',
  settingKey: 'watchers.vscode',
  reads: 'terminal commands (with shell integration), task exits, editor and disk edits in the workspace',
};
