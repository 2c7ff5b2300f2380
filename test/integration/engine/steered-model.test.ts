// Steering inputs leave the model unchanged at zero and reproduce PyTorch's forward-hook
// steering otherwise; generation is consistent with the KV cache and reproducible by seed.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ModelRequestError, SteeredModel } from '../../../src/engine';
import { argmax } from '../../../src/engine/sampling';
import { excessError, loadReference, maxAbsDiff, modelFixtures, modelPath, rows } from './model-fixtures';

const TOLERANCE = 1e-4;
const cacheDir = mkdtempSync(join(tmpdir(), 'vitals-steer-'));
after(() => rmSync(cacheDir, { recursive: true, force: true }));

function lastRow(matrix: Float32Array, tokens: number): Float32Array {
  const width = matrix.length / tokens;
  return rows(matrix, width, tokens - 1, tokens);
}

for (const fixture of modelFixtures()) {
  describe(`SteeredModel on ${fixture.name}`, () => {
    const ref = loadReference(fixture);
    const n = ref.inputIds.length;
    const steerLayer = ref.steer.layer;

    test('scale 0 leaves the logits unchanged, equal to the reference', async () => {
      const model = await SteeredModel.load(modelPath(fixture), { layers: [steerLayer], cacheDir, threads: 1 });
      const vector = loadReference(
        modelFixtures().find((f) => f.arch === fixture.arch && f.dtype === 'float32')!,
      ).tensor('steer.vector');
      const plain = await model.forward(ref.inputIds, undefined);
      const zero = await model.forward(ref.inputIds, undefined, [{ layer: steerLayer, vector, scale: 0 }]);
      assert.deepEqual(zero.logits, plain.logits);
      const excess = excessError(plain.logits, lastRow(ref.tensor('logits'), n), fixture.dtype);
      assert.ok(excess <= 0, `logits error exceeds the tolerance by ${excess}`);
      plain.past.dispose();
      zero.past.dispose();
      await model.release();
    });

    if (fixture.dtype !== 'float32' && ref.has('steer.logits')) {
      // The reference steers the same reduced-precision graph in Python onnxruntime, with the
      // closing Skip norm split into Add + Add(vector) + norm instead of the engine's bias input.
      test('a steering vector changes logits as steering the graph itself in Python onnxruntime does', async () => {
        const model = await SteeredModel.load(modelPath(fixture), { layers: [steerLayer], cacheDir, threads: 1 });
        const steered = await model.forward(ref.inputIds, undefined, [
          { layer: steerLayer, vector: ref.tensor('steer.vector'), scale: ref.steer.scale },
        ]);
        const expected = lastRow(ref.tensor('steer.logits'), n);
        assert.ok(maxAbsDiff(expected, lastRow(ref.tensor('logits'), n)) > 0.01, 'the reference steering matters');
        const diff = maxAbsDiff(steered.logits, expected);
        assert.ok(diff <= TOLERANCE, `steered logits max |Δ| ${diff}`);
        steered.past.dispose();
        await model.release();
      });
    } else if (fixture.dtype !== 'float32') {
      test('a steering vector moves the logits to where the fp32 PyTorch hook puts them', async () => {
        const fp32 = loadReference(modelFixtures().find((f) => f.arch === fixture.arch && f.dtype === 'float32')!);
        const model = await SteeredModel.load(modelPath(fixture), { layers: [steerLayer], cacheDir, threads: 1 });
        const steering = [{ layer: steerLayer, vector: fp32.tensor('steer.vector'), scale: fp32.steer.scale }];
        const plain = await model.forward(fp32.inputIds, undefined);
        const steered = await model.forward(fp32.inputIds, undefined, steering);
        const target = lastRow(fp32.tensor('steer.logits'), n);
        const before = maxAbsDiff(plain.logits, target);
        const after = maxAbsDiff(steered.logits, target);
        assert.ok(
          after < 0.25 * before,
          `steered logits are ${after} from PyTorch's steered logits, unsteered ones ${before}`,
        );
        plain.past.dispose();
        steered.past.dispose();
        await model.release();
      });
    } else {
      test('a steering vector changes logits exactly as the PyTorch hook does', async () => {
        const model = await SteeredModel.load(modelPath(fixture), { layers: [steerLayer], cacheDir, threads: 1 });
        const vector = ref.tensor('steer.vector');
        const steered = await model.forward(ref.inputIds, undefined, [
          { layer: steerLayer, vector, scale: ref.steer.scale },
        ]);
        const expected = lastRow(ref.tensor('steer.logits'), n);
        assert.ok(maxAbsDiff(expected, lastRow(ref.tensor('logits'), n)) > 0.01, 'the reference steering matters');
        const diff = maxAbsDiff(steered.logits, expected);
        assert.ok(diff <= TOLERANCE, `steered logits max |Δ| ${diff}`);
        // The exposed residual is the steered one: r + scale · v at every token.
        const residual = ref.tensor(`residual.${steerLayer}`);
        const shifted = residual.map((value, i) => value + ref.steer.scale * vector[i % ref.hiddenSize]!);
        assert.ok(maxAbsDiff(steered.residuals.get(steerLayer)!, shifted) <= TOLERANCE);
        steered.past.dispose();
        await model.release();
      });
    }

    // Dynamic int8 quantization and fp16 rounding make a cached step differ slightly from a full pass.
    if (fixture.dtype === 'float32' || fixture.dtype === 'int4') {
      test('greedy generation on the KV cache matches re-running the whole sequence', async () => {
        const model = await SteeredModel.load(modelPath(fixture), { layers: [steerLayer], cacheDir, threads: 1 });
        const prompt = ref.inputIds.slice(0, ref.prefixLength);
        const tokens: number[] = [];
        const generated = await model.generate(prompt, {
          maxNewTokens: 6,
          temperature: 0,
          seed: 1,
          stopIds: [],
          onToken: (id) => tokens.push(id),
        });
        assert.equal(generated.length, 6);
        assert.deepEqual(tokens, generated);
        const sequence = [...prompt];
        for (let i = 0; i < 6; i++) {
          const step = await model.forward(sequence, undefined);
          sequence.push(argmax(step.logits));
          step.past.dispose();
        }
        assert.deepEqual(generated, sequence.slice(prompt.length));
        await model.release();
      });
    }
  });
}

