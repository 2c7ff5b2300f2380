// What the store saves for the next extension host: bounded, and read back to the same views.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  SAVED_HEAT_TURNS,
  SAVED_SESSIONS,
  SAVED_TEXT_CHARS,
  SAVED_TURNS_PER_SESSION,
  SAVED_WHOLE_TURNS,
} from '../../../src/extension/state/saved-timelines';
import { sessionKeyOf, VitalsStore } from '../../../src/extension/state/vitals-store';
import { scored, testRun, turn } from './events';
import { settings, unavailable } from '../../support/store-settings';

const NOW = Date.UTC(2026, 10, 24, 15, 0, 0);

/** Per-token heat for a long turn: the bulkiest part of a score. */
const heat = (z: number) => ({
  ...scored(z, -z),
  tokens: Array.from({ length: 300 }, (_, i) => ({ text: `tok${i}`, z: { desperate: z, calm: -z } })),
});

test('a long day of sessions saves within a few MB; the views read back the same', (t) => {
  const store = new VitalsStore(settings, unavailable, () => NOW);
  const sessions = SAVED_SESSIONS + 5;
  const turns = SAVED_TURNS_PER_SESSION + 200;
  for (let s = 0; s < sessions; s++) {
    for (let i = 0; i < turns; i++) {
      const t = turn(
        s * 10_000 + i,
        `Turn ${i} of session ${s}: ${'the fixture still disagrees with the rounding. '.repeat(6)}`,
        `s${s}`,
      );
      store.addEvent(t);
      store.setTurnScore(sessionKeyOf(t), t.turnId, i >= turns - 3 ? heat(i / turns) : scored(i / turns, 0));
      if (i % 50 === 0) store.addEvent({ ...testRun(s * 10_000 + i, 3, 1, `s${s}`), output: 'x'.repeat(16_000) });
    }
  }
  const saved = store.saveTimelines();
  const bytes = Buffer.byteLength(JSON.stringify(saved));
  t.diagnostic(`${sessions} sessions of ${turns} turns save as ${(bytes / 2 ** 20).toFixed(2)} MB`);
  assert.ok(bytes < 4 * 2 ** 20, `saved ${(bytes / 2 ** 20).toFixed(1)} MB`);
  assert.equal(saved.sessions.length, SAVED_SESSIONS, 'the most recent sessions');
  assert.deepEqual(saved.sessions.map((s) => s.sessionId).slice(0, 2), [`s${sessions - 1}`, `s${sessions - 2}`]);
  const newest = saved.sessions[0]!;
  assert.equal(newest.turns.length, SAVED_TURNS_PER_SESSION);
  assert.ok(
    newest.turns.slice(0, -SAVED_WHOLE_TURNS).every((t) => t.text.length <= SAVED_TEXT_CHARS + 1),
    'older turns keep the start of their text',
  );
  assert.ok(
    newest.turns.slice(-SAVED_WHOLE_TURNS).every((t) => t.text.length > SAVED_TEXT_CHARS),
    'the newest are whole',
  );
  assert.equal(
    newest.scores.filter(([, s]) => s.tokens).length,
    SAVED_HEAT_TURNS,
    'heat maps for the newest turns only',
  );
  assert.ok(
    newest.testRuns.every((r) => !('output' in r)),
    'run output is not kept',
  );

  const restored = new VitalsStore(settings, unavailable, () => NOW);
  assert.equal(restored.restoreTimelines(JSON.parse(JSON.stringify(saved))), 0);
  const key = `claude-code:s${sessions - 1}`;
  store.follow(key);
  restored.follow(key);
  const [a, b] = [store.snapshot().session!, restored.snapshot().session!];
  assert.deepEqual(
    b.turns.map((t) => [t.turnId, t.firstLine, t.emotions]),
    a.turns.slice(-SAVED_TURNS_PER_SESSION).map((t) => [t.turnId, t.firstLine, t.emotions]),
  );
  const lastDropped = a.turns[a.turns.length - SAVED_TURNS_PER_SESSION - 1]!;
  assert.deepEqual(
    b.testRuns.map((r) => [r.seq, r.failed]),
    a.testRuns.filter((r) => r.seq > lastDropped.seq).map((r) => [r.seq, r.failed]),
    'the runs within the kept turns',
  );
  assert.deepEqual(
    restored.snapshot().selectedTurn,
    store.snapshot().selectedTurn,
    'the newest turn with its heat map',
  );
  assert.equal(restored.snapshot().sessions.length, SAVED_SESSIONS);
});

test('a turn delivered again (a transcript rewritten whole) is not added twice', () => {
  const store = new VitalsStore(settings, unavailable, () => NOW);
  store.addEvent(turn(1, 'once'));
  store.addEvent(turn(1, 'once'));
  assert.equal(store.snapshot().session!.turns.length, 1);
});

test("an own-activations session comes back after a reload with its model, its validity and each turn's steering", () => {
  const validity = { valid: true, why: 'validated on agent text' };
  const ownTurn = (seq: number, steering: { emotion: string; alpha: number; layer: number } | null) => ({
    ...turn(seq, `reply ${seq}`, 'served'),
    source: 'local-model' as const,
    model: 'org/served-0.5b',
    own: { tokens: [{ text: 'reply', z: { desperate: seq, calm: 0 } }], steering, validity },
  });
  const store = new VitalsStore(settings, unavailable, () => NOW);
  store.addEvent(ownTurn(1, null));
  store.addEvent(ownTurn(2, { emotion: 'calm', alpha: 0.1, layer: 3 }));
  const saved = JSON.parse(JSON.stringify(store.saveTimelines())) as unknown;
  const restored = new VitalsStore(settings, unavailable, () => NOW);
  assert.equal(restored.restoreTimelines(saved), 0);
  const state = restored.snapshot();
  assert.deepEqual(state.session!.readings, { kind: 'own', model: 'org/served-0.5b' });
  assert.deepEqual(state.reader, validity);
  assert.deepEqual(
    state.session!.turns.map((t) => [t.emotions?.desperate?.mean, t.steering?.emotion]),
    [
      [1, undefined],
      [2, 'calm'],
    ],
  );
  // A saved steering that is not one is refused with its session, never shown.
  const tampered = JSON.parse(JSON.stringify(saved)) as { sessions: { turns: { own?: { steering: unknown } }[] }[] };
  tampered.sessions[0]!.turns[1]!.own!.steering = { emotion: 'calm', alpha: 'lots' };
  assert.equal(new VitalsStore(settings, unavailable, () => NOW).restoreTimelines(tampered), 1);
});
