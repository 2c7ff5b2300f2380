// Emotion vectors for a fixture model, written where the sidecar looks for them, so the e2e
// tests can watch scores arrive without calibrating. Test data: fixed directions, not learned.
import { join } from 'node:path';
import { sourceDigest } from '../../../src/engine/graph/graph-cache';
import { modelIdentity } from '../../../src/emotion/model-reader';
import { vectorFilePath } from '../../../src/emotion/vector-store';
import { writeVectorFile, type EmotionVectorSet } from '../../../src/emotion/vectors';
import { resolveModel } from '../../../src/model-store/model-store';

export const FIXTURE_MODEL_DIR = join(process.cwd(), 'test/fixtures/models/tiny-qwen2');
const EMOTIONS = ['desperate', 'calm', 'frustrated'];

export async function writeFixtureVectors(cacheDir: string, layer = 2): Promise<void> {
  const resolved = await resolveModel(FIXTURE_MODEL_DIR, { dtype: 'fp32', cacheDir });
  const identity = modelIdentity(FIXTURE_MODEL_DIR, resolved, await sourceDigest(resolved.onnxPath, join(cacheDir, 'graphs')));
  const hidden = 64;
  const vectors = EMOTIONS.map((_, k) => Float32Array.from({ length: hidden }, (_, i) => Math.cos(i * (k + 2) + k) / Math.sqrt(hidden / 2)));
  const set: EmotionVectorSet = {
    header: {
      format: 'agent-vitals-emotion-vectors', version: 1, model: identity, hiddenSize: hidden, numLayers: 4, emotions: EMOTIONS,
      tokenStart: 0, pcaSource: 'neutral-tokens', pcaVarianceShare: 0, neutralTokensSampled: 0, storiesUsed: 0,
      storiesSkipped: 0, corpusHash: 'e2e', createdAt: new Date(0).toISOString(),
      choice: { layer, reason: 'e2e test vectors', perLayer: [] },
    },
    layers: [{ layer, vectors, baseline: EMOTIONS.map(() => ({ mean: 0, std: 1 })), componentsRemoved: 0, varianceRemoved: 0 }],
  };
  writeVectorFile(vectorFilePath(cacheDir, identity), set);
}
