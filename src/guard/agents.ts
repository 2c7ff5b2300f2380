// The agents the guard answers, by the names `agent-vitals hook <agent>` takes.
export const GUARD_AGENTS = ['claude-code', 'codex', 'gemini'] as const;
export type GuardAgent = (typeof GUARD_AGENTS)[number];
