import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AgentEvent } from '../../../src/core/events';
import { SessionEmitter } from '../../../src/watchers/emitter';
import { GeminiReader } from '../../../src/watchers/gemini';
import { edits, readFixture, runSummary, tools, turns } from './fixtures';

test('gemini jsonl: the last record per id wins; shell exit codes and edits with full text', async () => {
  const s = await readFixture('gemini/tmp/c0ffee/chats/session-2026-11-23T07-00-g5150.jsonl');
  assert.equal(s.source, 'gemini');
  assert.equal(s.sessionId, 'g-5150');
  // m2 was first written empty and executing, then re-appended with text and a result.
  assert.deepEqual(
    turns(s.events).map((t) => [t.turnId, t.role]),
    [
      ['m1', 'user'],
      ['m2', 'assistant'],
      ['m3', 'assistant'],
      ['m6', 'assistant'],
    ],
  );
  const shell = tools(s.events).filter((t) => t.kind === 'shell');
  assert.deepEqual(
    shell.map((t) => [t.callId, t.status, t.exitCode]),
    [
      ['run_shell_command-1', 'started', undefined],
      ['run_shell_command-1', 'failed', 1],
      ['run_shell_command-3', 'started', undefined],
      ['run_shell_command-3', 'succeeded', 0],
    ],
  );
  assert.deepEqual(runSummary(s.events), [
    ['pytest', 1, 2, 1],
    ['pytest', 0, 3, 0],
  ]);
  const [edit] = edits(s.events);
  assert.equal(edit!.path, '/home/dev/shop/tests/test_cart.py');
  assert.match(edit!.before!, /== 8\.0\n/);
  assert.match(edit!.after!, /== 8\.5\n/);
  assert.equal(s.skippedRecords, 3); // cut-off line, unknown message type, unfinished last line
});

test('gemini legacy json: one document with messages', async () => {
  const s = await readFixture('gemini/tmp/c0ffee/session-legacy-1.json');
  assert.equal(s.sessionId, 'g-legacy-1');
  assert.deepEqual(
    turns(s.events).map((t) => t.text),
    ['write a test', 'Creating the test file.'],
  );
  assert.deepEqual(
    edits(s.events).map((e) => [e.op, e.path, e.isTestPath]),
    [['create', '/home/dev/shop/tests/test_new.py', true]],
  );
});

test('gemini: a record still changing is held; its last version wins', () => {
  const events: AgentEvent[] = [];
  const reader = new GeminiReader(new SessionEmitter({ source: 'gemini', sessionId: 'x' }, (e) => events.push(e)));
  const rec = (content: string, status: string) =>
    JSON.stringify({
      id: 'm1',
      timestamp: '2026-11-23T07:00:00.000Z',
      type: 'gemini',
      content,
      toolCalls: [{ id: 'c1', name: 'read_file', args: {}, status }],
    });
  reader.line(rec('Reading', 'executing'), 0);
  reader.line(rec('Reading the file now.', 'executing'), 1);
  assert.equal(turns(events).length, 0);
  reader.line(rec('Reading the file now, then fixing it.', 'success'), 2);
  reader.line(rec('A later rewrite after emission is not re-emitted.', 'success'), 3);
  assert.deepEqual(
    turns(events).map((t) => t.text),
    ['Reading the file now, then fixing it.'],
  );
  const open = new GeminiReader(new SessionEmitter({ source: 'gemini', sessionId: 'y' }, (e) => events.push(e)));
  open.line(rec('Still waiting on a tool', 'executing'), 0);
  open.end();
  assert.equal(turns(events).at(-1)!.text, 'Still waiting on a tool');
});
