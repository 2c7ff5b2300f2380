import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  balancedCentre,
  calibrate,
  chooseLayer,
  CalibrationError,
  heldOutHalves,
} from '../../../src/emotion/calibrate';
import { cosine } from '../../../src/emotion/linalg';
import { decodeVectorFile, encodeVectorFile, layerVectors } from '../../../src/emotion/vectors';
import { syntheticWorld } from './synthetic-reader';

const emotions = ['desperate', 'calm', 'afraid', 'happy', 'sad'];

test('calibration recovers planted directions, removes shared confounds and picks the signal layer', async () => {
  const world = syntheticWorld({ emotions, hidden: 24, layers: 5, storiesPerEmotion: 25, seed: 3, signalLayer: 3 });
  const { vectors } = await calibrate(world.corpus, world.reader, { tokenStart: 30, minTokensAfterStart: 10 });
  assert.equal(vectors.header.choice.layer, 3, vectors.header.choice.reason);
  const layer = layerVectors(vectors, 3);
  assert.ok(layer.componentsRemoved >= 1, 'the dominant neutral confound directions are removed');
  // Vectors are emotion mean minus the valence-balanced centre, so compare with the planted
  // directions centred the same way (the world labels emotions +, −, +, −, +).
  const valences = world.corpus.emotions.map((e) => e.valence);
  const centre = balancedCentre(
    emotions.map((e) => world.planted.get(e)!),
    valences,
  );
  const centred = emotions.map((e) => Float64Array.from(world.planted.get(e)!, (x, i) => x - centre[i]));
  emotions.forEach((e, k) => {
    const c = cosine(layer.vectors[k], centred[k]);
    assert.ok(c >= 0.9, `${e}: cosine ${c.toFixed(3)} with the planted direction`);
  });
  const best = vectors.header.choice.perLayer.find((m) => m.layer === 3)!;
  assert.ok(best.top1Accuracy >= 0.9, `held-out top-1 ${best.top1Accuracy}`);
  assert.ok(best.desperateCalmAuroc >= 0.95, `AUROC ${best.desperateCalmAuroc}`);
  // Baseline: neutral tokens carry no emotion, so their z-scores centre on 0 with unit spread.
  for (const b of layer.baseline) assert.ok(b.std > 0);
});

test('stories too short for the token start are skipped and counted', async () => {
  const world = syntheticWorld({ emotions, hidden: 8, layers: 2, storiesPerEmotion: 10, seed: 5, signalLayer: 1 });
  // Texts encode their token count as 70…79 tokens; a start of 65 leaves 5–14 tokens after it.
  const { vectors } = await calibrate(world.corpus, world.reader, { tokenStart: 65, minTokensAfterStart: 10 });
  const expectedSkipped = world.corpus.stories.filter((s) => Number(s.text.split('|')[2]) < 75).length;
  assert.equal(vectors.header.storiesSkipped, expectedSkipped);
  assert.equal(vectors.header.storiesUsed + expectedSkipped, world.corpus.stories.length);
});

test('cancellation stops calibration with a clear error', async () => {
  const world = syntheticWorld({ emotions, hidden: 8, layers: 2, storiesPerEmotion: 10, seed: 5, signalLayer: 1 });
  const ac = new AbortController();
  const run = calibrate(world.corpus, world.reader, {
    tokenStart: 30,
    signal: ac.signal,
    onProgress: (p) => {
      if (p.done === 3) ac.abort();
    },
  });
  await assert.rejects(run, (err: unknown) => err instanceof CalibrationError && /cancelled/.test(err.message));
});

test('vector files round-trip exactly and detect corruption', async () => {
  const world = syntheticWorld({ emotions, hidden: 8, layers: 2, storiesPerEmotion: 10, seed: 9, signalLayer: 1 });
  const { vectors } = await calibrate(world.corpus, world.reader, { tokenStart: 30 });
  const bytes = encodeVectorFile(vectors);
  const back = decodeVectorFile(bytes);
  assert.deepEqual(back.header, vectors.header);
  assert.deepEqual(back.layers, vectors.layers);
  const corrupted = Buffer.from(bytes);
  corrupted[corrupted.length - 3] ^= 0xff;
  assert.throws(() => decodeVectorFile(corrupted), /checksum/);
  assert.throws(() => decodeVectorFile(bytes.subarray(0, bytes.length - 4)), /payload has/);
});

test('layer choice prefers separation, then two-thirds depth among near-ties', () => {
  const perLayer = [
    { layer: 0, top1Accuracy: 0.2, desperateCalmAuroc: 0.6 },
    { layer: 4, top1Accuracy: 0.8, desperateCalmAuroc: 0.95 },
    { layer: 7, top1Accuracy: 0.81, desperateCalmAuroc: 0.95 },
    { layer: 11, top1Accuracy: 0.5, desperateCalmAuroc: 0.9 },
  ];
  assert.equal(chooseLayer(perLayer, 12).layer, 7);
  assert.equal(chooseLayer(perLayer.slice(0, 2), 12).layer, 4);
});

test('the centre balances valence groups: each group counts half, whatever its size', () => {
  // Three negative emotions at −1 and one positive at +3 (one dimension): the plain mean of the
  // four is 0, the balanced centre is (3 + −1) / 2 = 1.
  const means = [[-1], [-1], [-1], [3]].map((m) => Float64Array.from(m));
  assert.ok(Math.abs(balancedCentre(means, ['-', '-', '-', '+'])[0] - 1) < 1e-12);
  assert.ok(
    Math.abs(balancedCentre(means, ['+', '+', '+', '+'])[0]) < 1e-12,
    'one group: the mean of the emotion means',
  );
});

test('held-out stories split per emotion into a layer-choice half and a report half, by id', () => {
  const world = syntheticWorld({ emotions, hidden: 8, layers: 2, storiesPerEmotion: 20, seed: 5, signalLayer: 1 });
  const halves = heldOutHalves(world.corpus.stories);
  const heldOut = world.corpus.stories.filter((s) => s.split === 'heldout');
  assert.equal(halves.size, heldOut.length);
  for (const e of emotions) {
    const own = heldOut.filter((s) => s.emotion === e).map((s) => halves.get(s.id));
    assert.equal(own.filter((h) => h === 'report').length, Math.floor(own.length / 2), e);
  }
  // Deterministic whatever the order stories come in.
  assert.deepEqual(heldOutHalves([...world.corpus.stories].reverse()), halves);
});
