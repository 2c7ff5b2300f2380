import { test } from 'node:test';
import assert from 'node:assert/strict';
import { firstLine, VitalsStore } from '../../../src/extension/state/vitals-store';
import { flag, scored, testRun, turn } from './events';
import { DEFAULT_PRESSURE_THRESHOLDS } from '../../../src/tamper/pressure';
import { DEMO_VALIDITY } from '../../../src/emotion/live-validity';
import { settings, unavailable } from '../../support/store-settings';

const NOW = Date.UTC(2026, 10, 24, 14, 1, 0);

test('an empty store has no session and keeps the scoring state it was given', () => {
  const state = new VitalsStore(settings, unavailable, () => NOW).snapshot();
  assert.equal(state.session, null);
  assert.deepEqual(state.sessions, []);
  assert.deepEqual(state.scoring, unavailable);
});

test('assistant turns and test runs build the followed session; test runs sit after the turn before them', () => {
  const store = new VitalsStore(settings, unavailable, () => NOW);
  store.addEvent(turn(1, '\n  I will run the tests first.\nmore'));
  store.addEvent({ ...turn(2, 'user text'), role: 'user' });
  store.addEvent(testRun(3, 2, 1));
  store.addEvent(turn(4, 'Trying a fix.'));
  const s = store.snapshot().session!;
  assert.deepEqual(
    s.turns.map((t) => t.firstLine),
    ['I will run the tests first.', 'Trying a fix.'],
  );
  assert.equal(s.testRuns.length, 1);
  assert.equal(s.testRuns[0]!.afterTurn, 0);
  assert.equal(s.summary.live, true);
  assert.equal(s.reading, null, 'no scores, no reading');
});

test('follow-latest switches to the session with the newest event; an explicit follow sticks', () => {
  const store = new VitalsStore(settings, unavailable, () => NOW);
  store.addEvent(turn(1, 'a', 'old'));
  store.addEvent(turn(5, 'b', 'new'));
  assert.equal(store.snapshot().session!.summary.sessionId, 'new');
  store.follow('claude-code:old');
  store.addEvent(turn(9, 'c', 'new'));
  assert.equal(store.snapshot().session!.summary.sessionId, 'old');
  assert.equal(store.snapshot().followLatest, false);
  store.follow(null);
  assert.equal(store.snapshot().session!.summary.sessionId, 'new');
});

test('following an unknown session falls back to follow-latest', () => {
  const store = new VitalsStore(settings, unavailable, () => NOW);
  store.addEvent(turn(1, 'a'));
  store.follow('claude-code:missing');
  assert.equal(store.snapshot().followLatest, true);
});

test('scores produce a reading; flags land in the followed session only, newest first', () => {
  const store = new VitalsStore(settings, unavailable, () => NOW);
  store.addEvent(turn(1, 'a'));
  store.addEvent(turn(2, 'b'));
  store.setTurnScore('claude-code:s1', 't1', scored(0.2, 1));
  store.setTurnScore('claude-code:s1', 't2', scored(2.4, -0.5));
  store.setFlag(flag('f1', 'warning', 3));
  store.setFlag({ ...flag('f2', 'critical', 4), sessionId: 'other' });
  const state = store.snapshot();
  assert.equal(state.session!.reading!.rawDesperation, 2.4);
  assert.deepEqual(
    state.flags.map((f) => [f.id, f.afterTurn, f.status]),
    [['f1', 1, 'open']],
  );
  store.setFlag(flag('f1', 'warning', 3), 'dismissed');
  assert.equal(store.snapshot().flags[0]!.status, 'dismissed');
});

test('the selected turn defaults to the latest and carries its scores', () => {
  const store = new VitalsStore(settings, unavailable, () => NOW);
  store.addEvent(turn(1, 'first'));
  store.addEvent(turn(2, 'second'));
  assert.equal(store.snapshot().selectedTurn!.text, 'second');
  store.selectTurn('t1');
  store.setTurnScore('claude-code:s1', 't1', scored(1, 0));
  const selected = store.snapshot().selectedTurn!;
  assert.equal(selected.text, 'first');
  assert.equal(selected.emotions!.desperate!.mean, 1);
});

test('sessions end when told and stop being live five minutes after their last event arrived', () => {
  // Replayed sessions carry old timestamps: liveness follows arrival, not the records' time.
  let now = NOW + 3 * 24 * 3600_000;
  const store = new VitalsStore(settings, unavailable, () => now);
  store.addEvent(turn(1, 'a'));
  store.addEvent(turn(2, 'b', 's2'));
  store.endSession('claude-code:s2');
  const live = (id: string) => store.snapshot().sessions.find((s) => s.sessionId === id)!.live;
  assert.equal(live('s1'), true);
  assert.equal(live('s2'), false);
  now += 6 * 60_000;
  assert.equal(live('s1'), false);
});

test('listeners hear every change until disposed', () => {
  const store = new VitalsStore(settings, unavailable, () => NOW);
  let calls = 0;
  const sub = store.onDidChange(() => calls++);
  store.addEvent(turn(1, 'a'));
  store.setScoring({ kind: 'starting', modelId: 'm' });
  sub.dispose();
  store.addEvent(turn(2, 'b'));
  assert.equal(calls, 2);
});

test('firstLine skips blank lines and shortens long ones', () => {
  assert.equal(firstLine('\n\n  hello  \nworld'), 'hello');
  assert.equal(firstLine('x'.repeat(200), 10), `${'x'.repeat(9)}…`);
  assert.equal(firstLine(''), '');
});

