import { test } from 'node:test';
import assert from 'node:assert/strict';
import { peakRssBytes } from '../../../src/sidecar/peak-rss';

test('peak RSS covers memory just touched', () => {
  const before = peakRssBytes();
  const block = Buffer.alloc(128 * 2 ** 20, 1); // touched pages count as resident
  const after = peakRssBytes();
  assert.ok(after >= process.memoryUsage.rss(), `${after} < current ${process.memoryUsage.rss()}`);
  assert.ok(after >= before);
  assert.equal(block[block.length - 1], 1);
});
