import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseModelSpec, projectRoot } from '../../../src/model-store/model-spec';
import { externalDataFiles, onnxFileFor } from '../../../src/model-store/variants';
import { ModelStoreError } from '../../../src/model-store/model-store-error';

test('hub ids, with and without a revision', () => {
  assert.deepEqual(parseModelSpec('onnx-community/Qwen2.5-0.5B-Instruct'), {
    kind: 'hub',
    repo: 'onnx-community/Qwen2.5-0.5B-Instruct',
    revision: 'main',
  });
  assert.deepEqual(parseModelSpec('HuggingFaceTB/SmolLM2-360M-Instruct@v1.0'), {
    kind: 'hub',
    repo: 'HuggingFaceTB/SmolLM2-360M-Instruct',
    revision: 'v1.0',
  });
});

test('fixtures resolve inside the project, folders to absolute paths', () => {
  assert.deepEqual(parseModelSpec('fixture:tiny-qwen2'), {
    kind: 'fixture',
    name: 'tiny-qwen2',
    folder: join(projectRoot(), 'test', 'fixtures', 'models', 'tiny-qwen2'),
  });
  const dir = mkdtempSync(join(tmpdir(), 'av-spec-'));
  assert.deepEqual(parseModelSpec(dir), { kind: 'folder', folder: dir });
});

test('anything else is a readable model-not-found error', () => {
  for (const bad of ['just-a-name', 'a/b/c', 'fixture:../escape', 'a/b@x@y']) {
    assert.throws(
      () => parseModelSpec(bad),
      (err: unknown) => err instanceof ModelStoreError && /fixture|hub id|fixture name/i.test(err.message),
      bad,
    );
  }
});

test('variant file names follow transformers.js conventions', () => {
  assert.equal(onnxFileFor('fp32'), 'onnx/model.onnx');
  assert.equal(onnxFileFor('fp16'), 'onnx/model_fp16.onnx');
  assert.equal(onnxFileFor('q8'), 'onnx/model_quantized.onnx');
  assert.equal(onnxFileFor('q4'), 'onnx/model_q4.onnx');
  assert.deepEqual(externalDataFiles('onnx/model.onnx', 3), [
    'onnx/model.onnx_data',
    'onnx/model.onnx_data_1',
    'onnx/model.onnx_data_2',
  ]);
});
