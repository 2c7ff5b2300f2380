// A copy of the random `tiny-qwen2` fixture with a fixed unit direction added to the token
// embeddings of a few made-up words: every layer reads the residual through an RMS norm, so its
// own additions stay bounded while the planted component rides the residual stream to every
// layer. Tests check the pipeline recovers (or reads) that direction, independently of training luck.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readModel, writeModel } from '../../../src/engine/graph/model-file';
import { resolveModel } from '../../../src/model-store/model-store';
import { ModelTokenizer } from '../../../src/model/chat-tokenizer';

export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

export const FILLER = 'the a of build test file line code run value step change note check report plan time'.split(' ');
// Letters the filler never uses: the planted words' tokens occur only where planted, and other
// texts use equally rare control words in the same positions.
export const PLANTED = ['zyq', 'qzy', 'yqz', 'zzq'];
export const CONTROL = ['jxw', 'wjx', 'xwj', 'jjw'];

/** `length` words of filler, every `every`-th drawn from `special` instead (none when null). */
export function plantedText(seed: number, special: readonly string[] | null, length = 120, every = 3): string {
  const wr = rng(seed);
  const pick = (list: readonly string[]) => list[Math.floor(wr() * list.length)];
  return Array.from({ length }, (_, i) => pick(special && i % every === 0 ? special : FILLER)).join(' ');
}

/** The model folder and the planted unit direction. */
export async function plantedModel(scale: number): Promise<{ folder: string; direction: Float32Array }> {
  const source = await resolveModel('fixture:tiny-qwen2');
  const folder = mkdtempSync(join(tmpdir(), 'av-planted-'));
  cpSync(source.folder, folder, { recursive: true, filter: (p) => !p.includes('reference') });
  const tokenizer = await ModelTokenizer.load(folder);
  const fillerIds = new Set(FILLER.flatMap((w) => tokenizer.encode(` ${w}`)));
  const plantedIds = new Set(PLANTED.flatMap((w) => tokenizer.encode(` ${w}`)).filter((id) => !fillerIds.has(id)));
  assert.ok(plantedIds.size >= 3, 'the planted words have tokens of their own');

  const onnxPath = join(folder, 'onnx', 'model.onnx');
  const model = readModel(onnxPath);
  const { hidden_size: hiddenSize, vocab_size: vocabSize } = JSON.parse(
    readFileSync(join(folder, 'config.json'), 'utf8'),
  ) as { hidden_size: number; vocab_size: number };
  // The token-embedding table: gathered by token ids, [vocab × hidden] (rotary tables are gathered too).
  const table = model.graph!.initializer!.find(
    (t) =>
      t.dims?.map(Number).join() === `${vocabSize},${hiddenSize}` &&
      model.graph!.node!.some((n) => n.opType === 'Gather' && n.input?.[0] === t.name),
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
    for (let i = 0; i < hidden; i++) values[id * hidden + i] += scale * direction[i];
  }
  table.rawData = new Uint8Array(values.buffer);
  writeModel(model, onnxPath);
  return { folder, direction };
}
