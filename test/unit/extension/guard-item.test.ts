import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VitalsStore } from '../../../src/extension/state/vitals-store';
import { guardItem } from '../../../src/extension/guard/guard-item';
import { statusReading } from '../../../src/extension/state/status-reading';
import type { GuardLogDecision } from '../../../src/guard/guard-log';
import { testRun, turn } from './events';
import { settings, unavailable } from '../../support/store-settings';

const NOW = Date.UTC(2026, 10, 24, 14, 1, 0);

// Between turn 4 (14:00:04) and turn 6 (14:00:06) of the builders' session s1.
const decision: GuardLogDecision = {
  ts: '2026-11-24T14:00:05.000Z',
  agent: 'claude-code',
  sessionId: 's1',
  tool: 'Edit',
  tier: 'ask',
  path: '/w/tests/test_calc.py',
  hunk: 'abc',
  kinds: ['skip-added'],
  pressured: true,
};

test('a guard decision is listed with the flags of its session, after the turn before it, with the reply that followed', () => {
  const store = new VitalsStore(settings, unavailable, () => NOW);
  store.addEvent(turn(1, 'Running the tests.'));
  store.addEvent(testRun(2, 1, 1));
  store.addEvent(turn(4, 'Still failing; trying to skip it.'));
  store.setGuardItem(guardItem('/w', decision, 'open'));
  store.setGuardItem(guardItem('/w', { ...decision, sessionId: 'another', ts: '2026-11-24T14:00:05.500Z' }, 'open'));
  const listed = store.snapshot().flags;
  assert.equal(listed.length, 1, 'a decision in another session is not listed here');
  let item = listed[0];
  assert.equal(item!.afterTurn, 1);
  assert.equal(item!.severity, 'warning');
  assert.deepEqual(item!.guard, { tier: 'ask', tool: 'Edit', reply: null });
  assert.match(item!.reason, /asked the user about this Edit before it ran \(skip-added\), under pressure/);

  store.addEvent(turn(6, 'The test cannot pass as specified: add(-1, -1) is -2, not -3.\nMore.'));
  [item] = store.snapshot().flags;
  assert.equal(item!.guard!.reply, 'The test cannot pass as specified: add(-1, -1) is -2, not -3.');
});

test('the status bar counts open guard decisions through the shared rule; a decision answered stops counting', () => {
  const store = new VitalsStore(settings, unavailable, () => NOW);
  store.addEvent(turn(1, 'Running the tests.'));
  const item = guardItem('/w', { ...decision, tier: 'block', kinds: ['focus-added'] }, 'open');
  store.setGuardItem(item);
  const thresholds = { desperationWarning: 1.5, pressureWarning: 4 };
  const open = statusReading(store.snapshot(), thresholds);
  assert.equal(open.text, '$(error) 1 guard decision');
  assert.equal(open.background, 'error');
  store.setGuardItem({ ...item, status: 'legitimate' });
  assert.equal(statusReading(store.snapshot(), thresholds).background, 'none');
});

test('the same logged decision read twice is one item', () => {
  assert.equal(guardItem('/w', decision, 'open').id, guardItem('/w', { ...decision }, 'dismissed').id);
  assert.notEqual(guardItem('/w', decision, 'open').id, guardItem('/w', { ...decision, hunk: 'def' }, 'open').id);
});