test('the reader verdict, the behavioural pressure and the reading reference reach the snapshot and the flags input', () => {
  const validated = {
    kind: 'ready' as const,
    modelId: 'org/reader-1b',
    layer: 12,
    demo: false,
    live: { valid: true, why: 'validated on agent text' },
  };
  const store = new VitalsStore({ ...settings, reference: 'session' }, unavailable, () => NOW);
  assert.deepEqual(store.snapshot().reader, { valid: false, why: 'no reading yet: org/reader-1b is not loaded' });
  store.setScoring(validated);
  assert.deepEqual(store.snapshot().reader, validated.live);
  [1, 1.1, 0.9, 1, 1, 2.5].forEach((d, i) => {
    store.addEvent(turn(i + 1, `turn ${i}`));
    store.setTurnScore('claude-code:s1', `t${i + 1}`, scored(d, 0));
  });
  store.addEvent(testRun(10, 1, 2));
  store.addEvent(testRun(11, 1, 2));
  const s = store.snapshot().session!;
  assert.equal(s.reading?.shown, 'session');
  assert.deepEqual(
    s.pressure.signals.map((x) => [x.id, x.points]),
    [['failing-streak', 1]],
  );
  // With the session reference the flags read the same baseline: only turns after five earlier ones have a value.
  assert.deepEqual(
    store.turnDesperation('claude-code:s1').map((t) => t.seq),
    [6],
  );
  store.updateSettings(settings);
  assert.equal(store.turnDesperation('claude-code:s1').length, 6);
});

test('before the model loads, the reader is described by the configured model, the same in every window', () => {
  const settings = {
    model: 'fixture:emotion-tiny',
    emotionsShown: [],
    smoothingTurns: 1,
    risingSlope: 0.3,
    reference: 'neutral' as const,
    pressure: DEFAULT_PRESSURE_THRESHOLDS,
  };
  const starting = new VitalsStore(settings, { kind: 'unavailable', reason: 'the sidecar starts with the first turn' });
  assert.deepEqual(starting.reader(), DEMO_VALIDITY);
  const real = new VitalsStore({ ...settings, model: 'org/reader-1b' }, { kind: 'starting', modelId: 'org/reader-1b' });
  assert.deepEqual(real.reader(), { valid: false, why: 'no reading yet: org/reader-1b is not loaded' });
});

test('each test run carries the behavioural pressure right after it: rising over failures, reset by a green run', () => {
  const store = new VitalsStore(settings, unavailable, () => NOW);
  store.addEvent(turn(1, 'a'));
  [
    [0, 1],
    [0, 1],
    [0, 1],
    [2, 0],
  ].forEach(([passed, failed], i) => store.addEvent(testRun(2 + i, passed!, failed!)));
  assert.deepEqual(
    store.snapshot().session?.testRuns.map((r) => r.pressure),
    [1, 1, 2, 0],
  );
});

test("an own-activations session: its turns' own readings are their scores, it says whose they are, and its validity is the serving model's", () => {
  const store = new VitalsStore(settings, unavailable, () => NOW);
  store.addEvent(turn(1, 'read by the reader', 'agent'));
  assert.deepEqual(store.snapshot().session!.readings, { kind: 'reader', model: 'org/reader-1b' });
  const validated = { valid: true, why: 'validated on agent text' };
  const own = (seq: number, desperate: number, steering: { emotion: string; alpha: number; layer: number } | null) => ({
    ...turn(seq, `reply ${seq}`, 'served'),
    source: 'local-model' as const,
    model: 'org/served-0.5b',
    own: {
      tokens: [
        { text: 'reply', z: { desperate, calm: 0 } },
        { text: ' more', z: { desperate: desperate + 1, calm: 0 } },
      ],
      steering,
      validity: validated,
    },
  });
  store.addEvent(own(2, 1.5, null));
  store.addEvent(own(3, 0.5, { emotion: 'calm', alpha: 0.1, layer: 3 }));
  store.follow('local-model:served');
  const state = store.snapshot();
  assert.deepEqual(state.session!.readings, { kind: 'own', model: 'org/served-0.5b' });
  assert.deepEqual(
    state.session!.turns.map((t) => [t.emotions?.desperate, t.steering?.emotion]),
    [
      [{ mean: 2, max: 2.5 }, undefined],
      [{ mean: 1, max: 1.5 }, 'calm'],
    ],
  );
  assert.equal(state.session!.reading!.rawDesperation, 1, 'the gauge reads the own scores');
  assert.deepEqual(state.reader, validated, "the serving model's verdict, not the unloaded reader's");
  assert.deepEqual(state.selectedTurn!.steering, { emotion: 'calm', alpha: 0.1, layer: 3 });
  assert.deepEqual(state.selectedTurn!.tokens, [
    { text: 'reply', z: { desperate: 0.5, calm: 0 } },
    { text: ' more', z: { desperate: 1.5, calm: 0 } },
  ]);
  store.follow('claude-code:agent');
  assert.equal(store.snapshot().reader.valid, false, "other sessions keep the reader's validity");
});

test('the steering control shows the setting it is given', () => {
  const store = new VitalsStore(settings, unavailable, () => NOW);
  assert.deepEqual(store.snapshot().steering, { emotion: 'off', alpha: 0.1 });
  store.setSteering({ emotion: 'calm', alpha: 0.05 });
  assert.deepEqual(store.snapshot().steering, { emotion: 'calm', alpha: 0.05 });
});
