// What the random 0.5B-shaped benchmark model lacks to be served like a hub model: a tokenizer,
// and (for self-reading and steering) emotion vectors. Speed depends on neither's values.
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VECTOR_FILE_VERSION, writeVectorFile, type ModelIdentity } from '../src/emotion/vectors';
import { vectorFilePath } from '../src/emotion/vector-store';
import { seededRandom } from '../src/engine/sampling';

const FIXTURE_TOKENIZER = join('test', 'fixtures', 'models', 'tiny-qwen2');

/**
 * Gives a `folder` without a tokenizer the fixture model's. Its vocabulary is padded with
 * placeholder tokens up to the model's `vocabSize`, so that every id a random model generates
 * decodes to text (as with the real 151,936-entry tokenizer) and streams as a chunk; encoding is
 * unchanged, since the placeholders have no merges. A folder's own tokenizer is left alone.
 */
export function ensureTokenizer(folder: string, vocabSize: number): void {
  const path = join(folder, 'tokenizer.json');
  if (existsSync(path)) return;
  copyFileSync(join(FIXTURE_TOKENIZER, 'tokenizer_config.json'), join(folder, 'tokenizer_config.json'));
  const tokenizer = JSON.parse(readFileSync(join(FIXTURE_TOKENIZER, 'tokenizer.json'), 'utf8')) as {
    model: { vocab: Record<string, number> };
    added_tokens: { id: number }[];
  };
  const taken = new Set([...Object.values(tokenizer.model.vocab), ...tokenizer.added_tokens.map((t) => t.id)]);
  // 'Ġ' is the byte-level encoding of a space: each placeholder decodes to " w<id>".
  for (let id = 0; id < vocabSize; id++) if (!taken.has(id)) tokenizer.model.vocab[`Ġw${id}`] = id;
  writeFileSync(path, JSON.stringify(tokenizer));
}

/** Writes unit emotion vectors with seeded random directions for `model` into `cacheDir`'s vector
 *  store, at `layer`: what self-reading and steering need to run, with meaningless readings. */
export function writeRandomVectors(
  cacheDir: string,
  model: ModelIdentity,
  shape: { hiddenSize: number; numLayers: number },
  layer: number,
  emotions: string[],
): string {
  const random = seededRandom(1);
  const unit = () => {
    const v = Float32Array.from({ length: shape.hiddenSize }, () => random() - 0.5);
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  };
  const path = vectorFilePath(cacheDir, model);
  writeVectorFile(path, {
    header: {
      format: 'agent-vitals-emotion-vectors',
      version: VECTOR_FILE_VERSION,
      model,
      hiddenSize: shape.hiddenSize,
      numLayers: shape.numLayers,
      emotions,
      tokenStart: 0,
      pcaSource: 'neutral-tokens',
      pcaVarianceShare: 0,
      neutralTokensSampled: 0,
      storiesUsed: 0,
      storiesSkipped: 0,
      corpusHash: 'benchmark: random directions',
      createdAt: new Date().toISOString(),
      choice: { layer, reason: 'benchmark: random directions', perLayer: [] },
    },
    layers: [
      {
        layer,
        vectors: emotions.map(unit),
        baseline: emotions.map(() => ({ mean: 0, std: 1 })),
        storyMean: new Float32Array(shape.hiddenSize),
        componentsRemoved: 0,
        varianceRemoved: 0,
      },
    ],
  });
  return path;
}
