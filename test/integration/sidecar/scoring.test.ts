import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SidecarClient } from '../../../src/sidecar-client/sidecar-client';
import { Methods, type CalibrationProgressNotice } from '../../../src/contracts/rpc-methods';
import { decodeFloat32 } from '../../../src/contracts/float32';
import { SidecarError } from '../../../src/contracts/rpc-errors';
import { sourceDigest } from '../../../src/engine/graph/graph-cache';
import { modelIdentity } from '../../../src/model/loaded-model';
import { vectorFilePath } from '../../../src/emotion/vector-store';
import {
  VECTOR_FILE_VERSION,
  writeVectorFile,
  type EmotionVectorSet,
  type ModelIdentity,
} from '../../../src/emotion/vectors';
import { dot } from '../../../src/emotion/linalg';
import { liveValidity } from '../../../src/emotion/live-validity';
import { resolveModel } from '../../../src/model-store/model-store';
import { FIXTURE, fullEncode, loadFixture, TRANSCRIPT } from './helpers';

const client = new SidecarClient({ sidecarPath: 'dist/sidecar.js' });
after(() => client.stop());

const LAYER = 2;
const EMOTIONS = ['desperate', 'calm', 'afraid'];

/** A vector file with known vectors, so scores can be checked against a direct computation. */
function knownVectors(model: ModelIdentity, hidden: number): EmotionVectorSet {
  const vectors = EMOTIONS.map((_, k) =>
    Float32Array.from({ length: hidden }, (_, i) => Math.sin(i * (k + 1) + k) / Math.sqrt(hidden / 2)),
  );
  const baseline = EMOTIONS.map((_, k) => ({ mean: 0.1 * k, std: 1 + k }));
  return {
    header: {
      format: 'agent-vitals-emotion-vectors',
      version: VECTOR_FILE_VERSION,
      model,
      hiddenSize: hidden,
      numLayers: 4,
      emotions: EMOTIONS,
      tokenStart: 50,
      pcaSource: 'neutral-tokens',
      pcaVarianceShare: 0.5,
      neutralTokensSampled: 1,
      storiesUsed: 1,
      storiesSkipped: 0,
      corpusHash: 'test',
      createdAt: new Date(0).toISOString(),
      choice: { layer: LAYER, reason: 'test vectors', perLayer: [] },
    },
    layers: [
      {
        layer: LAYER,
        vectors,
        baseline,
        storyMean: new Float32Array(hidden),
        componentsRemoved: 0,
        varianceRemoved: 0,
      },
    ],
  };
}

async function identity(cacheDir: string): Promise<ModelIdentity> {
  const resolved = await resolveModel(FIXTURE);
  return modelIdentity(FIXTURE, resolved, await sourceDigest(resolved.onnxPath, join(cacheDir, 'graphs')));
}

