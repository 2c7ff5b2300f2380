import { statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ClineReader } from '../cline';
import type { TranscriptAgent, WatchTarget } from './agent';

/** Cline's task history: a JSON array of `{ts, …}` messages. Roo Code writes the same. */
export function isClineTaskFile(head: string): boolean {
  return /^\[\s*\{\s*"ts"\s*:/.test(head.trimStart());
}

/** Roo Code's task folders, told apart from Cline's by path only (the content is the same). */
export function isRooPath(path: string): boolean {
  return /roo-?(?:cline|code)/i.test(path);
}

/** The task folders of a Cline-family extension in VS Code's global storage. */
export function clineTaskTargets(
  source: 'cline' | 'roo',
  extensionId: string,
  vscodeUser: string,
  since: Date,
): WatchTarget[] {
  return [
    {
      source,
      dir: join(vscodeUser, 'globalStorage', extensionId, 'tasks'),
      accepts: (f) => basename(f) === 'ui_messages.json',
      matchByCwd: true,
      maxDepth: 1,
      descend: (d) => {
        try {
          return statSync(d).mtimeMs >= since.getTime();
        } catch {
          return false;
        }
      },
    },
  ];
}

export const cline: TranscriptAgent<'cline'> = {
  source: 'cline',
  label: 'Cline',
  settingKey: 'watchers.cline',
  reads: "task folders in Cline's global storage, matched by the task's working directory",
  detect: (path, head) => isClineTaskFile(head) && !isRooPath(path),
  reader: (emitter, file) => new ClineReader(emitter, file),
  watchTargets: (_workspaceRoot, at, since) =>
    clineTaskTargets('cline', 'saoudrizwan.claude-dev', at.vscodeUser, since),
};
