// An ExperimentModel on a fixture decoder with vectors calibrated here on a reduced corpus (a few
// stories per emotion and a few of the neutral dialogues), so the suite stays fast.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCorpus, type Corpus } from '../../../src/corpus/format';
import { calibrate } from '../../../src/emotion/calibrate';
import { readVectorFile, writeVectorFile, type EmotionVectorSet } from '../../../src/emotion/vectors';
import { ModelActivationReader } from '../../../src/emotion/model-reader';
import { openExperimentModel, type OpenedExperimentModel } from '../../../src/experiments/open-model';
import { projectRoot } from '../../../src/model-store/model-spec';
import { resolveModel } from '../../../src/model-store/model-store';

export const EMOTIONS = ['desperate', 'calm', 'afraid', 'happy', 'sad', 'frustrated'];

function reducedCorpus(): Corpus {
  const full = loadCorpus(join(projectRoot(), 'vectors'));
  const stories = EMOTIONS.flatMap((e) => {
    const own = full.stories.filter((s) => s.emotion === e);
    return [...own.filter((s) => s.split === 'train').slice(0, 8), ...own.filter((s) => s.split === 'heldout').slice(0, 3)];
  });
  const neutral = [...full.neutral.filter((d) => d.split === 'train').slice(0, 12), ...full.neutral.filter((d) => d.split === 'heldout').slice(0, 3)];
  return { emotions: full.emotions.filter((e) => EMOTIONS.includes(e.name)), stories, neutral, parseErrors: [] };
}

/**
 * Opens `fixture:<name>` with vectors calibrated on the reduced corpus (tokens from 20 on, all
 * layers). Calibration is deterministic, so the test files share one result through a temporary
 * file keyed by the model file and the corpus.
 */
export async function openFixtureExperimentModel(name = 'tiny-qwen2'): Promise<OpenedExperimentModel & { cacheDir: string }> {
  const cacheDir = mkdtempSync(join(tmpdir(), 'av-experiments-'));
  const resolved = await resolveModel(`fixture:${name}`, { dtype: 'fp32', cacheDir, offline: true });
  const probe = await ModelActivationReader.open(`fixture:${name}`, resolved, { layers: [0, 1, 2, 3], cacheDir });
  let vectors: EmotionVectorSet;
  try {
    const corpus = reducedCorpus();
    // Keyed by everything the result depends on; /tmp may be shared with other checkouts.
    const key = createHash('sha256')
      .update(probe.model.fileHash)
      .update(JSON.stringify(corpus))
      .update(readFileSync(join(projectRoot(), 'src/emotion/calibrate.ts')))
      .update(readFileSync(join(projectRoot(), 'src/emotion/linalg.ts')))
      .digest('hex')
      .slice(0, 16);
    const shared = join(tmpdir(), `av-experiments-${name}-${key}.avv`);
    if (existsSync(shared)) {
      vectors = readVectorFile(shared, { model: probe.model });
    } else {
      ({ vectors } = await calibrate(corpus, probe, { tokenStart: 20 }));
      writeVectorFile(shared, vectors);
    }
  } finally {
    await probe.release();
  }
  const opened = await openExperimentModel(`fixture:${name}`, resolved, { cacheDir, vectors });
  return { ...opened, cacheDir };
}
