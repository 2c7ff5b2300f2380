import { ClineReader } from '../cline';
import type { TranscriptAgent } from './agent';
import { clineTaskTargets, isClineTaskFile, isRooPath } from './cline';

export const roo: TranscriptAgent<'roo'> = {
  source: 'roo',
  label: 'Roo Code',
  settingKey: 'watchers.roo',
  reads: "task folders in Roo Code's global storage, matched by the task's working directory",
  detect: (path, head) => isClineTaskFile(head) && isRooPath(path),
  reader: (emitter, file) => new ClineReader(emitter, file),
  watchTargets: (_workspaceRoot, at, since) =>
    clineTaskTargets('roo', 'rooveterinaryinc.roo-cline', at.vscodeUser, since),
};
