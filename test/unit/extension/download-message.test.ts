import { test } from 'node:test';
import assert from 'node:assert/strict';
import { downloadMessage, type Downloading } from '../../../src/extension/download-message';

const model = 'onnx-community/Qwen2.5-0.5B-Instruct';
const at = (received: number, total: number | null, retry?: Downloading['retry']): Downloading => ({
  kind: 'downloading',
  modelId: model,
  received,
  total,
  ...(retry ? { retry } : {}),
});

test('the download notification shows the share received, and nothing while the size is unknown', () => {
  assert.equal(downloadMessage(at(190, 512)), `${model}: 37%`);
  assert.equal(downloadMessage(at(190, null)), null);
});

test('a retry during a download is shown with its wait, attempt and reason, then the share again', () => {
  const retry = { attempt: 2, attempts: 3, delayMs: 4200, reason: 'the connection to the hub dropped' };
  assert.equal(
    downloadMessage(at(190, 512, retry)),
    `${model}: retrying in 4 s (attempt 2 of 3): the connection to the hub dropped`,
  );
  assert.equal(
    downloadMessage(at(190, null, { ...retry, delayMs: 800 })),
    `${model}: retrying in 0.8 s (attempt 2 of 3): the connection to the hub dropped`,
  );
  assert.equal(downloadMessage(at(200, 512)), `${model}: 39%`);
});
