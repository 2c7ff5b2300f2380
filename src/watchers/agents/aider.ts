import { join } from 'node:path';
import { AiderReader } from '../aider';
import type { TranscriptAgent } from './agent';

const HISTORY_FILE = '.aider.chat.history.md';

export const aider: TranscriptAgent<'aider'> = {
  source: 'aider',
  label: 'Aider',
  settingKey: 'watchers.aider',
  reads: '`.aider.chat.history.md` in the workspace folder',
  detect: (_path, head) => /^# aider chat started at/m.test(head),
  reader: (emitter, file) => new AiderReader(emitter, file),
  watchTargets: (workspaceRoot) => [
    {
      source: 'aider',
      dir: workspaceRoot,
      accepts: (f) => f === join(workspaceRoot, HISTORY_FILE),
      matchByCwd: false,
      maxDepth: 0,
      descend: () => false,
    },
  ],
  inWorkspaceFile: HISTORY_FILE,
};
