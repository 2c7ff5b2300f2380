// The agents the guard answers, by the names `agent-vitals hook <agent>` takes.
export const GUARD_AGENTS = ['claude-code', 'codex', 'gemini', 'cline', 'copilot'] as const;
export type GuardAgent = (typeof GUARD_AGENTS)[number];

/** The event each agent runs a hook on before a tool call: the guard decides there. */
export const PRE_TOOL_EVENTS: Record<GuardAgent, string> = {
  'claude-code': 'PreToolUse',
  codex: 'PreToolUse',
  gemini: 'BeforeTool',
  cline: 'PreToolUse',
  copilot: 'PreToolUse',
};

/**
 * The event each agent runs a hook on when a turn is about to end: the audit reports there. Cline
 * has none that can hold the agent back (TaskComplete runs after the task is done).
 */
export const STOP_EVENTS: Record<GuardAgent, string | null> = {
  'claude-code': 'Stop',
  codex: 'Stop',
  gemini: 'AfterAgent',
  cline: null,
  copilot: 'Stop',
};

/** Agents whose pre-tool answer can hand the decision to the user (`permissionDecision: "ask"`). */
export const CAN_ASK: ReadonlySet<GuardAgent> = new Set(['claude-code', 'copilot']);
