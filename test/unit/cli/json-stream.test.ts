import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { BatchedWriter, jsonPieces } from '../../../src/cli/json-stream';

test('json pieces join to exactly what JSON.stringify(value, null, 2) gives', () => {
  fc.assert(
    fc.property(fc.jsonValue(), fc.option(fc.constantFrom(undefined, () => 1)), (value, extra) => {
      const withSkipped =
        typeof value === 'object' && value !== null && !Array.isArray(value)
          ? { ...value, skipped: extra ?? undefined }
          : value;
      assert.equal([...jsonPieces(withSkipped)].join(''), JSON.stringify(withSkipped, null, 2));
    }),
    { numRuns: 2_000 },
  );
  assert.equal(
    [...jsonPieces([undefined, { a: undefined }, [], {}])].join(''),
    JSON.stringify([undefined, { a: undefined }, [], {}], null, 2),
  );
});

test('a report far larger than one write goes out in bounded writes, waiting for a slow reader', async () => {
  const writes: number[] = [];
  const slow = new Writable({
    highWaterMark: 16 * 1024,
    write(chunk: Buffer, _enc, done) {
      writes.push(chunk.length);
      setImmediate(done);
    },
  });
  const report = {
    sessions: [{ turns: Array.from({ length: 20_000 }, (_, i) => ({ turnId: `t${i}`, text: 'x'.repeat(200) })) }],
  };
  const writer = new BatchedWriter(slow);
  await writer.write(jsonPieces(report));
  await writer.flush();
  const total = writes.reduce((a, b) => a + b, 0);
  assert.equal(total, Buffer.byteLength(JSON.stringify(report, null, 2)));
  assert.ok(writes.length > 50, `${writes.length} writes`);
  assert.ok(Math.max(...writes) < 64 * 1024 + 300, `largest write ${Math.max(...writes)} bytes`);
});
