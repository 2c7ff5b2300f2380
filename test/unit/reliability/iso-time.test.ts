// Regression (found by the transcript fuzz suite): a numeric timestamp outside Date's range made
// every reader throw RangeError from toISOString instead of falling back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isoTime } from '../../../src/watchers/emitter';

test('isoTime falls back for epoch numbers outside the Date range', () => {
  assert.equal(isoTime(8640000000000001, 'fallback'), 'fallback');
  assert.equal(isoTime(-8640000000000.001, 'fallback'), 'fallback');
  assert.equal(isoTime(1763888400000), '2025-11-23T09:00:00.000Z');
});
