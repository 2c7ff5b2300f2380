// Attack repros for the hub path: ids and revisions that leave the cache, a config.json whose
// numbers would size huge allocations, a cached model that still asks the network, and a hub
// that never answers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { env } from '@huggingface/transformers';
import { resolveModel } from '../../../src/model-store/model-store';
import { parseModelSpec } from '../../../src/model-store/model-spec';
import { ModelStoreError } from '../../../src/model-store/model-store-error';
import { DEFAULT_RETRY } from '../../../src/model-store/hub-retry';
import { startFakeHub, type FakeHub } from './fake-hub';

const work = mkdtempSync(join(tmpdir(), 'av-hubh-'));
let hub: FakeHub;

function makeRepo(name: string, config: object): string {
  const dir = join(work, 'repos', name);
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ model_type: 'qwen2', num_hidden_layers: 4, ...config }));
  writeFileSync(join(dir, 'tokenizer.json'), '{"model":{}}');
  writeFileSync(join(dir, 'tokenizer_config.json'), '{}');
  writeFileSync(join(dir, 'onnx', 'model.onnx'), Buffer.from(name.repeat(1000))); // distinct per repo: the fake CDN serves by hash
  return dir;
}

before(async () => {
  hub = await startFakeHub({
    'test-org/plain': makeRepo('plain', {}),
    'test-org/huge-config': makeRepo('huge-config', {
      'transformers.js_config': { use_external_data_format: 100_000_000 },
    }),
  });
  env.remoteHost = hub.url;
});
after(async () => {
  await hub.close();
  rmSync(work, { recursive: true, force: true });
});

function isError(kind: string, pattern: RegExp) {
  return (err: unknown) => err instanceof ModelStoreError && err.kind === kind && pattern.test(err.message);
}

test('revisions and ids outside the hub grammar are refused before anything is written', async () => {
  const cacheDir = mkdtempSync(join(work, 'cache-'));
  for (const bad of [
    'test-org/plain@../../../trav',
    'test-org/plain@a/../../b',
    'test-org/..',
    'test-org/plain@.hidden',
    'test-org/plain@x\\y',
    'test-org/plain@a b',
    'a--b/c',
    'test-org/plain@',
  ]) {
    assert.throws(() => parseModelSpec(bad), isError('model-not-found', /hub id|revision/), bad);
    await assert.rejects(resolveModel(bad, { cacheDir }), ModelStoreError, bad);
  }
  assert.deepEqual(
    readdirSync(work).filter((f) => f === 'trav' || f === 'b'),
    [],
  );
  assert.deepEqual(readdirSync(cacheDir), []);
  // Real revisions still parse: branches, tags, commit hashes and pull-request refs.
  for (const good of ['main', 'v1.0', '2f3a9c0e5b7d4a1f8e6c3b2a9d8e7f6a5b4c3d2e', 'refs/pr/12']) {
    assert.equal((parseModelSpec(`test-org/plain@${good}`) as { revision: string }).revision, good);
  }
});

test('a config.json declaring 100,000,000 data files is refused at once, naming the file', async () => {
  const cacheDir = mkdtempSync(join(work, 'cache-'));
  const started = Date.now();
  await assert.rejects(
    resolveModel('test-org/huge-config', { cacheDir }),
    isError(
      'unsupported-architecture',
      /config\.json declares transformers\.js_config\.use_external_data_format 100000000/,
    ),
  );
  // Offline, from the cache it left behind, the same refusal.
  await assert.rejects(
    resolveModel('test-org/huge-config', { cacheDir, offline: true }),
    isError('unsupported-architecture', /config\.json/),
  );
  assert.ok(Date.now() - started < 5000, `refused in ${Date.now() - started} ms`);
});

test('a fully cached hub model sends no request and loads with the network gone', async () => {
  const cacheDir = mkdtempSync(join(work, 'cache-'));
  await resolveModel('test-org/plain', { cacheDir });
  hub.requests.length = 0;
  const again = await resolveModel('test-org/plain', { cacheDir });
  assert.deepEqual(again.downloaded, []);
  assert.deepEqual(hub.requests, [], 'no HEAD for absent optional files (model.onnx_data, generation_config.json)');
  const host = env.remoteHost;
  env.remoteHost = 'http://127.0.0.1:9/'; // nothing listens: any request would fail
  try {
    assert.equal((await resolveModel('test-org/plain', { cacheDir })).onnxPath, again.onnxPath);
  } finally {
    env.remoteHost = host;
  }
});

test('a hub that never answers times out, naming the host and what timed out', async () => {
  const cacheDir = mkdtempSync(join(work, 'cache-'));
  const host = new URL(hub.url).host;
  hub.faults.set('test-org/plain/config.json', 'hang');
  const timeouts = { headersMs: 300, idleMs: 300 };
  await assert.rejects(
    resolveModel('test-org/plain', { cacheDir, timeouts }),
    isError(
      'download-failed',
      new RegExp(
        `${host.replace('.', '\\.')} did not answer within 0\\.3 s \\(waiting for the response to config\\.json\\)`,
      ),
    ),
  );
  hub.faults.set('test-org/plain/onnx/model.onnx', 'stall');
  // A stalled body is retried (hub-retry.test.ts); with one attempt the timeout itself shows.
  await assert.rejects(
    resolveModel('test-org/plain', { cacheDir, timeouts, retry: { ...DEFAULT_RETRY, attempts: 1 } }),
    isError(
      'download-failed',
      new RegExp(`${host.replace('.', '\\.')} sent nothing for 0\\.3 s \\(downloading onnx/model\\.onnx\\)`),
    ),
  );
  assert.equal(existsSync(join(cacheDir, 'test-org', 'plain', 'onnx', 'model.onnx.part')), false);
});
