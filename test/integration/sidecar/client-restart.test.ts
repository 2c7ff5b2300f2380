import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SidecarClient, type CrashInfo } from '../../../src/sidecar-client/sidecar-client';
import { Methods } from '../../../src/contracts/rpc-methods';
import { SidecarError } from '../../../src/contracts/rpc-errors';
import { FIXTURE, LAYERS } from './helpers';

test('a killed sidecar is restarted with backoff, the reason is reported, and state is restored', async () => {
  const restored: number[] = [];
  const client = new SidecarClient({
    sidecarPath: 'dist/sidecar.js',
    crashPolicy: { initialDelayMs: 150 },
    onRestarted: async (c) => {
      restored.push(c.pid!);
      await c.request(Methods.loadModel, { model: FIXTURE, layers: LAYERS, threads: 1 });
    },
    resendAfterRestart: (method) => method === 'openConversation',
  });
  try {
    await client.request(Methods.loadModel, { model: FIXTURE, layers: LAYERS, threads: 1 });
    const first = (await client.request(Methods.status)).pid;

    const crash = once(client, 'crash') as Promise<[CrashInfo]>;
    const replayed = client.request(Methods.openConversation, {
      conversationId: 'kept',
      messages: [{ role: 'user', content: 'hello there' }],
    });
    const dropped = client.request(Methods.status);
    process.kill(first, 'SIGKILL');
    const [info] = await crash;
    assert.equal(info.signal, 'SIGKILL');
    assert.match(info.reason, /killed by SIGKILL/);
    assert.equal(info.restartInMs, 150);
    assert.equal(info.crashesInWindow, 1);

    // Not chosen for replay: fails with the reason. Chosen: answered by the new process.
    await assert.rejects(
      dropped,
      (err: unknown) => err instanceof SidecarError && err.kind === 'sidecar-crashed' && /SIGKILL/.test(err.message),
    );
    const result = await replayed;
    assert.equal(result.conversationId, 'kept');
    assert.ok(result.totalTokens > 0);

    const status = await client.request(Methods.status);
    assert.notEqual(status.pid, first);
    assert.deepEqual(restored, [status.pid]);
    assert.equal(status.state, 'ready', 'the restart hook reloaded the model before the replay');
    assert.deepEqual(
      status.conversations.map((c) => c.conversationId),
      ['kept'],
    );
  } finally {
    await client.stop();
  }
});

test('after 5 crashes within the window the client gives up and says why', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'av-crash-'));
  const script = join(dir, 'crashing-sidecar.js');
  writeFileSync(script, "process.stderr.write('fatal: cannot load the native backend\\n'); process.exit(3);\n");
  const client = new SidecarClient({
    sidecarPath: script,
    crashPolicy: { initialDelayMs: 20, maxCrashes: 5, windowMs: 60_000 },
  });
  const crashes: CrashInfo[] = [];
  client.on('crash', (c) => crashes.push(c));
  const gaveUp = once(client, 'gaveUp') as Promise<[SidecarError]>;
  await client.start();
  const [error] = await gaveUp;
  assert.equal(client.state, 'failed');
  assert.deepEqual(
    crashes.map((c) => c.restartInMs),
    [20, 40, 80, 160, undefined],
    'exponential backoff, then none',
  );
  assert.ok(
    crashes.every(
      (c) => c.exitCode === 3 && /exited with code 3: fatal: cannot load the native backend/.test(c.reason),
    ),
  );
  assert.equal(error.kind, 'sidecar-gave-up');
  assert.match(error.message, /crashed 5 times in 1 minutes .*cannot load the native backend/);
  await assert.rejects(
    client.request(Methods.status),
    (err: unknown) => err instanceof SidecarError && err.kind === 'sidecar-gave-up',
  );
  await client.stop();
});
