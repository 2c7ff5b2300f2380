// `agent-vitals export-vectors` on the emotion fixture model: files read back with a GGUF parser
// hold the calibrated directions at the requested layers; mismatches and overwrites are refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gguf } from '@huggingface/gguf';
import { runAgentVitalsInProcess } from '../../support/cli';
import { checkModelShape, ExportRefusedError } from '../../../src/emotion/control-vector-export';
import { decodeVectorFile, layerVectors } from '../../../src/emotion/vectors';
import { exportPaths } from '../../../src/cli/export-vectors';

const work = mkdtempSync(join(tmpdir(), 'av-export-vectors-'));
const cache = join(work, 'cache');
const FIXTURE_VECTORS = join(__dirname, '../../fixtures/models/emotion-tiny/agent-vitals-vectors.avv');
const calibrated = decodeVectorFile(readFileSync(FIXTURE_VECTORS));
const run = (args: string[]) =>
  runAgentVitalsInProcess([
    'export-vectors',
    '--model',
    'fixture:emotion-tiny',
    '--cache-dir',
    cache,
    '--format',
    'gguf',
    ...args,
  ]);

async function directions(path: string): Promise<{ hint: unknown; count: unknown; byName: Map<string, Float32Array> }> {
  const parsed = await gguf(path, { allowLocalFile: true });
  const bytes = readFileSync(path);
  const byName = new Map(
    parsed.tensorInfos.map((t) => {
      const start = Number(parsed.tensorDataOffset + t.offset);
      const n = Number(t.shape[0]);
      return [t.name, new Float32Array(bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + start + 4 * n))];
    }),
  );
  const meta = parsed.metadata as Record<string, unknown>;
  return { hint: meta['controlvector.model_hint'], count: meta['controlvector.layer_count'], byName };
}

test('two emotions at two layers: one file each, the calibrated unit directions under llama.cpp layer numbers', async () => {
  const out = join(work, 'steer.gguf');
  const r = await run(['--out', out, '--emotions', 'calm,desperate', '--layers', '3,2']);
  assert.equal(r.code, 0, r.err);
  assert.equal(existsSync(out), false);
  for (const emotion of ['calm', 'desperate']) {
    const path = join(work, `steer.${emotion}.gguf`);
    assert.match(
      r.out,
      new RegExp(`steer\\.${emotion}\\.gguf: ${emotion}, direction\\.2, direction\\.3 \\(96 values each\\)`),
    );
    const { hint, count, byName } = await directions(path);
    assert.equal(hint, 'qwen2');
    assert.equal(count, 2);
    assert.deepEqual([...byName.keys()], ['direction.2', 'direction.3']);
    const index = calibrated.header.emotions.indexOf(emotion);
    for (const layer of [2, 3])
      assert.deepEqual(byName.get(`direction.${layer}`), layerVectors(calibrated, layer).vectors[index]);
  }
});

test('by default: calm at the reading layer, written to --out itself', async () => {
  const out = join(work, 'calm.gguf');
  const r = await run(['--out', out]);
  assert.equal(r.code, 0, r.err);
  const { byName } = await directions(out);
  const layer = calibrated.header.choice.layer;
  assert.deepEqual([...byName.keys()], [`direction.${layer}`]);
  assert.deepEqual(
    byName.get(`direction.${layer}`),
    layerVectors(calibrated, layer).vectors[calibrated.header.emotions.indexOf('calm')],
  );
});

test('an existing file is replaced only with --force', async () => {
  const out = join(work, 'existing.gguf');
  writeFileSync(out, 'keep me');
  const refused = await run(['--out', out]);
  assert.equal(refused.code, 1);
  assert.match(refused.err, /existing\.gguf already exists; pass --force/);
  assert.equal(readFileSync(out, 'utf8'), 'keep me');
  const forced = await run(['--out', out, '--force']);
  assert.equal(forced.code, 0, forced.err);
  assert.equal(readFileSync(out).toString('ascii', 0, 4), 'GGUF');
});

test('layer 0, uncalibrated layers, unknown emotions and other formats are refused without writing', async () => {
  const out = join(work, 'refused.gguf');
  const cases: [string[], RegExp, number][] = [
    [['--layers', '0,2'], /cannot steer after layer 0/, 1],
    [['--layers', '7'], /no vectors for layer 7/, 1],
    [['--emotions', 'calm,serene'], /no calibrated vector for serene/, 1],
    [['--layers', 'two'], /--layers takes layer numbers/, 2],
  ];
  for (const [args, message, code] of cases) {
    const r = await run(['--out', out, ...args]);
    assert.equal(r.code, code, args.join(' '));
    assert.match(r.err, message);
  }
  const onnx = await runAgentVitalsInProcess([
    'export-vectors',
    '--model',
    'fixture:emotion-tiny',
    '--format',
    'onnx',
    '--out',
    out,
  ]);
  assert.equal(onnx.code, 2);
  assert.match(onnx.err, /--format takes gguf/);
  assert.equal(existsSync(out), false);
});

test("another model's vectors are refused", async () => {
  const out = join(work, 'other-model.gguf');
  const r = await runAgentVitalsInProcess([
    'export-vectors',
    '--model',
    'fixture:tiny-qwen2',
    '--cache-dir',
    cache,
    '--format',
    'gguf',
    '--out',
    out,
    '--vectors',
    FIXTURE_VECTORS,
  ]);
  assert.equal(r.code, 1);
  assert.match(r.err, /fixture:emotion-tiny/);
  assert.equal(existsSync(out), false);
});

test('a model whose width or depth differs from the vector file is refused', () => {
  assert.doesNotThrow(() => checkModelShape(calibrated, { hiddenSize: 96, numHiddenLayers: 4 }));
  assert.throws(
    () => checkModelShape(calibrated, { hiddenSize: 96, numHiddenLayers: 24 }),
    (e: unknown) => e instanceof ExportRefusedError && /96 and 24 layers.*96 and 4 layers/.test(e.message),
  );
  assert.throws(() => checkModelShape(calibrated, { hiddenSize: 64, numHiddenLayers: 4 }), ExportRefusedError);
});

test('several emotions get the emotion before the extension', () => {
  assert.deepEqual(
    [...exportPaths('/x/v.gguf', ['calm', 'desperate']).values()],
    ['/x/v.calm.gguf', '/x/v.desperate.gguf'],
  );
  assert.deepEqual([...exportPaths('/x/v.gguf', ['calm']).values()], ['/x/v.gguf']);
});
