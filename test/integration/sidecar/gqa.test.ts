// The sidecar on a GroupQueryAttention export (inputs input_ids + attention_mask only, fused
// attention, 4-bit variant): a KV-cached conversation and generation give what the same weights
// give in the optimum-style export.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ResidualProbe } from '../../../src/engine';
import { decodeFloat32 } from '../../../src/contracts/float32';
import { Methods } from '../../../src/contracts/rpc-methods';
import { resolveModel } from '../../../src/model-store/model-store';
import { SidecarClient } from '../../../src/sidecar-client/sidecar-client';
import { assertClose, fullEncode, graphCache, LAYERS, loadFixture, TRANSCRIPT } from './helpers';

const GQA_FIXTURE = 'fixture:tiny-qwen2-gqa';
const HIDDEN = 64;
const client = new SidecarClient({ sidecarPath: 'dist/sidecar.js' });
const optimum = loadFixture();
const cacheDir = mkdtempSync(join(tmpdir(), 'av-gqa-'));
after(async () => {
  await client.stop();
  await (await optimum).probe.release();
});

/** Opens the first messages, appends the rest, and returns the appended tokens' activations. */
async function appendedActivations(): Promise<{ firstNewToken: number; activations: Map<number, Float32Array> }> {
  const opened = await client.request(Methods.openConversation, { messages: TRANSCRIPT.slice(0, 4) });
  const appended = await client.request(Methods.appendMessages, {
    conversationId: opened.conversationId,
    messages: TRANSCRIPT.slice(4),
  });
  assert.equal(appended.reusedTokens, opened.totalTokens, 'the append computed only the new tokens');
  await client.request(Methods.closeConversation, { conversationId: opened.conversationId });
  const activations = new Map(LAYERS.map((layer) => [layer, decodeFloat32(appended.activations![String(layer)])]));
  return { firstNewToken: appended.firstNewToken, activations };
}

test('a KV-cached conversation on the GQA export matches the optimum export of the same weights', async () => {
  const info = await client.request(Methods.loadModel, { model: GQA_FIXTURE, layers: LAYERS, threads: 1, cacheDir });
  assert.equal(info.numLayers, 4);
  assert.equal(info.hiddenSize, HIDDEN);
  const { firstNewToken, activations } = await appendedActivations();
  const { probe, tokenizer } = await optimum;
  const reference = await fullEncode(probe, tokenizer, TRANSCRIPT);
  for (const layer of LAYERS) {
    assertClose(
      activations.get(layer)!,
      reference.activations.get(layer)!.subarray(firstNewToken * HIDDEN),
      1e-4,
      `layer ${layer}`,
    );
  }
});

test('greedy generation on the GQA export picks the tokens the optimum export picks', async () => {
  const params = { messages: TRANSCRIPT.slice(0, 2), maxNewTokens: 8, temperature: 0 };
  await client.request(Methods.loadModel, { model: GQA_FIXTURE, threads: 1, cacheDir });
  const gqa = await client.request(Methods.generate, params);
  await client.request(Methods.loadModel, { model: 'fixture:tiny-qwen2', threads: 1, cacheDir });
  const plain = await client.request(Methods.generate, params);
  assert.equal(gqa.tokenIds.length, 8);
  assert.deepEqual(gqa.tokenIds, plain.tokenIds);
});

test('the 4-bit (MatMulNBits) variant loads as dtype q4 and its cached append matches its own full pass', async () => {
  await client.request(Methods.loadModel, { model: GQA_FIXTURE, dtype: 'q4', layers: LAYERS, threads: 1, cacheDir });
  const { firstNewToken, activations } = await appendedActivations();
  const resolved = await resolveModel(GQA_FIXTURE, { dtype: 'q4' });
  assert.match(resolved.onnxPath, /model_q4\.onnx$/);
  const probe = await ResidualProbe.load(resolved.onnxPath, { layers: LAYERS, threads: 1, cacheDir: graphCache });
  const { tokenizer } = await optimum;
  const reference = await fullEncode(probe, tokenizer, TRANSCRIPT);
  await probe.release();
  const fp32 = await fullEncode((await optimum).probe, tokenizer, TRANSCRIPT);
  for (const layer of LAYERS) {
    const expected = reference.activations.get(layer)!.subarray(firstNewToken * HIDDEN);
    assertClose(activations.get(layer)!, expected, 1e-4, `layer ${layer}`);
    const full = fp32.activations.get(layer)!.subarray(firstNewToken * HIDDEN);
    assert.ok(
      expected.some((v, i) => Math.abs(v - full[i]!) > 1e-3),
      '4-bit weights change the residuals',
    );
  }
});
