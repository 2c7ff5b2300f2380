// The probe graph reproduces the committed references on every fixture model, in one pass and
// token by token on a KV cache.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { meanRowNorm, ResidualProbe } from '../../../src/engine';
import { loadReference, maxAbsDiff, modelFixtures, modelPath, rows } from './model-fixtures';

const TOLERANCE = 1e-4;
const cacheDir = mkdtempSync(join(tmpdir(), 'vitals-probe-'));
after(() => rmSync(cacheDir, { recursive: true, force: true }));

for (const fixture of modelFixtures()) {
  describe(`ResidualProbe on ${fixture.name}`, () => {
    const ref = loadReference(fixture);
    const allLayers = Array.from({ length: ref.numLayers }, (_, i) => i);

    test('reads the model shape from the graph', async () => {
      const probe = await ResidualProbe.load(modelPath(fixture), { layers: [0], cacheDir, threads: 1 });
      assert.deepEqual(probe.shape, { numLayers: ref.numLayers, hiddenSize: ref.hiddenSize, numKvHeads: ref.numKvHeads, headDim: ref.headDim, kvDtype: 'float32' });
      await probe.release();
    });

    test(`activations at every layer match the reference within ${TOLERANCE}`, async () => {
      const probe = await ResidualProbe.load(modelPath(fixture), { layers: allLayers, cacheDir, threads: 1 });
      const { activations, past } = await probe.forward(ref.inputIds);
      assert.deepEqual([...activations.keys()], allLayers);
      for (const layer of allLayers) {
        const diff = maxAbsDiff(activations.get(layer)!, ref.tensor(`residual.${layer}`));
        assert.ok(diff <= TOLERANCE, `layer ${layer}: max |Δ| ${diff}`);
      }
      assert.equal(past.length, ref.inputIds.length);
      const kvBytes = ref.numLayers * 2 * ref.numKvHeads * ref.headDim * ref.inputIds.length * 4;
      assert.equal(past.bytes, kvBytes);
      past.dispose();
      await probe.release();
    });

    // Dynamic int8 quantization scales activations per run, so for the int8 fixture a chunked
    // pass is compared with onnxruntime's own chunked reference rather than the full pass.
    const chunkedIsExact = fixture.dtype === 'float32';
    test('a continuation on the KV cache gives the same activations as a full pass', async () => {
      const probe = await ResidualProbe.load(modelPath(fixture), { layers: allLayers, cacheDir, threads: 1 });
      const prefix = ref.inputIds.slice(0, ref.prefixLength);
      const rest = ref.inputIds.slice(ref.prefixLength);
      const first = await probe.forward(prefix);
      const second = await probe.forward(rest, first.past);
      assert.equal(second.past.length, ref.inputIds.length);
      for (const layer of allLayers) {
        const full = ref.tensor(`residual.${layer}`);
        const fullPrefix = rows(full, ref.hiddenSize, 0, ref.prefixLength);
        const fullRest = rows(full, ref.hiddenSize, ref.prefixLength, ref.inputIds.length);
        const expectedPrefix = chunkedIsExact ? fullPrefix : ref.tensor(`prefix.residual.${layer}`);
        assert.ok(maxAbsDiff(first.activations.get(layer)!, expectedPrefix) <= TOLERANCE, `prefix, layer ${layer}`);
        // cont.residual.* is the reference's own KV-cache continuation (PyTorch or onnxruntime).
        const diff = maxAbsDiff(second.activations.get(layer)!, ref.tensor(`cont.residual.${layer}`));
        assert.ok(diff <= TOLERANCE, `continuation, layer ${layer}: max |Δ| ${diff}`);
        if (chunkedIsExact) assert.ok(maxAbsDiff(second.activations.get(layer)!, fullRest) <= TOLERANCE, `vs full pass, layer ${layer}`);
      }
      first.past.dispose();
      second.past.dispose();
      await probe.release();
    });

    test('a probe of one middle layer keeps only the KV cache of the layers below it', async () => {
      const layer = 1;
      const probe = await ResidualProbe.load(modelPath(fixture), { layers: [layer], cacheDir, threads: 1 });
      const { activations, past } = await probe.forward(ref.inputIds);
      assert.deepEqual([...activations.keys()], [layer]);
      assert.ok(maxAbsDiff(activations.get(layer)!, ref.tensor(`residual.${layer}`)) <= TOLERANCE);
      assert.equal(past.bytes, (layer + 1) * 2 * ref.numKvHeads * ref.headDim * ref.inputIds.length * 4);
      past.dispose();
      await probe.release();
    });

    test('mean residual norms are measured from the probed activations', async () => {
      const probe = await ResidualProbe.load(modelPath(fixture), { layers: allLayers, cacheDir, threads: 1 });
      const norms = await probe.meanResidualNorms(ref.inputIds);
      for (const layer of allLayers) {
        const expected = meanRowNorm(ref.tensor(`residual.${layer}`), ref.hiddenSize, 1);
        assert.ok(Math.abs(norms.get(layer)! - expected) <= 1e-3, `layer ${layer}: ${norms.get(layer)} vs ${expected}`);
      }
      await probe.release();
    });
  });
}

test('the int8 fixture stays near the fp32 PyTorch residuals (looser tolerance: relative error ≤ 0.15)', async () => {
  const quantized = modelFixtures().find((f) => f.dtype === 'int8');
  assert.ok(quantized, 'an int8 fixture is committed');
  const fp32 = modelFixtures().find((f) => f.arch === quantized.arch && f.style === quantized.style && f.dtype === 'float32')!;
  const ref = loadReference(fp32);
  const layers = Array.from({ length: ref.numLayers }, (_, i) => i);
  const probe = await ResidualProbe.load(modelPath(quantized), { layers, cacheDir, threads: 1 });
  const { activations, past } = await probe.forward(ref.inputIds);
  for (const layer of layers) {
    const error = relativeError(activations.get(layer)!, ref.tensor(`residual.${layer}`));
    assert.ok(error > 0, 'int8 weights change the residuals');
    assert.ok(error <= 0.15, `layer ${layer}: ‖Δ‖/‖r‖ = ${error}`);
  }
  past.dispose();
  await probe.release();
});

/** ‖a − b‖ / ‖b‖ over all values. */
function relativeError(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < b.length; i++) {
    diff += (a[i]! - b[i]!) ** 2;
    norm += b[i]! ** 2;
  }
  return Math.sqrt(diff / norm);
}
