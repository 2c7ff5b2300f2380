// The end-of-turn audit: when the agent is about to stop (Claude Code and Codex `Stop`, Gemini
// CLI `AfterAgent`), the session's tamper flags so far are counted by kind, with the tests that
// failed along the way, and reported once per new flag: to the user (`systemMessage`) and to the
// agent, which is asked to tell the user before it finishes (a one-time `block`/`deny` of the stop,
// never repeated while `stop_hook_active` says the agent is already answering one).
import type { AgentEvent } from '../core/events';
import { BENIGN_FLAG_KINDS, type FlagKind } from '../core/flags';
import { flagRecordedSession } from '../transcript-pipeline/flags';
import { runFailed } from '../tamper/pressure';
import { appendGuardLog, readGuardLog } from './guard-log';
import type { GuardAgent } from './agents';
import { GUARD_MESSAGE_VERSION, auditMessage, type AuditCounts } from './message';

export interface SessionAudit extends AuditCounts {
  /** Tamper flags so far (benign kinds left out). */
  flags: number;
}

export function auditSession(events: readonly AgentEvent[]): SessionAudit {
  const counts = new Map<FlagKind, number>();
  let flags = 0;
  for (const flag of flagRecordedSession(events)) {
    const kinds = flag.kinds.filter((k) => !BENIGN_FLAG_KINDS.has(k));
    if (kinds.length === 0) continue;
    flags++;
    for (const k of kinds) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const failing = new Set<string>();
  let lastRunFailed: boolean | null = null;
  for (const e of [...events].sort((a, b) => a.seq - b.seq)) {
    if (e.type !== 'test-run') continue;
    for (const id of e.failingIds) failing.add(id);
    lastRunFailed = runFailed(e);
  }
  return { flags, kinds: [...counts], failingTests: [...failing], lastRunFailed };
}

export interface StopPayload {
  cwd: string;
  sessionId: string | null;
  /** The agent is already continuing because a stop hook held it back. */
  stopHookActive: boolean;
}

/**
 * The answer to a stop event, or null when there is nothing new to report: no tamper flags, or
 * no more than the last audit of this session already reported.
 */
export function auditAnswer(
  agent: GuardAgent,
  payload: StopPayload,
  events: readonly AgentEvent[],
  now: Date,
): object | null {
  const audit = auditSession(events);
  if (audit.flags === 0) return null;
  const reported = readGuardLog(payload.cwd, 'audit').filter(
    (l) => l.sessionId === payload.sessionId && l.agent === agent,
  );
  const last = reported[reported.length - 1];
  if (last && typeof last.flags === 'number' && last.flags >= audit.flags) return null;
  appendGuardLog(payload.cwd, {
    ts: now.toISOString(),
    event: 'audit',
    agent,
    sessionId: payload.sessionId,
    flags: audit.flags,
    kinds: Object.fromEntries(audit.kinds),
    failingTests: audit.failingTests,
    messageVersion: GUARD_MESSAGE_VERSION,
  });
  const forUser = auditMessage(audit, 'user');
  if (payload.stopHookActive) return { systemMessage: forUser };
  const reason = auditMessage(audit, 'agent');
  // Copilot agent mode in VS Code reads the block inside hookSpecificOutput (vscode-copilot-chat, toolCallingLoop.ts).
  if (agent === 'copilot')
    return { hookSpecificOutput: { hookEventName: 'Stop', decision: 'block', reason }, systemMessage: forUser };
  // Claude Code and Codex continue the turn with `reason` as the agent's next instruction; Gemini CLI retries with it.
  return {
    decision: agent === 'gemini' ? 'deny' : 'block',
    reason,
    systemMessage: forUser,
  };
}
