// Plays a recorded Claude Code session into a projects folder the way Claude Code writes it:
// one line at a time, paced, under <projects>/<encoded cwd>/<session>.jsonl, with the recorded
// {{WORKSPACE}} placeholder replaced by the real workspace folder. The extension's watcher
// then sees a live session (`npm start` demo, e2e tests).
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

export const DEMO_SESSION = 'test/e2e/workspace/claude-session/4b7e2c10-9d3a-4f6e-8a21-6c5d0e9f1b37.jsonl';

/** Claude Code's folder name for a cwd: every character outside [A-Za-z0-9] becomes '-'. */
export function claudeProjectFolder(cwd: string): string {
  return cwd.replace(/[^A-Za-z0-9]/g, '-');
}

export interface PlaybackOptions {
  recorded: string;
  projectsFolder: string;
  workspace: string;
  /** Pause after each assistant record, in ms. */
  assistantPauseMs: number;
  signal?: AbortSignal;
  onLine?: (index: number, total: number) => void;
}

/** Resolves with the session file once every line has been written. */
export async function playSession(opts: PlaybackOptions): Promise<string> {
  const lines = readFileSync(opts.recorded, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => l.replaceAll('{{WORKSPACE}}', opts.workspace));
  const folder = join(opts.projectsFolder, claudeProjectFolder(opts.workspace));
  mkdirSync(folder, { recursive: true });
  const file = join(folder, basename(opts.recorded));
  writeFileSync(file, '');
  for (const [i, line] of lines.entries()) {
    if (opts.signal?.aborted) break;
    appendFileSync(file, `${line}\n`);
    opts.onLine?.(i + 1, lines.length);
    if (/"type":"assistant"/.test(line)) await new Promise((r) => setTimeout(r, opts.assistantPauseMs));
  }
  return file;
}