describe('SteeredModel generation options', () => {
  const fixture = modelFixtures()[0]!;
  const ref = loadReference(fixture);
  const prompt = ref.inputIds.slice(0, ref.prefixLength);

  test('sampling is reproducible by seed, and steering changes what is generated', async () => {
    const model = await SteeredModel.load(modelPath(fixture), { layers: [ref.steer.layer], cacheDir, threads: 1 });
    const opts = { maxNewTokens: 12, temperature: 1, topK: 20, stopIds: [] };
    const a = await model.generate(prompt, { ...opts, seed: 7 });
    const b = await model.generate(prompt, { ...opts, seed: 7 });
    assert.deepEqual(a, b);
    const steering = [{ layer: ref.steer.layer, vector: ref.tensor('steer.vector'), scale: 3 }];
    const steered = await model.generate(prompt, { ...opts, seed: 7, steering });
    assert.notDeepEqual(steered, a);
    await model.release();
  });

  test('a stop id ends generation and an aborted signal stops it', async () => {
    const model = await SteeredModel.load(modelPath(fixture), { layers: [ref.steer.layer], cacheDir, threads: 1 });
    const free = await model.generate(prompt, { maxNewTokens: 5, temperature: 0, seed: 0, stopIds: [] });
    const stopped = await model.generate(prompt, { maxNewTokens: 5, temperature: 0, seed: 0, stopIds: [free[1]!] });
    assert.deepEqual(stopped, free.slice(0, free.indexOf(free[1]!) + 1));
    const controller = new AbortController();
    const aborted = await model.generate(prompt, {
      maxNewTokens: 5,
      temperature: 0,
      seed: 0,
      stopIds: [],
      signal: controller.signal,
      onToken: () => controller.abort(),
    });
    assert.equal(aborted.length, 1);
    await model.release();
  });

  test('steering an unloaded layer or with a wrong-sized vector is a clear error', async () => {
    const model = await SteeredModel.load(modelPath(fixture), { layers: [ref.steer.layer], cacheDir, threads: 1 });
    const vector = ref.tensor('steer.vector');
    await assert.rejects(model.forward(prompt, undefined, [{ layer: 0, vector, scale: 1 }]), ModelRequestError);
    await assert.rejects(
      model.forward(prompt, undefined, [{ layer: ref.steer.layer, vector: vector.subarray(1), scale: 1 }]),
      /hidden size/,
    );
    await model.release();
  });
});
