// The end-of-turn audit: when the agent is about to stop (Claude Code and Codex `Stop`, Gemini
// CLI `AfterAgent`), the session's tamper flags so far are counted by kind, with the tests that
// failed along the way, and reported once per new flag: to the user (`systemMessage`) and to the
// agent, which is asked to tell the user before it finishes (a one-time `block`/`deny` of the stop,
// never repeated while `stop_hook_active` says the agent is already answering one).
import type { AgentEvent } from '../core/events';
import { BENIGN_FLAG_KINDS, FLAG_KINDS, type FlagKind } from '../core/flags';
import { NO_READER } from '../contracts/reading';
import { asBoolean, asCount, asMap, asObject, asStrings, StateError } from '../storage/json-state';
import type { TamperEngine } from '../tamper/engine';
import { flagEngine } from '../transcript-pipeline/flags';
import { runFailed } from '../tamper/pressure';
import { appendGuardLog, readGuardLog } from './guard-log';
import type { GuardAgent } from './agents';
import { GUARD_MESSAGE_VERSION, auditMessage, type AuditCounts } from './message';

export interface SessionAudit extends AuditCounts {
  /** Tamper flags so far (benign kinds left out). */
  flags: number;
}

/** Failing tests the audit names at most: the first ones seen (a message, and a checkpoint, stay short). */
export const MAX_AUDIT_FAILING_TESTS = 50;

/**
 * Follows a session's events, in stream order, for its audit: the tamper flags raised and the
 * tests that failed. Saved and restored as JSON with the flag engine's state, not its flags.
 */
export class SessionAuditor {
  private constructor(
    private readonly engine: TamperEngine,
    private flags: number,
    private readonly counts: Map<FlagKind, number>,
    private readonly failing: Set<string>,
    private lastRunFailed: boolean | null,
  ) {}

  static empty(): SessionAuditor {
    return new SessionAuditor(behaviourEngine(), 0, new Map(), new Set(), null);
  }

  /** The state `save` returned; throws a StateError on anything else. */
  static restore(value: unknown): SessionAuditor {
    const s = asObject(value, 'audit');
    const engine = behaviourEngine();
    engine.restore(s.engine);
    const counts = asMap(s.counts, 'audit.counts', asCount);
    if (![...counts.keys()].every((k) => (FLAG_KINDS as readonly string[]).includes(k)))
      throw new StateError('audit.counts names an unknown kind');
    const failing = asStrings(s.failing, 'audit.failing');
    if (failing.length > MAX_AUDIT_FAILING_TESTS) throw new StateError('audit.failing is too long');
    const last = s.lastRunFailed === null ? null : asBoolean(s.lastRunFailed, 'audit.lastRunFailed');
    return new SessionAuditor(
      engine,
      asCount(s.flags, 'audit.flags'),
      counts as Map<FlagKind, number>,
      new Set(failing),
      last,
    );
  }

  save(): unknown {
    return {
      engine: this.engine.save(),
      flags: this.flags,
      counts: [...this.counts],
      failing: [...this.failing],
      lastRunFailed: this.lastRunFailed,
    };
  }

  observe(e: AgentEvent): void {
    const before = this.engine.flags().length;
    this.engine.observe(e);
    // A flag's kinds are settled when it is raised; a later run changes only its severity.
    for (const flag of this.engine.flags().slice(before)) {
      const kinds = flag.kinds.filter((k) => !BENIGN_FLAG_KINDS.has(k));
      if (kinds.length === 0) continue;
      this.flags++;
      for (const k of kinds) this.counts.set(k, (this.counts.get(k) ?? 0) + 1);
    }
    if (e.type !== 'test-run') return;
    for (const id of e.failingIds) if (this.failing.size < MAX_AUDIT_FAILING_TESTS) this.failing.add(id);
    this.lastRunFailed = runFailed(e);
  }

  audit(): SessionAudit {
    return {
      flags: this.flags,
      kinds: [...this.counts],
      failingTests: [...this.failing],
      lastRunFailed: this.lastRunFailed,
    };
  }
}

/** The engine the audit flags with: behaviour alone, as `flagRecordedSession` without scores. */
function behaviourEngine(): TamperEngine {
  return flagEngine({ turnDesperation: () => [], readerValidity: () => NO_READER });
}

export function auditSession(events: readonly AgentEvent[]): SessionAudit {
  const auditor = SessionAuditor.empty();
  for (const e of [...events].sort((a, b) => a.seq - b.seq)) auditor.observe(e);
  return auditor.audit();
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
export function auditAnswer(agent: GuardAgent, payload: StopPayload, audit: SessionAudit, now: Date): object | null {
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
