import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AgentEvent } from '../../../src/core/events';
import { ClineReader } from '../../../src/watchers/cline';
import { SessionEmitter } from '../../../src/watchers/emitter';
import { edits, readFixture, runSummary, tools, turns } from './fixtures';

test('cline: task text, commands with their output, edits relative to the task cwd', async () => {
  const s = await readFixture('cline/saoudrizwan.claude-dev/tasks/1763888400000/ui_messages.json');
  assert.equal(s.source, 'cline');
  assert.equal(s.sessionId, '1763888400000');
  assert.deepEqual(
    turns(s.events).map((t) => t.role),
    ['user', 'assistant', 'assistant', 'assistant', 'assistant'],
  );
  assert.equal(turns(s.events)[3]!.text, 'Tests pass.'); // the final answer
  assert.equal(turns(s.events)[4]!.text, 'Done — all tests pass.'); // partial, flushed at end of input
  // The output arrived in two messages; both halves are joined before parsing.
  assert.deepEqual(runSummary(s.events), [
    ['pytest', undefined, 2, 1],
    ['pytest', undefined, 3, 0],
  ]);
  assert.deepEqual(
    edits(s.events).map((e) => [e.op, e.path, e.isTestPath]),
    [
      ['update', '/home/dev/shop/tests/test_cart.py', true],
      ['create', '/home/dev/shop/tests/test_rounding.py', true],
    ],
  );
  assert.equal(s.skippedRecords, 2); // a tool message that is not JSON, an unknown message kind
});

test('roo: detected from the extension folder, exit code read from the output', async () => {
  const s = await readFixture('roo/rooveterinaryinc.roo-cline/tasks/roo-task-01/ui_messages.json');
  assert.equal(s.source, 'roo');
  assert.deepEqual(runSummary(s.events), [['go', 1, null, 1]]);
  const shell = tools(s.events).find((t) => t.kind === 'shell')!;
  assert.deepEqual([shell.exitCode, shell.exitCodeSource, shell.status], [1, 'parsed', 'failed']);
  assert.deepEqual(
    edits(s.events).map((e) => [e.op, e.path, e.isTestPath]),
    [['update', '/home/dev/svc/price_test.go', true]],
  );
});

test('cline: re-reading the rewritten file dedupes by ts and waits for streaming command output', () => {
  const events: AgentEvent[] = [];
  const reader = new ClineReader(
    new SessionEmitter({ source: 'cline', sessionId: 'x' }, (e) => events.push(e)),
    '/t/42/ui_messages.json',
  );
  assert.equal(reader.emitter.sessionId, '42');
  const messages: object[] = [
    { ts: 1, type: 'say', say: 'text', text: 'Running tests.' },
    { ts: 2, type: 'ask', ask: 'command', text: 'npm test' },
    { ts: 3, type: 'ask', ask: 'command_output', text: 'Tests:       1 failed, 2 passed, 3 total' },
  ];
  reader.document(JSON.stringify(messages));
  assert.equal(turns(events).length, 1);
  assert.equal(events.filter((e) => e.type === 'test-run').length, 0); // output may still grow
  messages.push({ ts: 4, type: 'say', say: 'text', text: 'One test fails.' });
  reader.document(JSON.stringify(messages));
  reader.document(JSON.stringify(messages));
  assert.deepEqual(
    turns(events).map((t) => t.text),
    ['Running tests.', 'One test fails.'],
  );
  assert.deepEqual(runSummary(events), [['jest', undefined, 2, 1]]);
  // A rewrite caught half-way is skipped and counted; the next complete one carries on.
  reader.document(JSON.stringify(messages).slice(0, 40));
  assert.equal(reader.emitter.skippedRecords, 1);
  messages.push({ ts: 5, type: 'say', say: 'text', text: 'Fixed.' });
  reader.document(JSON.stringify(messages));
  assert.equal(turns(events).at(-1)!.text, 'Fixed.');
});

test('cline and roo: older tasks open with say "text" (the request), newer message kinds are known, the final answer is kept', () => {
  const events: AgentEvent[] = [];
  const reader = new ClineReader(
    new SessionEmitter({ source: 'roo', sessionId: 'x' }, (e) => events.push(e)),
    '/t/7/ui_messages.json',
  );
  reader.document(
    JSON.stringify([
      { ts: 1, type: 'say', say: 'text', text: 'Add a --json flag' },
      { ts: 2, type: 'say', say: 'api_req_started', text: '{}' },
      { ts: 3, type: 'say', say: 'checkpoint_created', text: '' },
      { ts: 4, type: 'say', say: 'task_progress', text: '- [x] flag' },
      { ts: 5, type: 'say', say: 'error_retry', text: '{"attempt":1}' },
      // Roo Code's own kinds
      { ts: 51, type: 'say', say: 'too_many_tools_warning', text: '{"toolCount":70}' },
      { ts: 52, type: 'say', say: 'sliding_window_truncation', text: '' },
      { ts: 53, type: 'say', say: 'api_req_rate_limit_wait', text: '' },
      { ts: 6, type: 'say', say: 'text', text: 'Adding the flag.' },
      { ts: 7, type: 'say', say: 'completion_result', text: 'The flag is in.' },
      { ts: 8, type: 'ask', ask: 'completion_result', text: '' },
    ]),
  );
  reader.end();
  assert.deepEqual(
    turns(events).map((t) => [t.role, t.text]),
    [
      ['user', 'Add a --json flag'],
      ['assistant', 'Adding the flag.'],
      ['assistant', 'The flag is in.'],
    ],
  );
  assert.equal(reader.emitter.skippedRecords, 0);
});
