// Rewritten graphs are made once per source, share the source's weights, and never copy them.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { ResidualProbe } from '../../../src/engine';
import { deriveGraph } from '../../../src/engine/graph/graph-cache';
import { externalDataLocations, moveWeightsOut, readModel, writeModel } from '../../../src/engine/graph/model-file';
import { loadReference, maxAbsDiff, modelFixtures, modelPath } from './model-fixtures';

const root = mkdtempSync(join(tmpdir(), 'vitals-cache-'));
after(() => rmSync(root, { recursive: true, force: true }));
const fixture = modelFixtures()[0]!;
const ref = loadReference(fixture);

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

test('embedded weights are moved out once and shared by every derived graph', async () => {
  const cacheDir = join(root, 'embedded');
  const probe = await deriveGraph(modelPath(fixture), 'probe', [2, 0], cacheDir);
  assert.deepEqual(probe.layers, [0, 2]);
  const dataFiles = filesUnder(cacheDir).filter((f) => f.endsWith('.onnx_data'));
  assert.equal(dataFiles.length, 1);
  assert.equal(dirname(probe.path), dirname(dataFiles[0]!));
  assert.deepEqual(externalDataLocations(readModel(probe.path)), ['model.onnx_data']);

  const again = await deriveGraph(modelPath(fixture), 'probe', [0, 2], cacheDir);
  assert.equal(again.path, probe.path);
  assert.equal(statSync(again.path).mtimeMs, statSync(probe.path).mtimeMs, 'not rewritten');

  const steer = await deriveGraph(modelPath(fixture), 'steer', [1], cacheDir);
  assert.notEqual(steer.path, probe.path);
  assert.equal(filesUnder(cacheDir).filter((f) => f.endsWith('.onnx_data')).length, 1, 'weights not copied again');
  // The rewritten graph file holds no weights of its own.
  assert.ok(statSync(steer.path).size < statSync(dataFiles[0]!).size / 4);
});

test('a source with external data gets its derived graphs written beside it, reading the same data file', async () => {
  const modelDir = join(root, 'external-model', 'onnx');
  mkdirSync(modelDir, { recursive: true });
  const model = readModel(modelPath(fixture));
  moveWeightsOut(model, join(modelDir, 'model.onnx_data'), 'model.onnx_data');
  writeModel(model, join(modelDir, 'model.onnx'));
  copyFileSync(join(dirname(modelPath(fixture)), '..', 'config.json'), join(modelDir, '..', 'config.json'));
  const dataBefore = statSync(join(modelDir, 'model.onnx_data'));

  const cacheDir = join(root, 'external-cache');
  const layers = Array.from({ length: ref.numLayers }, (_, i) => i);
  const probe = await ResidualProbe.load(join(modelDir, 'model.onnx'), { layers, cacheDir, threads: 1 });
  assert.equal(dirname(probe.graphPath), modelDir);
  assert.deepEqual(externalDataLocations(readModel(probe.graphPath)), ['model.onnx_data']);
  assert.equal(filesUnder(modelDir).filter((f) => f.endsWith('.onnx_data')).length, 1);
  assert.equal(filesUnder(cacheDir).filter((f) => f.endsWith('.onnx_data') || f.endsWith('.onnx')).length, 0);
  assert.equal(statSync(join(modelDir, 'model.onnx_data')).mtimeMs, dataBefore.mtimeMs);

  const { activations, past } = await probe.forward(ref.inputIds);
  for (const layer of layers) assert.ok(maxAbsDiff(activations.get(layer)!, ref.tensor(`residual.${layer}`)) <= 1e-4);
  past.dispose();
  await probe.release();
});

test('a changed source file is rewritten again', async () => {
  const dir = join(root, 'changing');
  mkdirSync(dir);
  const source = join(dir, 'model.onnx');
  copyFileSync(modelPath(fixture), source);
  const cacheDir = join(root, 'changing-cache');
  const first = await deriveGraph(source, 'probe', [0], cacheDir);
  copyFileSync(modelPath(modelFixtures().find((f) => f.arch !== fixture.arch)!), source);
  utimesSync(source, new Date(), new Date(Date.now() + 5000));
  const second = await deriveGraph(source, 'probe', [0], cacheDir);
  assert.notEqual(second.path, first.path);
  assert.notEqual(second.shape.numLayers, first.shape.numLayers);
});
