// What the user told the editor about the guard's decisions: an edit the guard stopped that was
// in fact legitimate, for its whole file or one hunk. Kept in the project, in
// `.agent-vitals/guard-memory.jsonl`, because the hook runs without VS Code: the editor appends a
// mark, the hook reads them all before it decides, so both agree on one file. Appending one short
// line per mark lets two windows record at once without losing either; a torn line is skipped.
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { hunkFingerprint } from '../tamper/changed-lines';
import type { LegitimateMark } from '../tamper/flag-store';

export const GUARD_MEMORY_FILE = join('.agent-vitals', 'guard-memory.jsonl');

/** The marks of one project, asked about one edit at a time. */
export class GuardMemory {
  private readonly keys: Set<string>;

  constructor(readonly marks: readonly LegitimateMark[]) {
    this.keys = new Set(marks.map(markKey));
  }

  /** Whether the user said edits to this file, or this hunk of it, are legitimate. */
  covers(path: string, hunk: string): boolean {
    return this.keys.has(markKey({ path, hunk: null })) || this.keys.has(markKey({ path, hunk }));
  }
}

const markKey = (m: LegitimateMark): string => `${m.path}\0${m.hunk ?? '*'}`;

/** The hunk an edit is remembered by: the same fingerprint as a flag on that edit. */
export function editHunk(path: string, before: string | undefined, after: string | undefined): string {
  return hunkFingerprint(path, before ?? '', after ?? '');
}

function isMark(x: unknown): x is LegitimateMark {
  const m = x as Partial<LegitimateMark> | null;
  return (
    typeof m === 'object' && m !== null && typeof m.path === 'string' && (m.hunk === null || typeof m.hunk === 'string')
  );
}

/** The project's marks; none when there is no memory file. Lines that are not marks are skipped. */
export function readGuardMemory(projectDir: string): GuardMemory {
  let text: string;
  try {
    text = readFileSync(join(projectDir, GUARD_MEMORY_FILE), 'utf8');
  } catch {
    return new GuardMemory([]);
  }
  const marks: LegitimateMark[] = [];
  for (const line of text.split('\n')) {
    try {
      const value: unknown = JSON.parse(line);
      if (isMark(value)) marks.push({ path: value.path, hunk: value.hunk });
    } catch {
      // A torn or foreign line: the other marks still count.
    }
  }
  return new GuardMemory(marks);
}

/** Appends one mark; throws when the file cannot be written (the editor says so). */
export function rememberLegitimate(projectDir: string, mark: LegitimateMark, now: Date = new Date()): void {
  const file = join(projectDir, GUARD_MEMORY_FILE);
  mkdirSync(dirname(file), { recursive: true });
  appendFileSync(file, `${JSON.stringify({ path: mark.path, hunk: mark.hunk, ts: now.toISOString() })}\n`);
}