test('a calibrated model scores appended assistant turns: z = (v·h − μ) / σ per token', async () => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'av-score-'));
  const id = await identity(cacheDir);
  const set = knownVectors(id, 64);
  writeVectorFile(vectorFilePath(cacheDir, id), set);
  const info = await client.request(Methods.loadModel, { model: FIXTURE, threads: 1, cacheDir });
  assert.equal(info.vectors?.layer, LAYER);
  assert.deepEqual(info.vectors?.emotions, EMOTIONS);
  assert.ok(info.layers.includes(LAYER));
  // The host learns from the sidecar whether these readings may drive anything: a fixture model's never do.
  assert.deepEqual(info.vectors?.live, { valid: false, why: liveValidity(set).why });
  assert.match(info.vectors?.live.why ?? '', /demo model/);

  const first = await client.request(Methods.openConversation, {
    conversationId: 'c',
    messages: TRANSCRIPT.slice(0, 3),
    returns: 'scores',
  });
  const second = await client.request(Methods.appendMessages, {
    conversationId: 'c',
    messages: TRANSCRIPT.slice(3),
    returns: 'scores',
  });
  assert.ok(second.reusedTokens > 0, 'the second append reused the cache');
  assert.equal(first.activations, undefined);

  // Reference: the whole conversation in one pass, projected directly.
  const { probe, tokenizer } = await loadFixture([LAYER]);
  try {
    const { activations } = await fullEncode(probe, tokenizer, TRANSCRIPT);
    const rows = activations.get(LAYER)!;
    let checked = 0;
    for (const result of [first, second]) {
      const assistantSpans = result.spans.filter((s) => s.role === 'assistant');
      assert.equal(result.scores!.messages.length, assistantSpans.length);
      result.scores!.messages.forEach((m, k) => {
        const span = assistantSpans[k];
        // Only the message's own tokens are read: the template's header and end marker are not.
        assert.equal(m.tokens.length, span.contentEnd - span.contentStart);
        assert.ok(
          span.contentStart > span.start && span.contentEnd < span.end,
          'the template tokens lie outside the reading',
        );
        assert.ok(!m.tokens.some((t) => /<\|im_(start|end)\|>|^assistant$/.test(t)), m.tokens.join('|'));
        EMOTIONS.forEach((e, ei) => {
          const z = decodeFloat32(m.z[e]);
          for (let t = 0; t < z.length; t++) {
            const expected =
              (dot(set.layers[0].vectors[ei], rows, (span.contentStart + t) * 64) - set.layers[0].baseline[ei].mean) /
              set.layers[0].baseline[ei].std;
            assert.ok(Math.abs(z[t] - expected) < 1e-3, `${e} token ${t}: ${z[t]} vs ${expected}`);
            checked++;
          }
          const mean = z.reduce((a, b) => a + b, 0) / z.length;
          assert.ok(Math.abs(m.summary[e].mean - mean) < 1e-4);
        });
      });
    }
    assert.ok(checked > 30);
  } finally {
    await probe.release();
  }
});

test('a vector file made for another model is refused with the reason, and scoring says to calibrate', async () => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'av-score-'));
  const id = await identity(cacheDir);
  // The cache path of this model, holding a file whose header names another model file's digest.
  writeVectorFile(vectorFilePath(cacheDir, id), knownVectors({ ...id, fileHash: 'f'.repeat(64) }, 64));
  const info = await client.request(Methods.loadModel, { model: FIXTURE, threads: 1, cacheDir });
  assert.equal(info.vectors, null);
  assert.match(info.vectorsProblem ?? '', /recalibrate/);
  await assert.rejects(
    client.request(Methods.openConversation, { messages: TRANSCRIPT.slice(0, 3), returns: 'scores' }),
    (err: unknown) => err instanceof SidecarError && err.kind === 'vectors-missing' && /calibrate/.test(err.message),
  );
});

test('calibrate through the sidecar: progress, a cached vector file, the model reopened at the chosen layer', async () => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'av-cal-'));
  await client.request(Methods.loadModel, { model: FIXTURE, threads: 1, cacheDir });
  const progress: CalibrationProgressNotice[] = [];
  const listener = (p: CalibrationProgressNotice) => progress.push(p);
  client.on('calibrationProgress', listener);
  try {
    const result = await client.request(Methods.calibrate, { layers: [1, 2], progressToken: 'cal' });
    assert.ok([1, 2].includes(result.vectors.layer));
    assert.equal(result.perLayer.length, 2);
    assert.ok(result.storiesUsed > 1000);
    assert.ok(progress.some((p) => p.phase === 'stories' && p.done === p.total));
    assert.ok(progress.every((p) => p.progressToken === 'cal'));
    const status = await client.request(Methods.status);
    assert.equal(status.model?.vectors?.layer, result.vectors.layer);
    const scored = await client.request(Methods.openConversation, {
      messages: TRANSCRIPT.slice(0, 3),
      returns: 'scores',
    });
    assert.equal(scored.scores!.emotions.length, 20);
    for (const m of scored.scores!.messages)
      for (const e of scored.scores!.emotions) assert.ok(Number.isFinite(m.summary[e].mean));
  } finally {
    client.off('calibrationProgress', listener);
  }
});
