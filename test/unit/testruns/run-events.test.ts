// Finished commands through the session emitter (and a reader) into test-run events and the
// tamper engine: commands that execute no test must not end a failing streak, a wrapped test
// command that fails early must extend it, and scripts resolve in the command's directory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentEvent } from '../../../src/core/events';
import { TamperEngine } from '../../../src/tamper/engine';
import { SessionEmitter } from '../../../src/watchers/emitter';
import { readTranscript } from '../../../src/watchers/read-transcript';

const MONOREPO = join(__dirname, '../../fixtures/test-commands/vitest-monorepo');

const TEST = 'def test_total():\n    assert total([1, 2]) == 3\n';
const SKIPPED = `import pytest\n\n\n@pytest.mark.skip\n${TEST}`;
const FAILING =
  '=================================== FAILURES ===================================\nFAILED tests/test_sum.py::test_total - assert 4 == 3\n========================= 1 failed in 0.02s =========================\n';

/** The failing streak the engine saw when the agent then skipped the failing test. */
function streakAtSkip(commands: [command: string, output: string, exitCode: number][]): number {
  const events: AgentEvent[] = [];
  const emitter = new SessionEmitter({ source: 'claude-code', sessionId: 's1', workspaceRoot: '/w' }, (e) =>
    events.push(e),
  );
  let second = 0;
  const ts = (): string => new Date(Date.UTC(2026, 0, 1, 0, 0, ++second)).toISOString();
  for (const [command, output, exitCode] of commands)
    emitter.commandFinished({ ts: ts(), command, output, exitCode, origin: 'agent' });
  emitter.fileEdit({
    ts: ts(),
    path: '/w/tests/test_sum.py',
    op: 'update',
    before: TEST,
    after: SKIPPED,
    origin: 'tool',
  });
  const engine = new TamperEngine();
  const flags = events.flatMap((e) => engine.observe(e));
  const skip = flags.find((f) => f.kinds.includes('skip-added'));
  assert.ok(skip, 'the skip is flagged');
  return skip.pressure.failingStreak;
}

test('compiling or listing tests after a failing run does not reset the failing streak', () => {
  assert.equal(
    streakAtSkip([
      ['pytest', FAILING, 1],
      ['go test -c ./...', '', 0],
    ]),
    1,
  );
  assert.equal(
    streakAtSkip([
      ['pytest', FAILING, 1],
      ['pytest --collect-only -q', '1 test collected in 0.01s\n', 0],
    ]),
    1,
  );
  assert.equal(
    streakAtSkip([
      ['pytest', FAILING, 1],
      ['go test -run XXX_nomatch ./...', 'ok  \texample.com/sum\t0.001s [no tests to run]\n', 0],
    ]),
    1,
  );
  // Reading a file named after a runner is not a passing run either.
  assert.equal(
    streakAtSkip([
      ['pytest', FAILING, 1],
      ['cat vitest.config.ts', 'export default {}\n', 0],
    ]),
    1,
  );
});

test('a wrapped test command failing before its runner starts extends the streak', () => {
  assert.equal(
    streakAtSkip([
      ['pytest', FAILING, 1],
      ['mise run test', 'mise ERROR no task named test:setup', 1],
    ]),
    2,
  );
  assert.equal(
    streakAtSkip([
      ['pytest', FAILING, 1],
      ['npm run test:unit', 'sh: 1: vitest: not found', 127],
    ]),
    2,
  );
});

test("a script is resolved through the package.json of the command's directory", () => {
  const runs = (cwd: string | undefined): AgentEvent[] => {
    const events: AgentEvent[] = [];
    const emitter = new SessionEmitter({ source: 'codex', sessionId: 's1' }, (e) => events.push(e));
    emitter.commandFinished({
      ts: '2026-01-01T00:00:00.000Z',
      command: 'pnpm run ci',
      output: '',
      exitCode: 1,
      origin: 'agent',
      ...(cwd ? { cwd } : {}),
    });
    return events.filter((e) => e.type === 'test-run');
  };
  // vitest's `ci` script ends in `pnpm test:ci`; by its name alone `ci` is not a test command.
  assert.equal(runs(MONOREPO).length, 1);
  assert.equal(runs(undefined).length, 0);
});

test("the Claude Code reader passes the session's cwd, so its package.json applies", async () => {
  const folder = mkdtempSync(join(tmpdir(), 'testcmd-'));
  try {
    const record = (fields: object): string =>
      JSON.stringify({
        isSidechain: false,
        userType: 'external',
        cwd: MONOREPO,
        sessionId: 'c1',
        version: '2.0.31',
        ...fields,
      });
    const file = join(folder, 'c1.jsonl');
    writeFileSync(
      file,
      [
        record({
          type: 'assistant',
          uuid: 'a1',
          timestamp: '2026-01-01T00:00:01.000Z',
          message: {
            id: 'm1',
            type: 'message',
            role: 'assistant',
            content: [{ type: 'tool_use', id: 't1', name: 'Bash', input: { command: 'pnpm run ci' } }],
          },
        }),
        record({
          type: 'user',
          uuid: 'u1',
          timestamp: '2026-01-01T00:00:02.000Z',
          message: {
            role: 'user',
            content: [
              {
                type: 'tool_result',
                tool_use_id: 't1',
                content: 'Exit code 1\nERR_PNPM_RECURSIVE_RUN_FIRST_FAIL',
                is_error: true,
              },
            ],
          },
        }),
      ].join('\n') + '\n',
    );
    const session = await readTranscript(file);
    assert.ok(session);
    const runs = session.events.filter((e) => e.type === 'test-run');
    assert.deepEqual(
      runs.map((r) => [r.command, r.framework, r.exitCode]),
      [['pnpm run ci', 'unknown', 1]],
    );
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('the Aider reader resolves scripts in the folder of its history file', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'testcmd-'));
  try {
    writeFileSync(join(folder, 'package.json'), JSON.stringify({ scripts: { ci: 'tsc && vitest run' } }));
    writeFileSync(
      join(folder, '.aider.chat.history.md'),
      '\n# aider chat started at 2026-01-01 10:00:00\n\n#### /run npm run ci\n\n> sh: 1: tsc: not found\n\n#### why did that fail?\n',
    );
    const session = await readTranscript(join(folder, '.aider.chat.history.md'));
    assert.ok(session);
    assert.deepEqual(
      session.events.filter((e) => e.type === 'test-run').map((r) => [r.command, r.framework]),
      [['npm run ci', 'vitest']],
    );
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
