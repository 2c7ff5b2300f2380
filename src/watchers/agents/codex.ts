import { basename, relative, sep } from 'node:path';
import { CodexReader } from '../codex';
import type { TranscriptAgent } from './agent';
import { firstJson, has } from './head';

/** Codex's YYYY/MM/DD folders: only days from `since` on (folders with other names are kept). */
function codexDayFolder(root: string, dir: string, since: Date): boolean {
  const parts = relative(root, dir).split(sep);
  if (!parts.every((p) => /^\d+$/.test(p))) return true;
  const wanted = [
    String(since.getFullYear()),
    String(since.getMonth() + 1).padStart(2, '0'),
    String(since.getDate()).padStart(2, '0'),
  ];
  return parts.join('-') >= wanted.slice(0, parts.length).join('-');
}

export const codex: TranscriptAgent<'codex'> = {
  source: 'codex',
  label: 'Codex CLI / IDE',
  settingKey: 'watchers.codex',
  reads: "rollout JSONL under `~/.codex/sessions` (or `$CODEX_HOME`), matched by the session's `cwd`",
  detect: (_path, head) => {
    const first = firstJson(head);
    if (has(first, 'type', 'payload') && has(first, 'timestamp')) return true;
    return has(first, 'id', 'timestamp', 'instructions') && !('type' in first); // early rollouts
  },
  reader: (emitter, file) => new CodexReader(emitter, file),
  watchTargets: (_workspaceRoot, at, since) => [
    {
      source: 'codex',
      dir: at.codexSessions,
      accepts: (f) => /rollout-.*\.jsonl$/.test(basename(f)),
      matchByCwd: true,
      maxDepth: 3,
      descend: (dir) => codexDayFolder(at.codexSessions, dir, since),
    },
  ],
};
