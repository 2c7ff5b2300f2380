// The bundled demo model (fixture:emotion-tiny, trained on the project's corpus) opened the way
// `agent-vitals experiment` opens a model: resolved offline, with an empty cache, so its vectors
// are the ones shipped in its folder.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openExperimentModel, type OpenedExperimentModel } from '../../../src/experiments/experiment-model';
import { resolveModel } from '../../../src/model-store/model-store';

export const DEMO_MODEL = 'fixture:emotion-tiny';

export async function openDemoExperimentModel(): Promise<OpenedExperimentModel & { cacheDir: string }> {
  const cacheDir = mkdtempSync(join(tmpdir(), 'av-experiments-'));
  const resolved = await resolveModel(DEMO_MODEL, { dtype: 'fp32', cacheDir, offline: true });
  return { ...(await openExperimentModel(DEMO_MODEL, resolved, { cacheDir })), cacheDir };
}
