// Calibration must recover a direction planted in a real ONNX model's token embeddings: the math
// is checked on the whole pipeline (tokenizer, probe graph, calibration) independently of
// training luck.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Corpus, NeutralDialogue, Story } from '../../../src/corpus/format';
import { calibrate } from '../../../src/emotion/calibrate';
import { cosine } from '../../../src/emotion/linalg';
import { LoadedModel } from '../../../src/model/loaded-model';
import { resolveModel } from '../../../src/model-store/model-store';
import { CONTROL, PLANTED, plantedModel, plantedText } from './planted-model';

const PLANT_SCALE = 200;

test('a direction planted in the embeddings of a word set is recovered by calibration (cosine ≥ 0.9)', async () => {
  const { folder, direction } = await plantedModel(PLANT_SCALE);

  // "desperate" stories carry the planted words; the other emotions and neutral dialogues do not.
  const emotions = ['desperate', 'calm', 'happy', 'sad'];
  const words = (k: number, special: readonly string[] | null) => plantedText(k + 1, special);
  const stories: Story[] = emotions.flatMap((e, ei) =>
    Array.from({ length: 12 }, (_, k) => ({
      id: `${e}-${k}`,
      emotion: e,
      topic: `t${k}`,
      setting: 'technical' as const,
      person: 'first' as const,
      split: k % 4 === 0 ? ('heldout' as const) : ('train' as const),
      text: words(ei * 100 + k, e === 'desperate' ? PLANTED : CONTROL),
      file: 'planted',
      line: k,
    })),
  );
  const neutral: NeutralDialogue[] = Array.from({ length: 20 }, (_, k) => ({
    id: `n${k}`,
    topic: 'x',
    code: true,
    split: 'train',
    file: 'planted',
    line: k,
    messages: [
      { role: 'user', text: words(1000 + k, null) },
      { role: 'assistant', text: words(2000 + k, null) },
    ],
  }));
  const corpus: Corpus = {
    emotions: emotions.map((name) => ({ name, valence: '+', arousal: 'low', banned: [] })),
    stories,
    neutral,
    parseErrors: [],
  };

  const resolved = await resolveModel(folder);
  const model = await LoadedModel.open(folder, resolved, {
    layers: [0, 1, 2, 3],
    threads: 2,
    cacheDir: mkdtempSync(join(tmpdir(), 'av-planted-cache-')),
  });
  const reader = model.activationSource();
  try {
    const { vectors } = await calibrate(corpus, reader, { tokenStart: 20 });
    const cosines = vectors.layers.map((l) => cosine(l.vectors[0], direction));
    const shown = cosines.map((c) => c.toFixed(3)).join(', ');
    // Every layer adds its own bounded changes at the planted positions, so recovery is cleanest
    // near the embedding and degrades slowly with depth (measured: 0.967, 0.943, 0.943, 0.884).
    for (const l of [0, 1, 2]) assert.ok(cosines[l] >= 0.9, `cosine with the planted direction per layer: ${shown}`);
    assert.ok(cosines[3] >= 0.85, `cosine with the planted direction per layer: ${shown}`);
  } finally {
    await model.release();
  }
});
