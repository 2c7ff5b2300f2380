import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeReading } from '../../../src/extension/state/reading';
import type { TurnPoint } from '../../../webview/protocol';
import { scored } from './events';

const point = (i: number, d?: number, c?: number): TurnPoint => ({
  turnId: `t${i}`,
  seq: i,
  ts: '',
  firstLine: '',
  ...(d === undefined ? {} : scored(d, c ?? 0)),
});
const opts = { smoothingTurns: 3, risingSlope: 0.3 };

test('no scored turn, no reading', () => {
  assert.equal(computeReading([point(1), point(2)], opts), null);
});

test('smoothing damps a single spike; unscored turns are skipped; raw values are the last turn', () => {
  const r = computeReading([point(1, 0, 1), point(2, 0, 1), point(3), point(4, 3, 0)], opts)!;
  // alpha = 2 / (3 + 1) = 0.5: 0 → 0 → 1.5
  assert.equal(r.desperation, 1.5);
  assert.equal(r.calm, 0.5);
  assert.equal(r.rawDesperation, 3);
  assert.equal(r.rawCalm, 0);
});

test('a steady climb over several turns reads as rising, a steady fall as falling', () => {
  const up = [0.1, 0.6, 1.0, 1.6, 2.0, 2.7].map((d, i) => point(i, d));
  assert.equal(computeReading(up, opts)!.trend, 'rising');
  const down = [2.7, 2.0, 1.6, 1.0, 0.6, 0.1].map((d, i) => point(i, d));
  assert.equal(computeReading(down, opts)!.trend, 'falling');
});

test('one jump, noise, or a shallow drift reads as steady', () => {
  assert.equal(computeReading([point(1, 0), point(2, 3)], opts)!.trend, 'steady', 'two turns are too few');
  const noisy = [0.2, 1.5, 0.1, 1.4, 0.3, 1.6].map((d, i) => point(i, d));
  assert.equal(computeReading(noisy, opts)!.trend, 'steady');
  const shallow = [1.0, 1.05, 1.1, 1.15, 1.2].map((d, i) => point(i, d));
  assert.equal(computeReading(shallow, opts)!.trend, 'steady');
});
