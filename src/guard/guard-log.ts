// The project's guard log, `.agent-vitals/guard-log.jsonl`: one JSON line per decision the hook
// made (`event: "decision"`) and per end-of-turn audit it reported (`event: "audit"`), for the
// editor and telemetry to read. A log that cannot be written or read never stops the hook.
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { FLAG_KINDS, type FlagKind } from '../core/flags';
import { TIERS, type Tier } from '../core/guard-tiers';

export const GUARD_LOG_FILE = join('.agent-vitals', 'guard-log.jsonl');

export type GuardLogLine = { ts: string; event: 'decision' | 'audit'; sessionId: string | null } & Record<
  string,
  unknown
>;

export function appendGuardLog(cwd: string, line: GuardLogLine): void {
  const file = join(cwd, GUARD_LOG_FILE);
  try {
    mkdirSync(dirname(file), { recursive: true });
    appendFileSync(file, `${JSON.stringify(line)}\n`);
  } catch (err) {
    process.stderr.write(
      `agent-vitals hook: could not record the ${line.event} in ${file}: ${(err as Error).message}\n`,
    );
  }
}

/** A line's fields when it is a JSON object recording `event`; null otherwise. */
function lineOf(text: string, event: GuardLogLine['event']): Record<string, unknown> | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  return typeof v === 'object' && v !== null && (v as { event?: unknown }).event === event
    ? (v as Record<string, unknown>)
    : null;
}

/** A decision line as the hook writes it (hook.ts), read back by the editor. */
export interface GuardLogDecision {
  ts: string;
  agent: string;
  sessionId: string | null;
  tool: string;
  tier: Tier;
  path: string;
  /** The edit's hunk fingerprint, for "legitimate" marks; null in logs written before it was kept. */
  hunk: string | null;
  kinds: FlagKind[];
  pressured: boolean;
}

/** One log line as a decision; null for an audit line, a torn line or anything not a decision. */
export function parseGuardDecision(text: string): GuardLogDecision | null {
  const v = lineOf(text, 'decision');
  if (!v) return null;
  const { ts, agent, sessionId, tool, tier, path, hunk, kinds, pressured } = v;
  if (typeof ts !== 'string' || typeof agent !== 'string' || typeof tool !== 'string' || typeof path !== 'string')
    return null;
  if (!(sessionId === null || typeof sessionId === 'string') || !(TIERS as readonly unknown[]).includes(tier))
    return null;
  if (!Array.isArray(kinds) || !kinds.every((k) => (FLAG_KINDS as readonly unknown[]).includes(k))) return null;
  return {
    ts,
    agent,
    sessionId,
    tool,
    tier: tier as Tier,
    path,
    hunk: typeof hunk === 'string' ? hunk : null,
    kinds: kinds as FlagKind[],
    pressured: pressured === true,
  };
}

/** An audit line as the stop hook writes it (audit.ts): the tamper flags a session's turn left. */
export interface GuardLogAudit {
  ts: string;
  agent: string;
  sessionId: string | null;
  flags: number;
  /** Flags by kind. */
  kinds: Partial<Record<FlagKind, number>>;
  failingTests: string[];
}

/** One log line as an audit; null for a decision, a torn line or anything not an audit. */
export function parseGuardAudit(text: string): GuardLogAudit | null {
  const v = lineOf(text, 'audit');
  if (!v) return null;
  const { ts, agent, sessionId, flags, kinds, failingTests } = v;
  if (typeof ts !== 'string' || typeof agent !== 'string' || typeof flags !== 'number') return null;
  if (!(sessionId === null || typeof sessionId === 'string')) return null;
  if (typeof kinds !== 'object' || kinds === null || Array.isArray(kinds)) return null;
  const counts = Object.entries(kinds);
  if (!counts.every(([k, n]) => (FLAG_KINDS as readonly string[]).includes(k) && typeof n === 'number')) return null;
  if (!Array.isArray(failingTests) || !failingTests.every((t) => typeof t === 'string')) return null;
  return {
    ts,
    agent,
    sessionId,
    flags,
    kinds: Object.fromEntries(counts) as GuardLogAudit['kinds'],
    failingTests: failingTests as string[],
  };
}

/** The log's lines of one kind of event; [] when there is no log, unreadable lines are skipped. */
export function readGuardLog(cwd: string, event: GuardLogLine['event']): GuardLogLine[] {
  let text: string;
  try {
    text = readFileSync(join(cwd, GUARD_LOG_FILE), 'utf8');
  } catch {
    return [];
  }
  const lines: GuardLogLine[] = [];
  for (const l of text.split('\n')) {
    try {
      const parsed = JSON.parse(l) as GuardLogLine;
      if (parsed?.event === event) lines.push(parsed);
    } catch {
      // A torn or foreign line: the rest of the log still counts.
    }
  }
  return lines;
}
