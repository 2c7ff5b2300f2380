import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runWords, sessionSignal, SEVERITY_LOOK, trendWords, type SignalInput } from '../../../src/core/signal';

const base: SignalInput = {
  hasSession: true,
  openFlags: [],
  openGuardDecisions: [],
  pressure: 0,
  lastRunFailed: false,
  reading: null,
  readerValid: false,
  pressureWarning: 4,
  desperationWarning: 1.5,
};
const calmReading = { desperation: 0.2, trend: 'steady' as const };

test('each state maps to one level, icon and wording', () => {
  const cases: [Partial<SignalInput>, string, string][] = [
    [{ hasSession: false }, 'ok', 'no agent'],
    [{}, 'ok', 'no pressure'],
    [{ readerValid: true }, 'ok', 'unscored'],
    [{ readerValid: true, reading: calmReading }, 'ok', 'calm'],
    [{ pressure: 2, lastRunFailed: true }, 'ok', 'pressure 2 rising'],
    [{ pressure: 2 }, 'ok', 'pressure 2'],
    [{ pressure: 4, lastRunFailed: true }, 'warning', 'pressure 4 rising'],
    [{ openFlags: ['warning'], pressure: 2, lastRunFailed: true }, 'warning', '1 flag · pressure 2 rising'],
    [{ openFlags: ['critical', 'warning'] }, 'error', '2 flags'],
    [{ openFlags: ['info'] }, 'ok', '1 flag'],
    [{ openGuardDecisions: ['critical'] }, 'error', '1 guard decision'],
    [
      { openFlags: ['warning'], openGuardDecisions: ['warning', 'warning'], pressure: 4, lastRunFailed: true },
      'warning',
      '1 flag · 2 guard decisions · pressure 4 rising',
    ],
    [
      { readerValid: true, reading: { desperation: 2.1, trend: 'rising' }, lastRunFailed: true },
      'warning',
      'desperation 2.1σ rising',
    ],
    [{ readerValid: true, reading: { desperation: 2.1, trend: 'steady' } }, 'ok', 'desperation 2.1σ high'],
  ];
  for (const [input, level, words] of cases) {
    const s = sessionSignal({ ...base, ...input });
    assert.deepEqual([s.level, s.words], [level, words], JSON.stringify(input));
    assert.equal(s.icon, { ok: 'pulse', warning: 'warning', error: 'error' }[s.level]);
  }
});

test('"calm" is never said on a warning or error level', () => {
  for (const openFlags of [['warning'], ['critical']] as const) {
    const s = sessionSignal({ ...base, readerValid: true, reading: calmReading, openFlags });
    assert.notEqual(s.level, 'ok');
    assert.doesNotMatch(s.words, /calm/);
  }
  const pressured = sessionSignal({ ...base, readerValid: true, reading: calmReading, pressure: 5 });
  assert.equal(pressured.level, 'warning');
  assert.equal(pressured.words, 'pressure 5');
});

test('a flag severity has the same level and icon as the status bar gives it', () => {
  for (const severity of ['info', 'warning', 'critical'] as const) {
    const look = SEVERITY_LOOK[severity];
    const s = sessionSignal({ ...base, openFlags: [severity] });
    assert.equal(s.level, look.level);
    if (severity !== 'info') assert.equal(s.icon, look.icon);
  }
});

test('runs of values read as plain words', () => {
  assert.equal(runWords([], 'turn'), 'steady');
  assert.equal(runWords([1, 1.02], 'turn'), 'steady', 'a step within epsilon is no change');
  assert.equal(runWords([0, 0.5, 1, 2], 'turn'), 'rising for 3 turns');
  assert.equal(runWords([3, 0, 0.5], 'turn'), 'rising for 1 turn', 'only the latest run counts');
  assert.equal(runWords([2, 1, 0.4], 'turn'), 'falling for 2 turns');
  assert.equal(runWords([0, 1, 1], 'turn'), 'steady', 'the last step decides');
});

test("the gauge's trend words count turns only when they agree with the smoothed trend", () => {
  assert.equal(trendWords('steady', [0, 1, 2]), 'steady');
  assert.equal(trendWords('rising', [0, 0.5, 1.2, 2]), 'rising for 3 turns');
  assert.equal(
    trendWords('rising', [0, 2, 1.5]),
    'rising',
    'the last turn fell: no count that would contradict the arrow',
  );
});
