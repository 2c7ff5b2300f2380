import type { AgentSource } from '../src/core/events';

/** How each agent is named in the UI. */
export const AGENT_LABELS: Record<AgentSource, string> = {
  'claude-code': 'Claude Code',
  codex: 'Codex',
  copilot: 'Copilot agent mode',
  cline: 'Cline',
  roo: 'Roo Code',
  gemini: 'Gemini CLI',
  aider: 'Aider',
  vscode: 'VS Code terminals',
};
