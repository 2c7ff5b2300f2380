import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentEvent } from '../../../src/core/events';
import { ClaudeCodeReader } from '../../../src/watchers/claude-code';
import { SessionEmitter } from '../../../src/watchers/emitter';
import { edits, readFixture, runs, runSummary, tools, turns, TRANSCRIPTS } from './fixtures';

const MAIN = 'claude-code/-home-dev-shop/7d1c9a4e-2b6f-4c1e-9f0a-5e3b8d2c1a90.jsonl';

test('claude code: turns, tool calls with exit codes, test runs and edits', async () => {
  const s = await readFixture(MAIN);
  assert.equal(s.source, 'claude-code');
  assert.equal(s.sessionId, '7d1c9a4e-2b6f-4c1e-9f0a-5e3b8d2c1a90');
  assert.deepEqual(
    turns(s.events).map((t) => [t.role, t.turnId]),
    [
      ['user', 'u-001'],
      ['assistant', 'u-003'],
      ['assistant', 'u-006'],
      ['assistant', 'u-015'],
    ],
  );
  assert.equal(turns(s.events)[1]!.model, 'claude-sonnet-4-5-20250929');

  const finished = tools(s.events).filter((t) => t.status !== 'started');
  assert.deepEqual(
    finished.map((t) => [t.rawName, t.kind, t.status, t.exitCode, t.exitCodeSource]),
    [
      ['Bash', 'shell', 'failed', 1, 'parsed'],
      ['Edit', 'edit', 'succeeded', 0, 'structured'],
      ['Bash', 'shell', 'succeeded', 0, 'structured'],
      ['Write', 'write', 'succeeded', 0, 'structured'],
      ['MultiEdit', 'edit', 'succeeded', 0, 'structured'],
    ],
  );
  assert.equal(finished[0]!.command, 'python -m pytest tests');
  assert.deepEqual(runSummary(s.events), [
    ['pytest', 1, 2, 1],
    ['pytest', 0, 3, 0],
  ]);
  assert.deepEqual(
    s.events.filter((e) => e.type === 'test-run').map((r) => (r.type === 'test-run' ? r.failingIds : [])),
    [['tests/test_cart.py::test_total_discount'], []],
  );
});

test('claude code: an Edit with the original file yields full before/after text', async () => {
  const s = await readFixture(MAIN);
  const [testEdit, write, multi] = edits(s.events);
  assert.equal(testEdit!.path, '/home/dev/shop/tests/test_cart.py');
  assert.equal(testEdit!.isTestPath, true);
  assert.match(testEdit!.before!, /discount=0\.15\) == 8\.0/);
  assert.match(testEdit!.after!, /discount=0\.15\) == 8\.5/);
  assert.equal(testEdit!.before!.replace('discount=0.15) == 8.0', 'discount=0.15) == 8.5'), testEdit!.after);
  assert.deepEqual(
    [write!.op, write!.path, write!.after, write!.isTestPath],
    ['create', '/home/dev/shop/NOTES.md', 'Discount rounding fixed.\n', false],
  );
  // MultiEdit without originalFile: only the fragments are known, kept as a diff.
  assert.equal(multi!.before, undefined);
  assert.equal(multi!.diff, '@@\n-def total(items, discount=0.0):\n+def total(items, discount: float = 0.0):');
});

test('claude code: malformed, unknown and truncated records are skipped and counted', async () => {
  const s = await readFixture(MAIN);
  // one cut-off line in the middle, one unknown record type, one unfinished last line
  assert.equal(s.skippedRecords, 3);
  assert.deepEqual(
    s.events.map((e) => e.seq),
    s.events.map((_, i) => i),
  );
});

test('claude code: live reading holds back a partial last line until it is complete', () => {
  const lines = readFileSync(join(TRANSCRIPTS, MAIN), 'utf8').split('\n');
  const events: AgentEvent[] = [];
  const reader = new ClaudeCodeReader(
    new SessionEmitter({ source: 'claude-code', sessionId: 'x' }, (e) => events.push(e)),
    'f',
  );
  lines.slice(0, -1).forEach((l, i) => reader.line(l, i));
  const before = events.length;
  assert.ok(before > 0);
  // The record completed later arrives as one whole line.
  reader.line(lines.at(-1)! + 'lse?"}]}}', 999);
  assert.equal(events.length, before + 1);
  assert.equal(turns(events).at(-1)!.text, 'Anything else?');
});

test('claude code: a sub-agent file is its own session with the agent id', async () => {
  const s = await readFixture(
    'claude-code/-home-dev-shop/7d1c9a4e-2b6f-4c1e-9f0a-5e3b8d2c1a90/subagents/agent-a1b2c3.jsonl',
  );
  assert.equal(s.sessionId, '7d1c9a4e-2b6f-4c1e-9f0a-5e3b8d2c1a90:a1b2c3');
  assert.deepEqual(
    turns(s.events).map((t) => t.role),
    ['user', 'assistant'],
  );
  assert.deepEqual(
    tools(s.events).map((t) => [t.rawName, t.kind, t.status]),
    [
      ['Grep', 'read', 'started'],
      ['Grep', 'read', 'succeeded'],
    ],
  );
});

test('claude code: a background test command is a test run once BashOutput shows it finished', () => {
  const events: AgentEvent[] = [];
  const reader = new ClaudeCodeReader(
    new SessionEmitter({ source: 'claude-code', sessionId: 'x' }, (e) => events.push(e)),
    'f',
  );
  const base = { sessionId: 's', cwd: '/w', timestamp: '2026-11-20T09:00:00.000Z' };
  const use = (uuid: string, id: string, name: string, input: object) =>
    JSON.stringify({
      ...base,
      type: 'assistant',
      uuid,
      message: { role: 'assistant', content: [{ type: 'tool_use', id, name, input }] },
    });
  const result = (uuid: string, id: string, content: string) =>
    JSON.stringify({
      ...base,
      type: 'user',
      uuid,
      message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content }] },
    });
  const lines = [
    use('a1', 't1', 'Bash', { command: 'npx jest', run_in_background: true }),
    result('r1', 't1', 'Command running in background with ID: bash_7'),
    use('a2', 't2', 'BashOutput', { bash_id: 'bash_7' }),
    result('r2', 't2', '<status>running</status>\n\n<stdout>\nPASS a.test.js\n</stdout>'),
    use('a3', 't3', 'BashOutput', { bash_id: 'bash_7' }),
    result(
      'r3',
      't3',
      '<status>completed</status>\n\n<exit_code>1</exit_code>\n\n<stdout>\nTests:       1 failed, 4 passed, 5 total\n</stdout>\n\n<timestamp>2026-11-20T09:01:00Z</timestamp>',
    ),
  ];
  lines.forEach((l, i) => reader.line(l, i));
  assert.deepEqual(runSummary(events), [['jest', 1, 4, 1]]);
  assert.equal(runs(events)[0]!.command, 'npx jest');
  const last = tools(events).at(-1)!;
  assert.deepEqual([last.rawName, last.exitCode, last.exitCodeSource], ['BashOutput', 1, 'parsed']);
});
