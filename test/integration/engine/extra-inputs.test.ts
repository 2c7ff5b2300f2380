// Graph inputs beyond ids, mask, positions and cache that exporters add: the engine feeds the
// ones it knows (`num_logits_to_keep` / `logits_to_keep`) and refuses others by name.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { onnx } from 'onnx-proto';
import { ModelRequestError, ResidualProbe, SteeredModel } from '../../../src/engine';
import { readModel, writeModel } from '../../../src/engine/graph/model-file';
import { DataType, makeNode, makeValueInfo } from '../../../src/engine/graph/proto';
import { excessError, loadReference, modelFixtures, modelPath, rows } from './model-fixtures';

const work = mkdtempSync(join(tmpdir(), 'vitals-extra-inputs-'));
after(() => rmSync(work, { recursive: true, force: true }));

const fixture = modelFixtures().find((f) => f.name === 'tiny-llama')!;
const ref = loadReference(fixture);

/** The fixture with a scalar int64 input that, as in transformers' exports, keeps the logits of
 *  only the last k tokens (k = 0 keeps all): the hidden states are sliced to [-k:] before lm_head. */
function withLogitsToKeep(inputName: string): string {
  const model = readModel(modelPath(fixture));
  const graph = model.graph!;
  const lmHead = graph.node!.find((n) => (n.output ?? []).includes('logits'))!;
  const hidden = lmHead.input![0]!;
  const kept = `${hidden}/kept`;
  graph.node!.splice(
    graph.node!.indexOf(lmHead),
    0,
    makeNode('Neg', [inputName], ['keep/neg'], 'keep/Neg'),
    makeNode('Unsqueeze', ['keep/neg', 'keep/zero'], ['keep/starts'], 'keep/Unsqueeze'),
    makeNode('Slice', [hidden, 'keep/starts', 'keep/ends', 'keep/axes'], [kept], 'keep/Slice'),
  );
  lmHead.input![0] = kept;
  const int64 = (name: string, value: bigint) =>
    onnx.TensorProto.create({
      name,
      dataType: DataType.INT64,
      dims: [1],
      rawData: new Uint8Array(BigInt64Array.of(value).buffer),
    });
  graph.initializer!.push(int64('keep/zero', 0n), int64('keep/axes', 1n), int64('keep/ends', 2n ** 62n));
  graph.input!.push(makeValueInfo(inputName, DataType.INT64, []));
  const path = join(work, `${inputName}.onnx`);
  writeModel(model, path);
  return path;
}

function lastRow(matrix: Float32Array, tokens: number): Float32Array {
  return rows(matrix, matrix.length / tokens, tokens - 1, tokens);
}

for (const inputName of ['num_logits_to_keep', 'logits_to_keep']) {
  describe(`a decoder with a ${inputName} input`, () => {
    const path = withLogitsToKeep(inputName);
    const n = ref.inputIds.length;

    test("loads for steering and gives the last token's logits of the reference", async () => {
      const model = await SteeredModel.load(path, { layers: [ref.steer.layer], cacheDir: work, threads: 1 });
      const step = await model.forward(ref.inputIds, undefined);
      const excess = excessError(step.logits, lastRow(ref.tensor('logits'), n), fixture.dtype);
      assert.ok(excess <= 0, `logits error exceeds the tolerance by ${excess}`);
      // The residuals still cover every token: only the logits are cut.
      assert.equal(step.residuals.get(ref.steer.layer)!.length, n * ref.hiddenSize);
      step.past.dispose();
      const generated = await model.generate(ref.inputIds.slice(0, ref.prefixLength), {
        maxNewTokens: 3,
        temperature: 0,
        seed: 0,
        stopIds: [],
      });
      assert.equal(generated.length, 3);
      await model.release();
    });

    test('loads for probing and reads the reference residuals', async () => {
      const probe = await ResidualProbe.load(path, { layers: [1], cacheDir: work, threads: 1 });
      const { activations, past } = await probe.forward(ref.inputIds);
      assert.ok(excessError(activations.get(1)!, ref.tensor('residual.1'), fixture.dtype) <= 0);
      past.dispose();
      await probe.release();
    });
  });
}

test('an input the engine cannot fill is refused by name', async () => {
  const model = readModel(modelPath(fixture));
  const graph = model.graph!;
  const lmHead = graph.node!.find((n) => (n.output ?? []).includes('logits'))!;
  // A float "temperature" input that scales the logits: nothing in the engine knows its value.
  graph.node!.push(makeNode('Mul', ['logits/raw', 'temperature'], ['logits'], 'scale/Mul'));
  lmHead.output![lmHead.output!.indexOf('logits')] = 'logits/raw';
  graph.input!.push(makeValueInfo('temperature', DataType.FLOAT, []));
  const path = join(work, 'temperature.onnx');
  writeModel(model, path);
  await assert.rejects(
    SteeredModel.load(path, { layers: [ref.steer.layer], cacheDir: work, threads: 1 }),
    (e: unknown) => e instanceof ModelRequestError && /unsupported model inputs temperature/.test(e.message),
  );
});
