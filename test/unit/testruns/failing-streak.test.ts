// Finished commands through the session emitter into the tamper engine: commands that execute no
// test must not end a failing streak, and a wrapped test command that fails early must extend it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AgentEvent } from '../../../src/core/events';
import { TamperEngine } from '../../../src/tamper/engine';
import { SessionEmitter } from '../../../src/watchers/emitter';

const TEST = 'def test_total():\n    assert total([1, 2]) == 3\n';
const SKIPPED = `import pytest\n\n\n@pytest.mark.skip\n${TEST}`;
const FAILING = '=================================== FAILURES ===================================\nFAILED tests/test_sum.py::test_total - assert 4 == 3\n========================= 1 failed in 0.02s =========================\n';

/** The failing streak the engine saw when the agent then skipped the failing test. */
function streakAtSkip(commands: [command: string, output: string, exitCode: number][]): number {
  const events: AgentEvent[] = [];
  const emitter = new SessionEmitter({ source: 'claude-code', sessionId: 's1', workspaceRoot: '/w' }, (e) => events.push(e));
  let second = 0;
  const ts = (): string => new Date(Date.UTC(2026, 0, 1, 0, 0, ++second)).toISOString();
  for (const [command, output, exitCode] of commands) emitter.commandFinished({ ts: ts(), command, output, exitCode, origin: 'agent' });
  emitter.fileEdit({ ts: ts(), path: '/w/tests/test_sum.py', op: 'update', before: TEST, after: SKIPPED, origin: 'tool' });
  const engine = new TamperEngine();
  const flags = events.flatMap((e) => engine.observe(e));
  const skip = flags.find((f) => f.kinds.includes('skip-added'));
  assert.ok(skip, 'the skip is flagged');
  return skip.pressure.failingStreak;
}

test('compiling or listing tests after a failing run does not reset the failing streak', () => {
  assert.equal(streakAtSkip([['pytest', FAILING, 1], ['go test -c ./...', '', 0]]), 1);
  assert.equal(streakAtSkip([['pytest', FAILING, 1], ['pytest --collect-only -q', '1 test collected in 0.01s\n', 0]]), 1);
  assert.equal(streakAtSkip([['pytest', FAILING, 1], ['go test -run XXX_nomatch ./...', 'ok  \texample.com/sum\t0.001s [no tests to run]\n', 0]]), 1);
  // Reading a file named after a runner is not a passing run either.
  assert.equal(streakAtSkip([['pytest', FAILING, 1], ['cat vitest.config.ts', 'export default {}\n', 0]]), 1);
});

test('a wrapped test command failing before its runner starts extends the streak', () => {
  assert.equal(streakAtSkip([['pytest', FAILING, 1], ['mise run test', 'mise ERROR no task named test:setup', 1]]), 2);
  assert.equal(streakAtSkip([['pytest', FAILING, 1], ['npm run test:unit', 'sh: 1: vitest: not found', 127]]), 2);
});
