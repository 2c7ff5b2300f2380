import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SidecarClient } from '../../../src/sidecar-client/sidecar-client';
import { Methods, type LoadProgress } from '../../../src/contracts/rpc-methods';
import { SidecarError } from '../../../src/contracts/rpc-errors';
import { projectRoot } from '../../../src/model-store/model-spec';
import { startFakeHub, type FakeHub } from '../model-store/fake-hub';

let hub: FakeHub;
let client: SidecarClient;
const REPO = 'test-org/tiny-qwen2';

before(async () => {
  hub = await startFakeHub({ [REPO]: join(projectRoot(), 'test', 'fixtures', 'models', 'tiny-qwen2') });
  // The sidecar reads the hub address from HF_ENDPOINT, like the hub's own clients.
  client = new SidecarClient({ sidecarPath: 'dist/sidecar.js', env: { ...process.env, HF_ENDPOINT: hub.url } });
});
after(async () => {
  await client.stop();
  await hub.close();
});

test('loadModel downloads a hub model through the sidecar with progress notifications', async () => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'av-hubload-'));
  const progress: LoadProgress[] = [];
  client.on('loadProgress', (p) => progress.push(p));
  const info = await client.request(Methods.loadModel, {
    model: REPO,
    dtype: 'q8',
    cacheDir,
    threads: 1,
    progressToken: 'dl',
  });
  assert.equal(info.folder, join(cacheDir, 'test-org', 'tiny-qwen2'));
  assert.match(info.onnxPath, /model_quantized\.onnx$/);
  const onnx = progress.filter((p) => p.file === 'onnx/model_quantized.onnx');
  assert.ok(onnx.length > 0 && onnx.every((p) => p.progressToken === 'dl' && p.phase === 'download'));
  assert.equal(onnx.at(-1)!.percent, 100);
  assert.equal(onnx.at(-1)!.loadedBytes, onnx.at(-1)!.totalBytes);
  assert.equal(progress.at(-1)!.phase, 'ready');
  const opened = await client.request(Methods.openConversation, {
    messages: [{ role: 'user', content: 'hello' }],
    returns: 'norms',
  });
  assert.ok(opened.totalTokens > 0);

  // Offline, the cached copy is enough; a variant that was never downloaded is named.
  await client.request(Methods.loadModel, { model: REPO, dtype: 'q8', cacheDir, offline: true, threads: 1 });
  await assert.rejects(
    client.request(Methods.loadModel, { model: REPO, dtype: 'fp32', cacheDir, offline: true }),
    (err: unknown) =>
      err instanceof SidecarError &&
      err.kind === 'offline-missing' &&
      err.data.missingFiles?.join() === 'onnx/model.onnx',
  );
});

test('aborting loadModel cancels the download over JSON-RPC and leaves no partial file', async () => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'av-hubcancel-'));
  hub.faults.set(`${REPO}/onnx/model.onnx`, 'stall');
  const controller = new AbortController();
  const onProgress = (p: LoadProgress) => p.file === 'onnx/model.onnx' && controller.abort();
  client.on('loadProgress', onProgress);
  try {
    await assert.rejects(
      client.request(Methods.loadModel, { model: REPO, cacheDir }, controller.signal),
      (err: unknown) => err instanceof SidecarError && err.kind === 'cancelled' && /cancelled/.test(err.message),
    );
  } finally {
    client.off('loadProgress', onProgress);
  }
  const onnxDir = join(cacheDir, 'test-org', 'tiny-qwen2', 'onnx');
  assert.deepEqual(existsSync(onnxDir) ? readdirSync(onnxDir) : [], []);
  // The sidecar is still healthy.
  assert.equal((await client.request(Methods.status)).state, 'ready');
});
