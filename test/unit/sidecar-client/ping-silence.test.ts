import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PingSilence } from '../../../src/sidecar-client/ping-silence';

test('a sidecar silent through on-time ticks is silent for the time they span', () => {
  const silence = new PingSilence(500);
  silence.sent(0);
  const seen = [500, 1000, 1500, 2000, 2500, 3000].map((t) => silence.tick(t));
  assert.deepEqual(seen, [500, 1000, 1500, 2000, 2500, 3000]);
});

test('a tick delayed by a stalled host counts one interval: the answer may be unread in the pipe', () => {
  const silence = new PingSilence(500);
  silence.sent(0);
  assert.equal(silence.tick(500), 500);
  // The host's event loop was blocked for 3.5 s: its next timer fires late, before input is read.
  assert.equal(silence.tick(4000), 1000);
  assert.ok(silence.tick(4000) < 3000, 'not yet judged hung');
});

test('a hung sidecar is still caught while the host lags: every tick adds up to an interval', () => {
  const silence = new PingSilence(500);
  silence.sent(0);
  let now = 0;
  let silent = 0;
  for (let i = 0; i < 6; i++) silent = silence.tick((now += 2000));
  assert.equal(silent, 3000);
});

test('only the answer to the current ping ends it; any notification does', () => {
  const silence = new PingSilence(500);
  const first = silence.sent(0);
  silence.heard();
  assert.equal(silence.waiting, false);
  const second = silence.sent(100);
  silence.answered(first);
  assert.equal(silence.waiting, true, 'a late answer to an older ping');
  silence.answered(second);
  assert.equal(silence.waiting, false);
  assert.equal(silence.tick(5000), 0);
});
