import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CrashPolicy } from '../../../src/sidecar-client/crash-policy';

const options = { initialDelayMs: 100, maxDelayMs: 1000, maxCrashes: 5, windowMs: 180_000 };

test('backoff doubles per crash in the window and is capped', () => {
  const policy = new CrashPolicy({ ...options, maxCrashes: 10 });
  const delays = [0, 1, 2, 3, 4, 5].map((i) => policy.record(i * 1000));
  assert.deepEqual(
    delays.map((d) => (d.restart ? d.delayMs : -1)),
    [100, 200, 400, 800, 1000, 1000],
  );
});

test('five crashes within three minutes give up; crashes older than the window are forgotten', () => {
  const policy = new CrashPolicy(options);
  for (const t of [0, 10_000, 20_000, 30_000]) assert.equal(policy.record(t).restart, true);
  assert.deepEqual(policy.record(40_000), { restart: false, crashesInWindow: 5 });

  const spread = new CrashPolicy(options);
  for (const t of [0, 60_000, 120_000, 170_000]) spread.record(t);
  // The first crash is now more than three minutes old: four in the window, so restart.
  assert.deepEqual(spread.record(185_000), { restart: true, delayMs: 800, crashesInWindow: 4 });
});
