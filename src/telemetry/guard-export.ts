// The guard hook's log (`.agent-vitals/guard-log.jsonl`) as records: each decision (tier, tool,
// the kinds found, the path relative to the workspace, whether pressure raised the tier) and each
// end-of-turn audit (how many flags of which kinds, how many tests were failing). The log holds
// no turn text or diffs; test names and the hunk fingerprint stay on the machine.
import { join } from 'node:path';
import { GUARD_LOG_FILE, parseGuardAudit, parseGuardDecision } from '../guard/guard-log';
import { LineTailer } from '../watchers/tailer';
import { ATTR, EVENT_GUARD, GEN_AI_AGENT_NAME, GEN_AI_CONVERSATION_ID, type RecordValue } from './attributes';
import { workspaceRelative, type VitalsRecord } from './records';

/** One log line as a record; null for a line that is neither a decision nor an audit. */
export function guardRecord(line: string, workspaceRoot: string | undefined): VitalsRecord | null {
  const decision = parseGuardDecision(line);
  const audit = decision ? null : parseGuardAudit(line);
  const entry = decision ?? audit;
  if (!entry) return null;
  const attributes: Record<string, RecordValue> = { [GEN_AI_AGENT_NAME]: entry.agent };
  if (entry.sessionId !== null) attributes[GEN_AI_CONVERSATION_ID] = entry.sessionId;
  if (decision) {
    attributes[ATTR.guardEvent] = 'decision';
    attributes[ATTR.guardTier] = decision.tier;
    attributes[ATTR.guardTool] = decision.tool;
    attributes[ATTR.guardPath] = workspaceRelative(decision.path, workspaceRoot);
    attributes[ATTR.guardKinds] = decision.kinds;
    attributes[ATTR.guardPressured] = decision.pressured;
  } else if (audit) {
    attributes[ATTR.guardEvent] = 'audit';
    attributes[ATTR.guardFlags] = audit.flags;
    attributes[ATTR.guardKinds] = Object.keys(audit.kinds).sort();
    attributes[ATTR.guardFailingTests] = audit.failingTests.length;
  }
  return { eventName: EVENT_GUARD, ts: entry.ts, attributes };
}

/** Follows one workspace's guard log: each poll emits the decisions and audits appended since the last. */
export class GuardLogExport {
  private readonly tailer: LineTailer;

  constructor(workspaceRoot: string, emit: (record: VitalsRecord) => void) {
    this.tailer = new LineTailer(
      join(workspaceRoot, GUARD_LOG_FILE),
      (line) => {
        const record = guardRecord(line, workspaceRoot);
        if (record) emit(record);
      },
      // A decision line is short; anything past this is not one and is skipped.
      { maxLineBytes: 1 << 20 },
    );
  }

  /** Reads what was appended (nothing when the workspace has no guard log). */
  async poll(): Promise<void> {
    // A log that cannot be read now is read from the same offset at the next poll.
    await this.tailer.readAvailable().catch(() => undefined);
  }
}
