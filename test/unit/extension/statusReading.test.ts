import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statusReading } from '../../../src/extension/state/statusReading';
import { VitalsStore } from '../../../src/extension/state/vitalsStore';
import { flag, scored, testRun, turn } from './events';

const NOW = Date.UTC(2026, 10, 24, 14, 1, 0);
const make = () => new VitalsStore({ emotionsShown: [], smoothingTurns: 1, risingSlope: 0.3 }, { kind: 'unavailable', reason: 'no sidecar here' }, () => NOW);
const t = { desperationWarning: 1.5 };

test('without a session the item says so and keeps the default background', () => {
  const r = statusReading(make().snapshot(), t);
  assert.equal(r.text, '$(pulse) no agent');
  assert.equal(r.background, 'none');
});

test('unscored sessions say unscored and explain why in the tooltip', () => {
  const store = make();
  store.addEvent(turn(1, 'Running | the tests'));
  store.addEvent(testRun(2, 1, 2));
  const r = statusReading(store.snapshot(), t);
  assert.equal(r.text, '$(pulse) unscored');
  assert.match(r.tooltip, /no sidecar here/);
  assert.match(r.tooltip, /Running \\\| the tests/, 'table cells are escaped');
  assert.match(r.tooltip, /1 passed, 2 failed/);
});

test('calm while desperation stays under the threshold', () => {
  const store = make();
  store.addEvent(turn(1, 'a'));
  store.setTurnScore('claude-code:s1', 't1', scored(0.4, 1.2));
  assert.equal(statusReading(store.snapshot(), t).text, '$(pulse) calm');
});

test('rising desperation during failing runs turns the item to warning with the value and arrow', () => {
  const store = make();
  [0.3, 1.0, 1.5, 2.1].forEach((d, i) => {
    store.addEvent(turn(i + 1, `turn ${i}`));
    store.setTurnScore('claude-code:s1', `t${i + 1}`, scored(d, 0));
  });
  store.addEvent(testRun(9, 2, 1));
  const r = statusReading(store.snapshot(), t);
  assert.equal(r.text, '$(warning) desperation 2.1σ ↑');
  assert.equal(r.background, 'warning');
});

test('the same desperation with passing tests shows the value but no warning', () => {
  const store = make();
  store.addEvent(turn(1, 'a'));
  store.addEvent(testRun(2, 3, 0));
  store.setTurnScore('claude-code:s1', 't1', scored(2.1, 0));
  const r = statusReading(store.snapshot(), t);
  assert.equal(r.background, 'none');
  assert.match(r.text, /desperation 2\.1σ/);
});

test('open flags: warning background for a warning flag, error for a critical one; resolved flags do not count', () => {
  const store = make();
  store.addEvent(turn(1, 'a'));
  store.setFlag(flag('f1', 'warning', 2));
  assert.equal(statusReading(store.snapshot(), t).background, 'warning');
  assert.match(statusReading(store.snapshot(), t).text, /1 flag$/);
  store.setFlag(flag('f2', 'critical', 3));
  assert.equal(statusReading(store.snapshot(), t).background, 'error');
  assert.match(statusReading(store.snapshot(), t).text, /^\$\(error\).*2 flags$/);
  store.setFlag(flag('f2', 'critical', 3), 'dismissed');
  store.setFlag(flag('f1', 'warning', 2), 'legitimate');
  assert.equal(statusReading(store.snapshot(), t).background, 'none');
});
