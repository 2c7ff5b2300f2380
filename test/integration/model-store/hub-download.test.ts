import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { env } from '@huggingface/transformers';
import { resolveModel } from '../../../src/model-store/model-store';
import { ModelStoreError } from '../../../src/model-store/model-store-error';
import type { FileProgress } from '../../../src/model-store/hub-download';
import { DEFAULT_RETRY } from '../../../src/model-store/hub-retry';
import { startFakeHub, type FakeHub } from './fake-hub';

const work = mkdtempSync(join(tmpdir(), 'av-hub-'));
let hub: FakeHub;

function makeRepo(name: string, config: object, onnxFiles: Record<string, number>): string {
  const dir = join(work, 'repos', name);
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ model_type: 'qwen2', num_hidden_layers: 4, ...config }));
  writeFileSync(join(dir, 'tokenizer.json'), '{"model":{}}');
  writeFileSync(join(dir, 'tokenizer_config.json'), '{"chat_template": "{{ messages }}"}');
  writeFileSync(join(dir, 'generation_config.json'), '{"eos_token_id": 2}');
  for (const [file, size] of Object.entries(onnxFiles)) writeFileSync(join(dir, 'onnx', file), randomBytes(size));
  return dir;
}

const plain = makeRepo('plain', {}, { 'model.onnx': 300_000, 'model_quantized.onnx': 90_000 });
const external = makeRepo(
  'external',
  { 'transformers.js_config': { use_external_data_format: { 'model.onnx': true } } },
  { 'model.onnx': 20_000, 'model.onnx_data': 400_000 },
);

before(async () => {
  hub = await startFakeHub({ 'test-org/plain': plain, 'test-org/external': external });
  env.remoteHost = hub.url;
});
after(async () => {
  await hub.close();
  rmSync(work, { recursive: true, force: true });
});

function freshCache(): string {
  return mkdtempSync(join(work, 'cache-'));
}

async function rejectsWith(promise: Promise<unknown>, kind: string, pattern?: RegExp): Promise<ModelStoreError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof ModelStoreError, `expected a ModelStoreError, got ${String(err)}`);
    assert.equal(err.kind, kind, err.message);
    if (pattern) assert.match(err.message, pattern);
    return err;
  }
  assert.fail(`expected a '${kind}' error`);
}

test('downloads the chosen variant with progress, then serves it from the cache', async () => {
  const cacheDir = freshCache();
  const events: FileProgress[] = [];
  const model = await resolveModel('test-org/plain', { cacheDir, onProgress: (p) => events.push(p) });
  assert.equal(model.folder, join(cacheDir, 'test-org', 'plain'));
  assert.deepEqual(readFileSync(model.onnxPath), readFileSync(join(plain, 'onnx', 'model.onnx')));
  assert.deepEqual(model.downloaded.sort(), [
    'config.json',
    'generation_config.json',
    'onnx/model.onnx',
    'tokenizer.json',
    'tokenizer_config.json',
  ]);
  assert.equal(model.weightBytes, 300_000);
  const onnx = events.filter((e) => e.file === 'onnx/model.onnx');
  assert.ok(onnx.length > 1, 'several progress events for the large file');
  assert.equal(onnx.at(-1)?.loadedBytes, 300_000);
  assert.equal(onnx.at(-1)?.totalBytes, 300_000);
  assert.equal(onnx.at(-1)?.percent, 100);
  assert.ok(onnx.every((e, i) => i === 0 || e.loadedBytes >= onnx[i - 1].loadedBytes));

  const before = hub.downloads.get('test-org/plain/onnx/model.onnx');
  const again = await resolveModel('test-org/plain', { cacheDir });
  assert.deepEqual(again.downloaded, []);
  assert.equal(hub.downloads.get('test-org/plain/onnx/model.onnx'), before);
});

test('dtype picks the variant file; a variant the repo lacks is a model-not-found error', async () => {
  const cacheDir = freshCache();
  const q8 = await resolveModel('test-org/plain', { cacheDir, dtype: 'q8' });
  assert.match(q8.onnxPath, /onnx[/\\]model_quantized\.onnx$/);
  assert.equal(q8.weightBytes, 90_000);
  await rejectsWith(
    resolveModel('test-org/plain', { cacheDir, dtype: 'q4' }),
    'model-not-found',
    /no q4 weights \(onnx\/model_q4\.onnx\)/,
  );
  await rejectsWith(resolveModel('test-org/missing', { cacheDir }), 'model-not-found', /config\.json/);
});

