import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SidecarClient } from '../../../src/sidecar-client/sidecar-client';
import { Methods, type LoadProgress } from '../../../src/contracts/rpc-methods';
import { decodeFloat32, encodeFloat32 } from '../../../src/contracts/float32';
import { SidecarError } from '../../../src/contracts/rpc-errors';
import { tokenNorms } from '../../../src/model/token-norms';
import { assertClose, FIXTURE, fullEncode, LAYERS, loadFixture, TRANSCRIPT } from './helpers';

// `npm test` builds first: this talks to the shipped bundle, as the extension does.
const client = new SidecarClient({ sidecarPath: 'dist/sidecar.js' });
const fixture = loadFixture();
after(async () => {
  await client.stop();
  await (await fixture).probe.release();
});

async function rejectsKind(promise: Promise<unknown>, kind: string, pattern?: RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof SidecarError, String(err));
    assert.equal(err.kind, kind, err.message);
    if (pattern) assert.match(err.message, pattern);
    return true;
  });
}

test('protocol round trip against dist/sidecar.js on a fixture model', async () => {
  const idle = await client.request(Methods.status);
  assert.equal(idle.state, 'idle');
  await rejectsKind(client.request(Methods.appendMessages, { conversationId: 'x', messages: [] }), 'no-model-loaded');
  await rejectsKind(
    client.request(Methods.loadModel, { model: 'fixture:no-such-model' }),
    'model-not-found',
    /no-such-model/,
  );

  const progress: LoadProgress[] = [];
  client.on('loadProgress', (p) => progress.push(p));
  const cacheDir = mkdtempSync(join(tmpdir(), 'av-rt-'));
  const info = await client.request(Methods.loadModel, {
    model: FIXTURE,
    layers: LAYERS,
    threads: 1,
    cacheDir,
    progressToken: 'load-1',
  });
  assert.deepEqual(info.layers, LAYERS);
  assert.equal(info.numLayers, 4);
  assert.equal(info.hiddenSize, 64);
  assert.ok(info.weightBytes > 0);
  assert.deepEqual(
    progress.map((p) => [p.progressToken, p.phase]),
    [
      ['load-1', 'prepare'],
      ['load-1', 'ready'],
    ],
  );

  const { probe, tokenizer } = await fixture;
  const opened = await client.request(Methods.openConversation, {
    conversationId: 'run-1',
    messages: TRANSCRIPT.slice(0, 4),
  });
  assert.equal(opened.conversationId, 'run-1');
  assert.equal(opened.reusedTokens, 0);
  const appended = await client.request(Methods.appendMessages, {
    conversationId: 'run-1',
    messages: TRANSCRIPT.slice(4),
  });
  assert.equal(appended.reusedTokens, opened.totalTokens, 'the second call computed only the new tokens');
  assert.equal(appended.firstNewToken, opened.totalTokens);

  const reference = await fullEncode(probe, tokenizer, TRANSCRIPT);
  assert.deepEqual([...opened.newTokenIds, ...appended.newTokenIds], reference.ids);
  for (const layer of LAYERS) {
    const values = decodeFloat32(appended.activations![String(layer)]);
    assertClose(
      values,
      reference.activations.get(layer)!.subarray(appended.firstNewToken * 64),
      1e-4,
      `layer ${layer}`,
    );
  }

  const asNorms = await client.request(Methods.openConversation, {
    messages: TRANSCRIPT.slice(0, 2),
    returns: 'norms',
  });
  assert.equal(asNorms.activations, undefined);
  const prefix = await fullEncode(probe, tokenizer, TRANSCRIPT.slice(0, 2));
  assertClose(decodeFloat32(asNorms.norms!['3']), tokenNorms(prefix.activations.get(3)!, 64), 1e-3, 'norms');

  const status = await client.request(Methods.status);
  assert.equal(status.state, 'ready');
  assert.deepEqual(status.conversations.map((c) => c.conversationId).sort(), [asNorms.conversationId, 'run-1'].sort());
  assert.ok(status.cacheBytes > 0);
  assert.ok(status.peakRssBytes >= status.rssBytes * 0.5);

  await rejectsKind(
    client.request(Methods.appendMessages, {
      conversationId: 'run-1',
      messages: [{ role: 'robot', content: 'hi' }] as never,
    }),
    'invalid-params',
    /Message 0 needs a role/,
  );
  await rejectsKind(
    client.request(Methods.openConversation, {
      conversationId: 'huge',
      messages: [{ role: 'user', content: 'word '.repeat(400) }],
    }),
    'context-overflow',
  );
  assert.ok(
    !(await client.request(Methods.status)).conversations.some((c) => c.conversationId === 'huge'),
    'a failed open leaves nothing behind',
  );

  assert.deepEqual(await client.request(Methods.closeConversation, { conversationId: 'run-1' }), { closed: true });
  await rejectsKind(
    client.request(Methods.appendMessages, { conversationId: 'run-1', messages: TRANSCRIPT.slice(0, 1) }),
    'conversation-not-found',
  );
  await rejectsKind(
    client.request(Methods.loadModel, { model: FIXTURE, dtype: 'q4', cacheDir }),
    'model-not-found',
    /no q4 weights/,
  );
});

test('generate streams tokens; zero steering changes nothing', async () => {
  const streamed: number[] = [];
  client.on('generatedToken', (t) => t.streamToken === 'g1' && streamed.push(t.tokenId));
  const messages = TRANSCRIPT.slice(0, 2);
  const plain = await client.request(Methods.generate, {
    messages,
    maxNewTokens: 6,
    temperature: 0,
    streamToken: 'g1',
  });
  assert.ok(plain.tokenIds.length > 0 && plain.tokenIds.length <= 6);
  assert.deepEqual(streamed, plain.tokenIds);
  const { tokenizer } = await fixture;
  assert.equal(plain.text, tokenizer.decode(plain.tokenIds));
  const zero = await client.request(Methods.generate, {
    messages,
    maxNewTokens: 6,
    temperature: 0,
    steering: [{ layer: 2, vector: encodeFloat32(new Float32Array(64).fill(0.5)), scale: 0 }],
  });
  assert.deepEqual(zero.tokenIds, plain.tokenIds);
});

test('agent-vitals serve speaks the same protocol', async () => {
  const served = new SidecarClient({ sidecarPath: 'dist/cli.js', args: ['serve'] });
  try {
    const status = await served.request(Methods.status);
    assert.equal(status.state, 'idle');
    assert.equal(status.pid, served.pid);
  } finally {
    await served.stop();
  }
});

test('shutdown ends the process cleanly', async () => {
  const own = new SidecarClient({ sidecarPath: 'dist/sidecar.js' });
  await own.start();
  const pid = own.pid!;
  let crashed = false;
  own.on('crash', () => (crashed = true));
  await own.stop();
  assert.equal(crashed, false);
  assert.throws(() => process.kill(pid, 0), /ESRCH/);
});
