// Attack repros: a malformed .onnx must fail with an error that names the file, and a 2 GB
// sparse file must be refused from its first bytes, not read whole first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readModel, writeModel } from '../../../src/engine/graph/model-file';
import { onnx } from 'onnx-proto';

const dir = mkdtempSync(join(tmpdir(), 'av-onnx-'));

test('a 2 GB sparse .onnx is refused from its first bytes, naming the file', () => {
  const path = join(dir, 'sparse.onnx');
  writeFileSync(path, '');
  truncateSync(path, 2_000_000_000);
  const rss = process.memoryUsage.rss();
  const started = performance.now();
  assert.throws(
    () => readModel(path),
    (e: unknown) => e instanceof Error && e.message.includes(path) && /not an ONNX model/.test(e.message),
  );
  const ms = performance.now() - started;
  assert.ok(ms < 200, `refused in ${ms.toFixed(0)} ms`);
  assert.ok(process.memoryUsage.rss() - rss < 100 * 2 ** 20, 'nothing close to the file size was allocated');
});

test('a truncated or garbled .onnx fails with an error that names the file', () => {
  const good = join(dir, 'good.onnx');
  writeModel(
    onnx.ModelProto.create({
      irVersion: 8,
      producerName: 'test',
      graph: { name: 'g', node: [{ opType: 'Identity', input: ['x'], output: ['y'] }] },
    }),
    good,
  );
  assert.equal(readModel(good).producerName, 'test');
  const truncated = join(dir, 'truncated.onnx');
  const fixture = readFileSync(join(__dirname, '..', '..', 'fixtures', 'models', 'tiny-qwen2', 'onnx', 'model.onnx'));
  writeFileSync(truncated, fixture.subarray(0, fixture.length >> 1));
  assert.throws(
    () => readModel(truncated),
    (e: unknown) => e instanceof Error && e.message.includes(truncated) && /cannot be decoded/.test(e.message),
  );
  const text = join(dir, 'text.onnx');
  writeFileSync(text, '<html>Not found</html>');
  assert.throws(
    () => readModel(text),
    (e: unknown) => e instanceof Error && e.message.includes(text),
  );
});
