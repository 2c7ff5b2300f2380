// Calibration must recover a direction planted in a real ONNX model's token embeddings: the math
// is checked on the whole pipeline (tokenizer, probe graph, calibration) independently of
// training luck.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Corpus, NeutralDialogue, Story } from '../../../src/corpus/format';
import { calibrate } from '../../../src/emotion/calibrate';
import { cosine } from '../../../src/emotion/linalg';
import { ModelActivationReader } from '../../../src/emotion/model-reader';
import { readModel, writeModel } from '../../../src/engine/graph/model-file';
import { resolveModel } from '../../../src/model-store/model-store';
import { ModelTokenizer } from '../../../src/sidecar/chat-tokenizer';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

const PLANT_SCALE = 200;
const FILLER = 'the a of build test file line code run value step change note check report plan time'.split(' ');
// Letters the filler never uses: the planted words' tokens occur only where planted, and every
// other emotion uses equally rare control words in the same positions.
const PLANTED = ['zyq', 'qzy', 'yqz', 'zzq'];
const CONTROL = ['jxw', 'wjx', 'xwj', 'jjw'];

test('a direction planted in the embeddings of a word set is recovered by calibration (cosine ≥ 0.9)', async () => {
  const source = await resolveModel('fixture:tiny-qwen2');
  const folder = mkdtempSync(join(tmpdir(), 'av-planted-'));
  cpSync(source.folder, folder, { recursive: true, filter: (p) => !p.includes('reference') });
  const tokenizer = await ModelTokenizer.load(folder);
  const fillerIds = new Set(FILLER.flatMap((w) => tokenizer.encode(` ${w}`)));
  const plantedIds = new Set(PLANTED.flatMap((w) => tokenizer.encode(` ${w}`)).filter((id) => !fillerIds.has(id)));
  assert.ok(plantedIds.size >= 3, 'the planted words have tokens of their own');

  // Add a fixed unit direction × PLANT_SCALE to the embedding rows of the planted words' tokens. Each layer
  // reads the residual through an RMS norm, so its own additions stay bounded while the planted
  // component rides the residual stream to every layer.
  const onnxPath = join(folder, 'onnx', 'model.onnx');
  const model = readModel(onnxPath);
  const { hidden_size: hiddenSize, vocab_size: vocabSize } = JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8')) as { hidden_size: number; vocab_size: number };
  // The token-embedding table: gathered by token ids, [vocab × hidden] (rotary tables are gathered too).
  const table = model.graph!.initializer!.find(
    (t) => t.dims?.map(Number).join() === `${vocabSize},${hiddenSize}` && model.graph!.node!.some((n) => n.opType === 'Gather' && n.input?.[0] === t.name),
  )!;
  assert.ok(table, 'embedding table found');
  const [vocab, hidden] = table.dims!.map(Number);
  const raw = table.rawData!;
  const values = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  const r = rng(7);
  const direction = Float32Array.from({ length: hidden }, () => r() - 0.5);
  const n = Math.hypot(...direction);
  for (let i = 0; i < hidden; i++) direction[i] /= n;
  for (const id of plantedIds) {
    assert.ok(id < vocab);
    for (let i = 0; i < hidden; i++) values[id * hidden + i] += PLANT_SCALE * direction[i];
  }
  table.rawData = new Uint8Array(values.buffer);
  writeModel(model, onnxPath);

  // "desperate" stories carry the planted words; the other emotions and neutral dialogues do not.
  const emotions = ['desperate', 'calm', 'happy', 'sad'];
  const words = (k: number, special: readonly string[] | null) => {
    const wr = rng(k + 1);
    const pick = (list: readonly string[]) => list[Math.floor(wr() * list.length)];
    return Array.from({ length: 120 }, (_, i) => pick(special && i % 3 === 0 ? special : FILLER)).join(' ');
  };
  const stories: Story[] = emotions.flatMap((e, ei) =>
    Array.from({ length: 12 }, (_, k) => ({
      id: `${e}-${k}`, emotion: e, topic: `t${k}`, setting: 'technical' as const, person: 'first' as const,
      split: k % 4 === 0 ? ('heldout' as const) : ('train' as const), text: words(ei * 100 + k, e === 'desperate' ? PLANTED : CONTROL), file: 'planted', line: k,
    })),
  );
  const neutral: NeutralDialogue[] = Array.from({ length: 20 }, (_, k) => ({
    id: `n${k}`, topic: 'x', code: true, split: 'train', file: 'planted', line: k,
    messages: [{ role: 'user', text: words(1000 + k, null) }, { role: 'assistant', text: words(2000 + k, null) }],
  }));
  const corpus: Corpus = { emotions: emotions.map((name) => ({ name, valence: '+', arousal: 'low', banned: [] })), stories, neutral, parseErrors: [] };

  const resolved = await resolveModel(folder);
  const reader = await ModelActivationReader.open(folder, resolved, { layers: [0, 1, 2, 3], threads: 2, cacheDir: mkdtempSync(join(tmpdir(), 'av-planted-cache-')) });
  try {
    const { vectors } = await calibrate(corpus, reader, { tokenStart: 20 });
    const cosines = vectors.layers.map((l) => cosine(l.vectors[0], direction));
    const shown = cosines.map((c) => c.toFixed(3)).join(', ');
    // Every layer adds its own bounded changes at the planted positions, so recovery is cleanest
    // near the embedding and degrades slowly with depth (measured: 0.967, 0.943, 0.943, 0.884).
    for (const l of [0, 1, 2]) assert.ok(cosines[l] >= 0.9, `cosine with the planted direction per layer: ${shown}`);
    assert.ok(cosines[3] >= 0.85, `cosine with the planted direction per layer: ${shown}`);
  } finally {
    await reader.release();
  }
});
