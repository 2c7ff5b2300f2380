// The probe graph reproduces the committed references on every fixture model, in one pass and
// token by token on a KV cache.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { meanRowNorm, ModelRequestError, ResidualProbe } from '../../../src/engine';
import { excessError, loadReference, modelFixtures, modelPath, rows } from './model-fixtures';

const cacheDir = mkdtempSync(join(tmpdir(), 'vitals-probe-'));
after(() => rmSync(cacheDir, { recursive: true, force: true }));

for (const fixture of modelFixtures()) {
  describe(`ResidualProbe on ${fixture.name}`, () => {
    const ref = loadReference(fixture);
    const allLayers = Array.from({ length: ref.numLayers }, (_, i) => i);
    const bytesPerKvValue = fixture.dtype === 'float16' ? 2 : 4;

    test('reads the model shape from the graph', async () => {
      const probe = await ResidualProbe.load(modelPath(fixture), { layers: [0], cacheDir, threads: 1 });
      // GroupQueryAttention reads a precomputed rotary table (max_position_embeddings = 512 rows).
      const rotary = fixture.style === 'gqa' ? { maxPositions: 512 } : {};
      assert.deepEqual(probe.shape, {
        numLayers: ref.numLayers,
        hiddenSize: ref.hiddenSize,
        numKvHeads: ref.numKvHeads,
        headDim: ref.headDim,
        kvDtype: fixture.dtype === 'float16' ? 'float16' : 'float32',
        ...rotary,
      });
      await probe.release();
    });

    test('activations at every layer match the reference (fp32/int8: 1e-4; fp16: one fp16 rounding step)', async () => {
      const probe = await ResidualProbe.load(modelPath(fixture), { layers: allLayers, cacheDir, threads: 1 });
      const { activations, past } = await probe.forward(ref.inputIds);
      assert.deepEqual([...activations.keys()], allLayers);
      for (const layer of allLayers) {
        const excess = excessError(activations.get(layer)!, ref.tensor(`residual.${layer}`), fixture.dtype);
        assert.ok(excess <= 0, `layer ${layer}: error exceeds the tolerance by ${excess}`);
      }
      assert.equal(past.length, ref.inputIds.length);
      const kvBytes = ref.numLayers * 2 * ref.numKvHeads * ref.headDim * ref.inputIds.length * bytesPerKvValue;
      assert.equal(past.bytes, kvBytes);
      past.dispose();
      await probe.release();
    });

    // Dynamic int8 quantization scales activations per run, so for the int8 fixture a chunked
    // pass is compared with onnxruntime's own chunked reference rather than with the full pass.
    const chunkedIsExact = fixture.dtype !== 'int8';
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
        assert.ok(
          excessError(first.activations.get(layer)!, expectedPrefix, fixture.dtype) <= 0,
          `prefix, layer ${layer}`,
        );
        // cont.residual.* is the reference's own KV-cache continuation (PyTorch or onnxruntime).
        const excess = excessError(second.activations.get(layer)!, ref.tensor(`cont.residual.${layer}`), fixture.dtype);
        assert.ok(excess <= 0, `continuation, layer ${layer}: error exceeds the tolerance by ${excess}`);
        if (chunkedIsExact)
          assert.ok(
            excessError(second.activations.get(layer)!, fullRest, fixture.dtype) <= 0,
            `vs full pass, layer ${layer}`,
          );
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
      assert.ok(excessError(activations.get(layer)!, ref.tensor(`residual.${layer}`), fixture.dtype) <= 0);
      assert.equal(past.bytes, (layer + 1) * 2 * ref.numKvHeads * ref.headDim * ref.inputIds.length * bytesPerKvValue);
      past.dispose();
      await probe.release();
    });

    if (fixture.style === 'gqa') {
      test('a run past the rotary table is a clear error, up to its end it runs', async () => {
        const probe = await ResidualProbe.load(modelPath(fixture), { layers: [0], cacheDir, threads: 1 });
        const ids = Array.from({ length: 512 }, (_, i) => ref.inputIds[i % ref.inputIds.length]!);
        const first = await probe.forward(ids.slice(0, 500));
        await assert.rejects(
          probe.forward(ids.slice(0, 13), first.past),
          (e: unknown) => e instanceof ModelRequestError && /reach position 513.*covers 512/.test(e.message),
        );
        const last = await probe.forward(ids.slice(0, 12), first.past);
        assert.equal(last.past.length, 512);
        first.past.dispose();
        last.past.dispose();
        await probe.release();
      });
    }

    test('mean residual norms are measured from the probed activations', async () => {
      const probe = await ResidualProbe.load(modelPath(fixture), { layers: allLayers, cacheDir, threads: 1 });
      const norms = await probe.meanResidualNorms(ref.inputIds);
      for (const layer of allLayers) {
        const expected = meanRowNorm(ref.tensor(`residual.${layer}`), ref.hiddenSize, 1);
        assert.ok(
          Math.abs(norms.get(layer)! - expected) <= 1e-3 * expected,
          `layer ${layer}: ${norms.get(layer)} vs ${expected}`,
        );
      }
      await probe.release();
    });
  });
}

// Reduced-precision graphs against the fp32 PyTorch residuals: relative error ‖Δ‖/‖r‖ per layer.
const PYTORCH_RELATIVE_TOLERANCE = { int8: 0.15, float16: 0.01, int4: 0.6 } as const;
for (const variant of modelFixtures().filter((f) => f.dtype !== 'float32')) {
  const bound = PYTORCH_RELATIVE_TOLERANCE[variant.dtype as keyof typeof PYTORCH_RELATIVE_TOLERANCE];
  test(`${variant.name} stays near the fp32 PyTorch residuals (relative error ≤ ${bound})`, async () => {
    const fp32 = modelFixtures().find(
      (f) => f.arch === variant.arch && f.style === variant.style && f.dtype === 'float32',
    )!;
    const ref = loadReference(fp32);
    const layers = Array.from({ length: ref.numLayers }, (_, i) => i);
    const probe = await ResidualProbe.load(modelPath(variant), { layers, cacheDir, threads: 1 });
    const { activations, past } = await probe.forward(ref.inputIds);
    for (const layer of layers) {
      const error = relativeError(activations.get(layer)!, ref.tensor(`residual.${layer}`));
      assert.ok(error > 0, 'reduced precision changes the residuals');
      assert.ok(error <= bound, `layer ${layer}: ‖Δ‖/‖r‖ = ${error}`);
    }
    past.dispose();
    await probe.release();
  });
}

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
