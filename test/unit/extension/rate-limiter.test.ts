import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RateLimiter } from '../../../src/extension/state/rate-limiter';

test('one pass per interval; held attempts are counted and reported with the next pass', () => {
  let now = 0;
  const limiter = new RateLimiter(
    () => 60_000,
    () => now,
  );
  assert.equal(limiter.tryPass(), 0);
  now = 1000;
  assert.equal(limiter.tryPass(), null);
  assert.equal(limiter.tryPass(), null);
  now = 61_000;
  assert.equal(limiter.tryPass(), 2);
  now = 62_000;
  assert.equal(limiter.tryPass(), null);
});

test('a zero interval lets everything through', () => {
  const limiter = new RateLimiter(
    () => 0,
    () => 5,
  );
  assert.equal(limiter.tryPass(), 0);
  assert.equal(limiter.tryPass(), 0);
});
