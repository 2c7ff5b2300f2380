// Model download faults beyond the hub tests' interrupted/corrupted/cancelled cases: a full disk,
// a cache damaged after download, and a vector file made for another model.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { env } from '@huggingface/transformers';
import { resolveModel } from '../../../src/model-store/model-store';
import { ModelStoreError } from '../../../src/model-store/model-store-error';
import { readVectorFile, VectorFileError, writeVectorFile } from '../../../src/emotion/vectors';
import { startFakeHub, type FakeHub } from '../model-store/fake-hub';
import { oneLayerVectorSet } from '../../support/vector-set';

const work = mkdtempSync(join(tmpdir(), 'av-dlfaults-'));
let hub: FakeHub;
const repo = join(work, 'repo');
mkdirSync(join(repo, 'onnx'), { recursive: true });
writeFileSync(join(repo, 'config.json'), JSON.stringify({ model_type: 'qwen2', num_hidden_layers: 2 }));
writeFileSync(join(repo, 'tokenizer.json'), '{"model":{}}');
writeFileSync(join(repo, 'tokenizer_config.json'), '{"chat_template": "{{ messages }}"}');
writeFileSync(join(repo, 'onnx', 'model.onnx'), randomBytes(200_000));

before(async () => {
  hub = await startFakeHub({ 'test-org/tiny': repo });
  env.remoteHost = hub.url;
});
after(async () => {
  await hub.close();
  rmSync(work, { recursive: true, force: true });
});

async function failure(promise: Promise<unknown>): Promise<ModelStoreError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof ModelStoreError, `expected a ModelStoreError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a failure');
}

const onnxFiles = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((f) => f.includes('.onnx')) : []);

test(
  'a full disk fails the download with a clear error, leaves no partial file, and a retry works',
  { skip: !existsSync('/dev/full') && 'needs /dev/full' },
  async () => {
    const cacheDir = mkdtempSync(join(work, 'cache-'));
    const onnxDir = join(cacheDir, 'test-org', 'tiny', 'onnx');
    mkdirSync(onnxDir, { recursive: true });
    // Every write to /dev/full fails with ENOSPC, exactly as on a full disk.
    symlinkSync('/dev/full', join(onnxDir, 'model.onnx.part'));
    const err = await failure(resolveModel('test-org/tiny', { cacheDir }));
    assert.equal(err.kind, 'download-failed');
    assert.match(err.message, /disk is full/i);
    assert.match(err.message, /onnx\/model\.onnx/);
    assert.deepEqual(onnxFiles(onnxDir), [], 'the partial file is removed');
    const model = await resolveModel('test-org/tiny', { cacheDir });
    assert.deepEqual(readFileSync(model.onnxPath), readFileSync(join(repo, 'onnx', 'model.onnx')));
  },
);

test('a cached file damaged after download is detected: fetched again online, a clear error offline', async () => {
  const cacheDir = mkdtempSync(join(work, 'cache-'));
  const first = await resolveModel('test-org/tiny', { cacheDir });
  truncateSync(first.onnxPath, 1000);
  const offline = await failure(resolveModel('test-org/tiny', { cacheDir, offline: true }));
  assert.equal(offline.kind, 'offline-missing');
  assert.match(offline.message, /damaged/);
  assert.deepEqual(offline.facts.missingFiles, ['onnx/model.onnx']);
  const again = await resolveModel('test-org/tiny', { cacheDir });
  assert.deepEqual(again.downloaded, ['onnx/model.onnx']);
  assert.deepEqual(readFileSync(again.onnxPath), readFileSync(join(repo, 'onnx', 'model.onnx')));
  // Same size, different bytes: the small files are hashed on every load.
  const config = join(again.folder, 'config.json');
  writeFileSync(config, readFileSync(config, 'utf8').replace('qwen2', 'qwen3'));
  const third = await resolveModel('test-org/tiny', { cacheDir });
  assert.deepEqual(third.downloaded, ['config.json']);
});

test('a vector file calibrated for another model is refused', () => {
  const file = join(work, 'vectors.avev');
  const set = oneLayerVectorSet({ id: 'test-org/tiny', revision: 'main', fileHash: 'aa'.repeat(32), dtype: 'fp32' });
  writeVectorFile(file, set);
  assert.equal(
    readVectorFile(file, { model: { id: 'test-org/tiny', fileHash: 'aa'.repeat(32) } }).header.model.id,
    'test-org/tiny',
  );
  assert.throws(
    () => readVectorFile(file, { model: { id: 'test-org/tiny', fileHash: 'bb'.repeat(32) } }),
    (e: unknown) =>
      e instanceof VectorFileError && /calibrated for test-org\/tiny \(aaaaaaaaaaaa\).*recalibrate/.test(e.message),
  );
  assert.throws(
    () => readVectorFile(file, { model: { id: 'other/model', fileHash: 'aa'.repeat(32) } }),
    VectorFileError,
  );
  assert.throws(() => readVectorFile(file, { hiddenSize: 896 }), /hidden size 2/);
});
