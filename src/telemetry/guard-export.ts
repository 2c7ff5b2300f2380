// The guard hook's log (`.agent-vitals/guard-log.jsonl`) as records: each decision (tier, tool,
// the kinds found, the path relative to the workspace, whether pressure raised the tier) and each
// end-of-turn audit (how many flags of which kinds, how many tests were failing). The log holds
// no turn text or diffs; test names and the hunk fingerprint stay on the machine.
//
// A backfill (`analyze --otlp`) sends the whole log. Live followers (the editor and `watch`) send
// each line once: they share a mark next to the log saying how far it was exported, resume from
// it after a restart or reload, skip ahead when the other follower moved it, and read only while
// holding the mark's lock, so two followers never send the same lines at the same moment.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { GUARD_LOG_FILE, parseGuardAudit, parseGuardDecision } from '../guard/guard-log';
import { tryLock, writeFileAtomic } from '../storage/cache-file';
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

/** Where live followers keep how far the guard log was exported (the byte offset past the last line). */
export const GUARD_EXPORT_MARK_FILE = join(dirname(GUARD_LOG_FILE), 'guard-log.exported.json');

/** The shared mark: 0 when absent or unreadable (the whole log is then new). */
function readMark(file: string): number {
  try {
    const offset = (JSON.parse(readFileSync(file, 'utf8')) as { offset?: unknown }).offset;
    return typeof offset === 'number' && Number.isSafeInteger(offset) && offset >= 0 ? offset : 0;
  } catch {
    return 0;
  }
}

function writeMark(file: string, offset: number): void {
  try {
    // Written whole under a name of this process's own, so the other follower never reads half of it.
    writeFileAtomic(file, JSON.stringify({ offset }));
  } catch {
    // Not writable: the next start sends the lines after the old mark again, nothing is lost.
  }
}

export interface GuardLogExportOptions {
  /** A live follower: start from the shared mark and move it on (default: a backfill of the whole log). */
  live?: boolean;
}

/** Follows one workspace's guard log: each poll emits the decisions and audits appended since the last. */
export class GuardLogExport {
  private tailer: LineTailer;
  private readonly log: string;
  private readonly mark: string | undefined;
  private polling: Promise<void> | undefined;

  constructor(
    private readonly workspaceRoot: string,
    private readonly emit: (record: VitalsRecord) => void,
    options: GuardLogExportOptions = {},
  ) {
    this.log = join(workspaceRoot, GUARD_LOG_FILE);
    this.mark = options.live ? join(workspaceRoot, GUARD_EXPORT_MARK_FILE) : undefined;
    this.tailer = this.tailFrom(this.mark ? readMark(this.mark) : 0);
  }

  private tailFrom(offset: number): LineTailer {
    return new LineTailer(
      this.log,
      (line) => {
        const record = guardRecord(line, this.workspaceRoot);
        if (record) this.emit(record);
      },
      // A decision line is short; anything past this is not one and is skipped. A log shorter
      // than the mark was replaced: the tailer reads it from the start.
      { maxLineBytes: 1 << 20, startOffset: offset },
    );
  }

  /** Reads what was appended (nothing when the workspace has no guard log); one read at a time. */
  poll(): Promise<void> {
    this.polling ??= this.read().finally(() => (this.polling = undefined));
    return this.polling;
  }

  private async read(): Promise<void> {
    // A log that cannot be read now is read from the same offset at the next poll.
    if (!this.mark) {
      await this.tailer.readAvailable().catch(() => undefined);
      return;
    }
    // The other live follower is sending what was appended: this poll leaves it to that one.
    const release = lockMark(this.mark);
    if (!release) return;
    try {
      const shared = readMark(this.mark);
      // The other live follower sent these lines already.
      if (shared > this.tailer.offset) this.tailer = this.tailFrom(shared);
      const before = this.tailer.offset;
      await this.tailer.readAvailable().catch(() => undefined);
      if (this.tailer.offset !== before) writeMark(this.mark, this.tailer.offset);
    } finally {
      release();
    }
  }
}

/** The mark's lock, or null while the other follower holds it; a folder that takes no lock file is read unlocked. */
function lockMark(mark: string): (() => void) | null {
  try {
    return tryLock(mark);
  } catch {
    return () => undefined;
  }
}
