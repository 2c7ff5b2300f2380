import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentEvent } from '../../../src/core/events';
import { WorkspaceActivity } from '../../../src/watchers/workspace-activity';
import { FakeClock } from '../../support/fake-clock';
import { edits, runs, tools } from './fixtures';

const OUTPUTS = join(__dirname, '../../fixtures/test-output');

function activity(fallback: Record<string, string> = {}) {
  const events: AgentEvent[] = [];
  const clock = new FakeClock(Date.parse('2026-11-25T10:00:00Z'));
  const a = new WorkspaceActivity({
    workspaceRoot: '/w',
    sink: (e) => events.push(e),
    editQuietMs: 20,
    beforeTextFallback: async (p) => fallback[p],
    clock,
  });
  return { a, events, clock };
}

test('terminal executions become tool calls and test runs with the structured exit code', () => {
  const { a, events } = activity();
  a.terminalExecuted({
    id: 't1',
    commandLine: 'go test -v ./...',
    cwd: '/w',
    exitCode: 1,
    output: readFileSync(join(OUTPUTS, 'go-v-fail.txt'), 'utf8'),
    startedAt: new Date('2026-11-25T09:59:58Z'),
    endedAt: new Date('2026-11-25T10:00:00Z'),
  });
  a.terminalExecuted({ id: 't2', commandLine: 'ls', output: 'a b', endedAt: new Date('2026-11-25T10:00:01Z') });
  assert.deepEqual(
    tools(events).map((t) => [t.command, t.status, t.exitCode, t.exitCodeSource, t.durationMs]),
    [
      ['go test -v ./...', 'failed', 1, 'structured', 2000],
      ['ls', 'unknown', undefined, 'none', undefined],
    ],
  );
  assert.deepEqual(
    runs(events).map((r) => [r.origin, r.framework, r.exitCode, r.passed, r.failed, r.skipped, r.failingIds]),
    [['terminal', 'go', 1, 1, 2, 1, ['TestAddWrong', 'TestTable']]],
  );
  assert.equal(events[0]!.source, 'vscode');
});

test('a test task counts as a test run by its command; other tasks do not', () => {
  const { a, events } = activity();
  a.taskEnded({ id: 'k1', taskName: 'test', command: 'npm test', exitCode: 0, endedAt: new Date() });
  a.taskEnded({ id: 'k2', taskName: 'build', command: 'tsc -b', exitCode: 0, endedAt: new Date() });
  assert.deepEqual(
    runs(events).map((r) => [r.origin, r.command, r.exitCode]),
    [['task', 'npm test', 0]],
  );
});

test('keystrokes in the editor merge into one edit with the text from before the first change', async () => {
  const { a, events, clock } = activity();
  a.documentOpened('/w/tests/test_a.py', 'assert f() == 1\n');
  a.documentChanged('/w/tests/test_a.py', 'assert f() == \n');
  await clock.advance(15);
  a.documentChanged('/w/tests/test_a.py', 'assert f() == 2\n');
  // Each change restarts the quiet time (20 ms): 15 ms after the last one the edit still waits.
  await clock.advance(15);
  assert.equal(edits(events).length, 0);
  await clock.advance(5);
  assert.deepEqual(
    edits(events).map((e) => [e.origin, e.op, e.before, e.after, e.isTestPath, e.ts]),
    [['editor', 'update', 'assert f() == 1\n', 'assert f() == 2\n', true, '2026-11-25T10:00:00.015Z']],
  );
  // Saving writes the same text to disk: the file watcher's event must not add a second edit.
  await a.fileWritten('/w/tests/test_a.py', 'assert f() == 2\n');
  assert.equal(edits(events).length, 1);
  // Typing and undoing back to the saved text is no edit at all.
  a.documentChanged('/w/tests/test_a.py', 'x');
  a.documentChanged('/w/tests/test_a.py', 'assert f() == 2\n');
  a.documentSaved('/w/tests/test_a.py');
  assert.equal(edits(events).length, 1);
});

test('disk writes get their before-text from the snapshot or the fallback (git HEAD)', async () => {
  const { a, events } = activity({ '/w/src/app.ts': 'old\n', '/w/tests/gone.test.ts': 'it()\n' });
  await a.fileWritten('/w/src/app.ts', 'new\n');
  await a.fileWritten('/w/src/app.ts', 'newer\n');
  await a.fileWritten('/w/src/new.ts', 'hello\n', true);
  await a.fileWritten('/w/node_modules/x/index.js', 'ignored');
  await a.fileDeleted('/w/tests/gone.test.ts');
  assert.deepEqual(
    edits(events).map((e) => [e.origin, e.op, e.path, e.before, e.after]),
    [
      ['fs', 'update', '/w/src/app.ts', 'old\n', 'new\n'],
      ['fs', 'update', '/w/src/app.ts', 'new\n', 'newer\n'],
      ['fs', 'create', '/w/src/new.ts', undefined, 'hello\n'],
      ['fs', 'delete', '/w/tests/gone.test.ts', 'it()\n', undefined],
    ],
  );
});

test('a JUnit XML report written in the workspace is a test run', async () => {
  const { a, events } = activity();
  await a.fileWritten(
    '/w/target/surefire-reports/TEST-calc.xml',
    readFileSync(join(OUTPUTS, 'junit-pytest.xml'), 'utf8'),
    true,
  );
  assert.deepEqual(
    runs(events).map((r) => [r.origin, r.framework, r.passed, r.failed, r.skipped]),
    [['report-file', 'junit-xml', 2, 3, 1]],
  );
  assert.equal(edits(events).length, 0); // build output is not an edit
});
