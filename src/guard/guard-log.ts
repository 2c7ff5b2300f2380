// The project's guard log, `.agent-vitals/guard-log.jsonl`: one JSON line per decision the hook
// made (`event: "decision"`) and per end-of-turn audit it reported (`event: "audit"`), for the
// editor and telemetry to read. A log that cannot be written or read never stops the hook.
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const GUARD_LOG_FILE = join('.agent-vitals', 'guard-log.jsonl');

export type GuardLogLine = { ts: string; event: 'decision' | 'audit'; sessionId: string | null } & Record<string, unknown>;

export function appendGuardLog(cwd: string, line: GuardLogLine): void {
  const file = join(cwd, GUARD_LOG_FILE);
  try {
    mkdirSync(dirname(file), { recursive: true });
    appendFileSync(file, `${JSON.stringify(line)}\n`);
  } catch (err) {
    process.stderr.write(`agent-vitals hook: could not record the ${line.event} in ${file}: ${(err as Error).message}\n`);
  }
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
