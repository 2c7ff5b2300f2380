import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeReading, referencedDesperation } from '../../../src/extension/state/reading';
import {
  sessionRelative,
  SESSION_BASELINE_MIN_TURNS,
  SESSION_SPREAD_FLOOR,
} from '../../../src/emotion/session-baseline';
import type { TurnPoint } from '../../../src/contracts/sidebar-protocol';
import { scored } from './events';

const point = (i: number, d?: number, c?: number): TurnPoint => ({
  turnId: `t${i}`,
  seq: i,
  ts: '',
  firstLine: '',
  ...(d === undefined ? {} : scored(d, c ?? 0)),
});
const opts = { smoothingTurns: 3, risingSlope: 0.3, reference: 'neutral' as const };

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

test('session baseline: each turn against the mean and spread of the session turns before it, once five exist', () => {
  const values = [1, 1.5, 0.5, 1, 1, 3];
  const rel = sessionRelative(values);
  assert.deepEqual(rel.slice(0, 5), [null, null, null, null, null]);
  // Earlier turns: mean 1, sample std sqrt(0.5 / 4) ≈ 0.354 → (3 − 1) / 0.354 ≈ 5.66.
  assert.ok(Math.abs(rel[5]! - 2 / Math.sqrt(0.125)) < 1e-9);
  // A flat start is floored, so a small change stays small.
  assert.equal(sessionRelative([2, 2, 2, 2, 2, 2.5])[5], 0.5 / SESSION_SPREAD_FLOOR);
});

test('reference: neutral by default, session once the baseline exists; both are always given', () => {
  // Agent text sits ~1σ above neutral throughout, then rises within the session.
  const d = [1.0, 1.1, 0.9, 1.0, 1.05, 0.95, 1.8, 2.4];
  const c = [0.5, 0.4, 0.6, 0.5, 0.45, 0.55, 0.5, 0.5];
  const turns = d.map((x, i) => point(i, x, c[i]));
  const neutral = computeReading(turns, opts)!;
  const session = computeReading(turns, { ...opts, reference: 'session' })!;
  assert.equal(neutral.shown, 'neutral');
  assert.equal(session.shown, 'session');
  assert.deepEqual(session.neutral, neutral.neutral);
  assert.deepEqual(neutral.session, session.session);
  assert.equal(neutral.desperation, neutral.neutral.desperation);
  assert.equal(session.desperation, session.session!.desperation);
  assert.equal(session.session!.baselineTurns, 7);
  assert.ok(
    session.rawDesperation > neutral.rawDesperation,
    'the rise reads larger against the session than against neutral dialogue',
  );
  assert.equal(session.sessionPending, 0);
  // Too few turns: the session reference falls back to neutral and says how many turns remain.
  const early = computeReading(turns.slice(0, 3), { ...opts, reference: 'session' })!;
  assert.deepEqual(
    [early.shown, early.session, early.sessionPending],
    ['neutral', null, SESSION_BASELINE_MIN_TURNS + 1 - 3],
  );
});

test('the flags read desperation against the chosen reference', () => {
  const turns = [1, 1.5, 0.5, 1, 1, 3].map((x, i) => point(i, x, 0));
  assert.deepEqual([...referencedDesperation(turns, 'neutral').values()], [1, 1.5, 0.5, 1, 1, 3]);
  const session = referencedDesperation(turns, 'session');
  assert.deepEqual([...session.keys()], ['t5']);
});
