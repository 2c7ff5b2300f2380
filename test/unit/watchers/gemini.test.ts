import { test } from 'node:test';
import assert from 'node:assert/strict';
import { edits, readFixture, runSummary, tools, turns } from './fixtures';

test('gemini jsonl: the last record per id wins; shell exit codes and edits with full text', async () => {
  const s = await readFixture('gemini/tmp/c0ffee/chats/session-2026-11-23T07-00-g5150.jsonl');
  assert.equal(s.source, 'gemini');
  assert.equal(s.sessionId, 'g-5150');
  // m2 was first written empty and executing, then re-appended with text and a result.
  assert.deepEqual(turns(s.events).map((t) => [t.turnId, t.role]), [['m1', 'user'], ['m2', 'assistant'], ['m3', 'assistant'], ['m6', 'assistant']]);
  const shell = tools(s.events).filter((t) => t.kind === 'shell');
  assert.deepEqual(shell.map((t) => [t.callId, t.status, t.exitCode]), [
    ['run_shell_command-1', 'started', undefined],
    ['run_shell_command-1', 'failed', 1],
    ['run_shell_command-3', 'started', undefined],
    ['run_shell_command-3', 'succeeded', 0],
  ]);
  assert.deepEqual(runSummary(s.events), [['pytest', 1, 2, 1], ['pytest', 0, 3, 0]]);
  const [edit] = edits(s.events);
  assert.equal(edit!.path, '/home/dev/shop/tests/test_cart.py');
  assert.match(edit!.before!, /== 8\.0\n/);
  assert.match(edit!.after!, /== 8\.5\n/);
  assert.equal(s.skippedRecords, 3); // cut-off line, unknown message type, unfinished last line
});

test('gemini legacy json: one document with messages', async () => {
  const s = await readFixture('gemini/tmp/c0ffee/session-legacy-1.json');
  assert.equal(s.sessionId, 'g-legacy-1');
  assert.deepEqual(turns(s.events).map((t) => t.text), ['write a test', 'Creating the test file.']);
  assert.deepEqual(edits(s.events).map((e) => [e.op, e.path, e.isTestPath]), [['create', '/home/dev/shop/tests/test_new.py', true]]);
});
