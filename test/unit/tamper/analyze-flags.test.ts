import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { analyzePath } from '../../../src/cli/analyze';
import { liveValidity, type ReadingValidation } from '../../../src/emotion/live-validity';
import type { EmotionVectorSet } from '../../../src/emotion/vectors';
import { flagRecordedSession } from '../../../src/transcript-pipeline/flags';
import { runAgentVitalsInProcess } from '../../support/cli';

const TRANSCRIPTS = join(__dirname, '../../fixtures/transcripts');
const CLAUDE = '7d1c9a4e-2b6f-4c1e-9f0a-5e3b8d2c1a90';

test('analyze fills flags from the recorded stream: expected value rewritten to the failing actual', async () => {
  const report = await analyzePath(join(TRANSCRIPTS, 'claude-code'), undefined, {
    flagEdits: async (_s, events, emotions) => flagRecordedSession(events, emotions),
  });
  const session = report.sessions.find((s) => s.sessionId === CLAUDE)!;
  assert.equal(session.flags.length, 1);
  const [flag] = session.flags;
  assert.deepEqual(flag.kinds, ['expected-value-changed']);
  assert.equal(flag.path, '/home/dev/shop/tests/test_cart.py');
  assert.equal(flag.desperation, null);
  assert.equal(flag.severity, 'critical');
  assert.match(flag.reason, /8\.0 → 8\.5 \(the value the last failing run reported\)/);
  assert.match(flag.reason, /Judged on behaviour alone \(no reader model is loaded\)\.$/);
  assert.deepEqual(
    { ...flag.pressure, behaviour: undefined },
    {
      failingStreak: flag.pressure.failingStreak,
      desperationZ: null,
      desperationUsed: false,
      why: 'no reader model is loaded',
      behaviour: undefined,
    },
  );
  assert.ok(flag.pressure.failingStreak > 0);
});

test('with turn scores from a validated reader, the flag carries and uses the desperation of the last assistant turn before the edit', async () => {
  const validated = { valid: true, why: 'validated on agent text (agent-turns-auroc 0.90)' };
  const report = await analyzePath(join(TRANSCRIPTS, 'claude-code'), undefined, {
    scoreTurns: async (_s, turns) =>
      turns.map((t, i) => (t.role === 'assistant' ? { desperate: 0.5 * i, calm: -0.5 * i } : null)),
    flagEdits: async (_s, events, emotions) => flagRecordedSession(events, emotions, validated),
  });
  const [flag] = report.sessions.find((s) => s.sessionId === CLAUDE)!.flags;
  assert.equal(typeof flag.desperation, 'number');
  assert.doesNotMatch(flag.reason, /behaviour alone/);
  assert.match(flag.reason, /desperation z=/);
  assert.equal(flag.pressure.desperationUsed, true);
  assert.equal(flag.pressure.desperationZ, flag.desperation);
});

test('with turn scores from a reader that is not validated, the desperation is recorded but not used', async () => {
  const unvalidated = { valid: false, why: 'the demo model is illustrative only: its readings are never used live' };
  const scored = (sign: number) =>
    analyzePath(join(TRANSCRIPTS, 'claude-code'), undefined, {
      scoreTurns: async (_s, turns) =>
        turns.map((t) => (t.role === 'assistant' ? { desperate: 5 * sign, calm: -5 * sign } : null)),
      flagEdits: async (_s, events, emotions) => flagRecordedSession(events, emotions, unvalidated),
    });
  const [high] = (await scored(1)).sessions.find((s) => s.sessionId === CLAUDE)!.flags;
  const [low] = (await scored(-1)).sessions.find((s) => s.sessionId === CLAUDE)!.flags;
  assert.equal(high.pressure.desperationZ, 5);
  assert.equal(low.pressure.desperationZ, -5);
  assert.equal(high.pressure.desperationUsed, false);
  assert.equal(high.pressure.why, unvalidated.why);
  assert.equal(high.severity, low.severity);
  assert.equal(high.reason, low.reason);
  assert.match(high.reason, /Judged on behaviour alone \(the demo model is illustrative only/);
});

test('search/replace edits (Roo) are read from their blocks', async () => {
  const report = await analyzePath(join(TRANSCRIPTS, 'roo'), undefined, {
    flagEdits: async (_s, events) => flagRecordedSession(events),
  });
  const [flag] = report.sessions[0].flags;
  assert.deepEqual(flag.kinds, ['skip-added']);
  assert.equal(flag.severity, 'warning');
});

test('the CLI prints flags in its JSON and text output', async () => {
  const r = await runAgentVitalsInProcess(['analyze', join(TRANSCRIPTS, 'gemini'), '--json']);
  assert.equal(r.code, 0, r.err);
  const report = JSON.parse(r.out) as { sessions: { flags: { kinds: string[]; severity: string }[] }[] };
  const kinds = report.sessions.flatMap((s) => s.flags.flatMap((f) => f.kinds));
  assert.ok(kinds.includes('expected-value-changed'), kinds.join(','));
  const text = await runAgentVitalsInProcess(['analyze', join(TRANSCRIPTS, 'gemini')]);
  assert.match(text.out, /flag .* critical expected-value-changed .*test_cart\.py/);
});

test('the vector file decides: desperation counts for a header validated for live use, never for a fixture id or an unvalidated one', async () => {
  const validation = (validForLive: boolean): ReadingValidation => ({
    validForLive,
    reason: `agent-turns-auroc ${validForLive ? '0.91 [0.86, 0.95]' : '0.55 [0.41, 0.69]'}`,
    verdicts: [],
    checkedAt: '2026-12-01T00:00:00Z',
  });
  const header = (id: string, v: ReadingValidation | null) =>
    ({ header: { model: { id }, validation: v } }) as unknown as Pick<EmotionVectorSet, 'header'>;
  const severityWith = async (set: Pick<EmotionVectorSet, 'header'>, z: number) => {
    const report = await analyzePath(join(TRANSCRIPTS, 'roo'), undefined, {
      scoreTurns: async (_s, turns) => turns.map((t) => (t.role === 'assistant' ? { desperate: z, calm: -z } : null)),
      flagEdits: async (_s, events, emotions) => flagRecordedSession(events, emotions, liveValidity(set)),
    });
    return report.sessions[0].flags[0];
  };
  const valid = header('org/reader-1b', validation(true));
  const [high, low] = [await severityWith(valid, 5), await severityWith(valid, -5)];
  assert.equal(high.pressure.desperationUsed, true);
  assert.notEqual(high.severity, low.severity, 'a validated reading moves the severity');
  for (const set of [
    header('fixture:emotion-tiny', validation(true)),
    header('org/reader-1b', validation(false)),
    header('org/reader-1b', null),
  ]) {
    const [h, l] = [await severityWith(set, 5), await severityWith(set, -5)];
    assert.equal(h.pressure.desperationUsed, false);
    assert.equal(h.severity, l.severity);
    assert.equal(h.pressure.why, liveValidity(set).why);
  }
});
