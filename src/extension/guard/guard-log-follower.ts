// Follows one project's guard log (`.agent-vitals/guard-log.jsonl`, written by the hook) with the
// watchers' byte-offset tailer: each read hands over only the decisions appended since the last,
// a line still being written waits for its newline, and a log cut short or replaced is read again
// from the start. Lines that are not decisions or audits are skipped and counted. No vscode
// import, so it is tested directly.
import { join } from 'node:path';
import { GUARD_LOG_FILE, parseGuardDecision, type GuardLogDecision } from '../../guard/guard-log';
import { LineTailer } from '../../watchers/tailer';

/** A decision and the folder whose log it came from (the project its memory belongs to). */
export interface FollowedDecision {
  projectDir: string;
  decision: GuardLogDecision;
}

export class GuardLogFollower {
  private readonly tailer: LineTailer;
  /** Lines that were neither a decision nor an audit, since the log was last started over. */
  skipped = 0;

  constructor(
    readonly projectDir: string,
    onDecision: (d: FollowedDecision) => void,
    /** The log was replaced or cut short: what was shown from it came from another file. */
    onRestart: () => void = () => {},
  ) {
    this.tailer = new LineTailer(
      join(projectDir, GUARD_LOG_FILE),
      (line) => {
        const decision = parseGuardDecision(line);
        if (decision) onDecision({ projectDir, decision });
        else if (!isAudit(line)) this.skipped++;
      },
      {
        onRestart: () => {
          this.skipped = 0;
          onRestart();
        },
        onOversizedLine: () => this.skipped++,
        maxLineBytes: 1 << 20,
      },
    );
  }

  /** Reads what was appended; resolves once every new decision was handed over. */
  async poll(): Promise<void> {
    await this.tailer.readAvailable();
  }
}

function isAudit(line: string): boolean {
  try {
    return (JSON.parse(line) as { event?: unknown } | null)?.event === 'audit';
  } catch {
    return false;
  }
}