test('external data files declared in config.json are downloaded next to the graph', async () => {
  const model = await resolveModel('test-org/external', { cacheDir: freshCache() });
  assert.ok(model.downloaded.includes('onnx/model.onnx_data'));
  assert.deepEqual(readFileSync(`${model.onnxPath}_data`), readFileSync(join(external, 'onnx', 'model.onnx_data')));
  assert.equal(model.weightBytes, 420_000);
});

test('offline mode uses only the cache and names exactly the missing files', async () => {
  const cacheDir = freshCache();
  const empty = await rejectsWith(resolveModel('test-org/plain', { cacheDir, offline: true }), 'offline-missing');
  assert.deepEqual(empty.facts.missingFiles, [
    'config.json',
    'tokenizer.json',
    'tokenizer_config.json',
    'onnx/model.onnx',
  ]);

  await resolveModel('test-org/external', { cacheDir });
  rmSync(join(cacheDir, 'test-org', 'external', 'onnx', 'model.onnx_data'));
  rmSync(join(cacheDir, 'test-org', 'external', 'tokenizer.json'));
  const requests = [...hub.downloads.values()].reduce((a, b) => a + b, 0);
  const partial = await rejectsWith(
    resolveModel('test-org/external', { cacheDir, offline: true }),
    'offline-missing',
    /tokenizer\.json, onnx\/model\.onnx_data/,
  );
  assert.deepEqual(partial.facts.missingFiles, ['tokenizer.json', 'onnx/model.onnx_data']);
  assert.equal(
    [...hub.downloads.values()].reduce((a, b) => a + b, 0),
    requests,
    'offline mode made no download',
  );
});

function leftovers(dir: string): string[] {
  return existsSync(dir)
    ? readdirSync(dir, { recursive: true })
        .map(String)
        .filter((f) => f.includes('.onnx'))
    : [];
}

test('an interrupted download is retried; out of attempts, it leaves no partial file and a later call completes', async () => {
  const cacheDir = freshCache();
  const file = 'test-org/plain/onnx/model.onnx';
  hub.faults.set(file, 'interrupt');
  const before = hub.downloads.get(file) ?? 0;
  const retried = await resolveModel('test-org/plain', { cacheDir, retry: { ...DEFAULT_RETRY, baseDelayMs: 5 } });
  assert.equal((hub.downloads.get(file) ?? 0) - before, 2, 'fetched again after the interruption');
  assert.deepEqual(readFileSync(retried.onnxPath), readFileSync(join(plain, 'onnx', 'model.onnx')));
  const fresh = freshCache();
  hub.faults.set(file, 'interrupt');
  await rejectsWith(
    resolveModel('test-org/plain', { cacheDir: fresh, retry: { ...DEFAULT_RETRY, attempts: 1 } }),
    'download-failed',
    /onnx\/model\.onnx/,
  );
  assert.deepEqual(leftovers(join(fresh, 'test-org', 'plain', 'onnx')), []);
  const model = await resolveModel('test-org/plain', { cacheDir: fresh });
  assert.deepEqual(model.downloaded, ['onnx/model.onnx']);
  assert.deepEqual(readFileSync(model.onnxPath), readFileSync(join(plain, 'onnx', 'model.onnx')));
});

test('a corrupted download fails its sha256 check, is removed, and a retry completes', async () => {
  const cacheDir = freshCache();
  hub.faults.set('test-org/plain/onnx/model_quantized.onnx', 'corrupt');
  await rejectsWith(resolveModel('test-org/plain', { cacheDir, dtype: 'q8' }), 'integrity-failed', /sha256/);
  assert.deepEqual(leftovers(join(cacheDir, 'test-org', 'plain', 'onnx')), []);
  const model = await resolveModel('test-org/plain', { cacheDir, dtype: 'q8' });
  assert.deepEqual(readFileSync(model.onnxPath), readFileSync(join(plain, 'onnx', 'model_quantized.onnx')));
});

test('cancelling a download stops it and removes the partial file', async () => {
  const cacheDir = freshCache();
  hub.faults.set('test-org/plain/onnx/model.onnx', 'stall');
  const controller = new AbortController();
  const pending = resolveModel('test-org/plain', {
    cacheDir,
    signal: controller.signal,
    onProgress: (p) => p.file === 'onnx/model.onnx' && controller.abort(),
  });
  await rejectsWith(pending, 'cancelled', /cancelled/);
  assert.deepEqual(leftovers(join(cacheDir, 'test-org', 'plain', 'onnx')), []);
});

test('a cache folder inside node_modules is refused', async () => {
  await rejectsWith(
    resolveModel('test-org/plain', { cacheDir: join(work, 'node_modules', 'x') }),
    'invalid-params',
    /node_modules/,
  );
});
