import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { SidecarClient } from '../../../src/sidecar-client/sidecar-client';
import { Methods, type ExperimentProgressNotice } from '../../../src/contracts/rpc-methods';
import { SidecarError } from '../../../src/contracts/rpc-errors';
import { runExperiment } from '../../../src/experiments/registry';
import { SHIPPED_VECTORS_FILE } from '../../../src/model/loaded-vectors';
import { DEMO_MODEL, openDemoExperimentModel } from './demo-model';

// `npm test` builds first: this talks to the shipped bundle, as the extension does.
const client = new SidecarClient({ sidecarPath: 'dist/sidecar.js' });
const fixture = openDemoExperimentModel();
after(async () => {
  await client.stop();
  await (await fixture).release();
});

async function rejectsKind(promise: Promise<unknown>, kind: string, pattern?: RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof SidecarError, String(err));
    assert.equal(err.kind, kind, err.message);
    if (pattern) assert.match(err.message, pattern);
    return true;
  });
}

test('runExperiment in the sidecar: same results as in-process, progress, cancellation, typed errors', async () => {
  const { model, cacheDir } = await fixture;
  await client.request(Methods.loadModel, { model: 'fixture:tiny-qwen2', threads: 1, cacheDir });
  await rejectsKind(client.request(Methods.runExperiment, { name: 'streak' }), 'vectors-missing', /calibrate/);
  // The demo model's vectors ship in its folder: with nothing in the cache, the sidecar finds them.
  const loaded = await client.request(Methods.loadModel, { model: DEMO_MODEL, threads: 1, cacheDir });
  assert.equal(loaded.vectors?.path, join(loaded.folder, SHIPPED_VECTORS_FILE));

  const progress: ExperimentProgressNotice[] = [];
  client.on('experimentProgress', (p) => progress.push(p));
  const params = { alphas: [0, 0.1], samples: 1, maxNewTokens: 8, seed: 3 };
  const remote = await client.request(Methods.runExperiment, { name: 'steer', params, progressToken: 'steer-1' });
  const local = await runExperiment('steer', params, model);
  assert.equal(remote.experiment, 'steer');
  if (remote.experiment !== 'steer' || local.experiment !== 'steer') return;
  assert.deepEqual(
    remote.alphas.map((a) => a.replies.map((r) => r.text)),
    local.alphas.map((a) => a.replies.map((r) => r.text)),
  );
  remote.alphas.forEach((a, i) =>
    assert.ok(Math.abs(a.meanReplyStart.desperate - local.alphas[i].meanReplyStart.desperate) < 1e-3),
  );
  assert.ok(progress.some((p) => p.progressToken === 'steer-1' && p.done === p.total));

  const streak = await client.request(Methods.runExperiment, { name: 'streak', params: { maxFailures: 3 } });
  const localStreak = await runExperiment('streak', { maxFailures: 3 }, model);
  if (streak.experiment !== 'streak' || localStreak.experiment !== 'streak') return assert.fail();
  streak.readings.desperate.forEach((z, i) => assert.ok(Math.abs(z - localStreak.readings.desperate[i]) < 1e-3));

  await rejectsKind(
    client.request(Methods.runExperiment, { name: 'steer', params: { alphas: [1] } }),
    'invalid-params',
    /alphas/,
  );
  const ac = new AbortController();
  const cancelled = client.request(Methods.runExperiment, { name: 'tone', progressToken: 'tone-1' }, ac.signal);
  client.once('experimentProgress', () => ac.abort());
  await assert.rejects(cancelled, (err: unknown) => err instanceof Error && /cancel/i.test(err.message));
  // The sidecar is still serving after a cancelled experiment.
  const again = await client.request(Methods.runExperiment, { name: 'score', params: { text: 'All green now.' } });
  assert.equal(again.experiment, 'score');
});
