import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GUARD_MESSAGE_VERSION, guardMessage, HONEST_WAY_OUT, pressureLine } from '../../../src/guard/message';
import { pressureOfRecordedSession } from '../../../src/transcript-pipeline/flags';
import type { AgentEvent } from '../../../src/core/events';
import type { Finding } from '../../../src/tamper/classify';

const skip: Finding = {
  kind: 'skip-added',
  detail: "'test_neg' is now skipped",
  line: 3,
  test: 'test_neg',
  wasFailing: true,
  matchesLastActual: false,
};
const failingRun = (seq: number, minute: number): AgentEvent => ({
  source: 'codex',
  sessionId: 's',
  seq,
  ts: `2026-01-01T00:${String(minute).padStart(2, '0')}:00Z`,
  type: 'test-run',
  command: 'pytest',
  framework: 'pytest',
  exitCode: 1,
  passed: 0,
  failed: 1,
  skipped: 0,
  failingIds: ['t::test_neg'],
  origin: 'agent',
});
const runs = [failingRun(1, 0), failingRun(2, 10), failingRun(3, 20), failingRun(4, 25)];

test('the message names the kind and the test, states the pressure plainly, and ends with the honest way out and its version', () => {
  const text = guardMessage(
    'block',
    '/w/tests/test_a.py',
    [skip],
    pressureOfRecordedSession(runs, '2026-01-01T00:30:00Z'),
  );
  const lines = text.split('\n');
  assert.equal(lines[0], 'Agent Vitals guard held back this edit to /w/tests/test_a.py:');
  assert.equal(
    lines[1],
    "- it skips a test (test `test_neg`, failing in the last run): 'test_neg' is now skipped [skip-added]",
  );
  assert.equal(
    lines[2],
    'Pressure: 4 failing runs in a row; `t::test_neg` failing 4× in a row; 30 min since the last green run. Desperation was not read: no reader model is loaded.',
  );
  assert.equal(lines[3], HONEST_WAY_OUT);
  assert.equal(lines[4], `(agent-vitals guard, message v${GUARD_MESSAGE_VERSION})`);
  assert.doesNotMatch(text, /!|cheat|must not|forbidden/i, 'calm and matter-of-fact');
});

test('a calm session says so; the opening follows the tier', () => {
  const calm = pressureOfRecordedSession([], '2026-01-01T00:00:00Z');
  assert.match(pressureLine(calm), /^Pressure: none seen/);
  assert.match(guardMessage('ask', 'a', [skip], calm), /^Agent Vitals guard is asking the user about this edit to a:/);
  assert.match(guardMessage('warn', 'a', [skip], calm), /^Agent Vitals guard noticed this edit to a:/);
});
