import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AgentEvent } from '../../../src/core/events';
import { CopilotChatSessionReader, CopilotTranscriptReader } from '../../../src/watchers/copilot';
import { SessionEmitter } from '../../../src/watchers/emitter';
import { edits, readFixture, runSummary, tools, turns } from './fixtures';

const STORAGE = 'copilot/workspaceStorage/5f2a9c';

test('copilot transcript: messages, terminal runs with exit codes, edit tools', async () => {
  const s = await readFixture(`${STORAGE}/GitHub.copilot-chat/transcripts/cs-41d2.jsonl`);
  assert.equal(s.source, 'copilot');
  assert.equal(s.sessionId, 'cs-41d2');
  assert.deepEqual(
    turns(s.events).map((t) => [t.role, t.text]),
    [
      ['user', 'Fix the failing cart test'],
      ['assistant', 'Running the tests first.'],
      ['assistant', 'The tests pass now.'],
    ],
  );
  const done = tools(s.events).filter((t) => t.status !== 'started');
  assert.deepEqual(
    done.map((t) => [t.rawName, t.kind, t.exitCode, t.exitCodeSource]),
    [
      ['run_in_terminal', 'shell', 1, 'parsed'],
      ['replace_string_in_file', 'edit', undefined, 'none'],
      ['create_file', 'write', undefined, 'none'],
      ['run_in_terminal', 'shell', 0, 'structured'],
    ],
  );
  assert.deepEqual(runSummary(s.events), [
    ['pytest', 1, 2, 1],
    ['pytest', 0, 3, 0],
  ]);
  assert.deepEqual(
    edits(s.events).map((e) => [e.op, e.path, e.isTestPath]),
    [
      ['update', '/home/dev/shop/tests/test_cart.py', true],
      ['create', '/home/dev/shop/tests/test_rounding.py', true],
    ],
  );
  assert.equal(s.skippedRecords, 2); // one cut-off line, one record without a type
});

test('copilot chatSessions JSON (legacy): requests, terminal invocations and text edit groups', async () => {
  const s = await readFixture(`${STORAGE}/chatSessions/legacy-77aa.json`);
  assert.equal(s.sessionId, 'legacy-77aa');
  assert.deepEqual(
    turns(s.events).map((t) => [t.role, t.text]),
    [
      ['user', 'Run the tests and fix what fails'],
      ['assistant', "I'll run the test suite. Updated the expected total."],
      ['user', 'thanks'],
      ['assistant', "You're welcome."],
    ],
  );
  assert.deepEqual(runSummary(s.events), [['pytest', 1, 2, 1]]);
  const [edit] = edits(s.events);
  assert.equal(edit!.path, '/home/dev/shop/tests/test_cart.py');
  assert.match(edit!.diff!, /^\+ {4}assert .* == 8\.5$/m);
});

test('copilot chatSessions JSONL: snapshot plus patches are replayed', async () => {
  const s = await readFixture(`${STORAGE}/chatSessions/log-99bb.jsonl`);
  assert.equal(s.sessionId, 'log-99bb');
  assert.deepEqual(
    turns(s.events).map((t) => t.text),
    ['run go tests', 'Go tests pass.'],
  );
  assert.deepEqual(runSummary(s.events), [['go', 0, null, 0]]);
});

test('copilot chatSessions: a rewritten file emits only new requests, an unfinished one waits', () => {
  const events: AgentEvent[] = [];
  const reader = new CopilotChatSessionReader(
    new SessionEmitter({ source: 'copilot', sessionId: 'x' }, (e) => events.push(e)),
  );
  const request = (id: string, done: boolean) => ({
    requestId: id,
    timestamp: 1763798400000,
    message: { text: `ask ${id}` },
    response: [{ value: `answer ${id}` }],
    ...(done ? { result: {} } : {}),
  });
  reader.document(JSON.stringify({ sessionId: 's', requests: [request('a', true), request('b', false)] }));
  assert.deepEqual(
    turns(events).map((t) => t.text),
    ['ask a', 'answer a'],
  );
  reader.document(JSON.stringify({ sessionId: 's', requests: [request('a', true), request('b', true)] }));
  assert.deepEqual(
    turns(events).map((t) => t.text),
    ['ask a', 'answer a', 'ask b', 'answer b'],
  );
  reader.document('{"sessionId": "s", "requests": [');
  assert.equal(reader.emitter.skippedRecords, 1);
});

test('copilot chatSessions JSONL: a push with an index splices, a push without items truncates', () => {
  const events: AgentEvent[] = [];
  const reader = new CopilotChatSessionReader(
    new SessionEmitter({ source: 'copilot', sessionId: 'x' }, (e) => events.push(e)),
  );
  const req = (id: string) => ({ requestId: id, message: { text: id }, response: [], result: {} });
  const log = [
    { kind: 0, v: { sessionId: 'p', requests: [] } },
    { kind: 2, k: ['requests'], v: [req('a'), req('b')] },
    { kind: 2, k: ['requests'], i: 1 },
    { kind: 2, k: ['requests'], v: [req('c')], i: 1 },
    { kind: 3, k: ['requests', 0, 'result'] },
    { kind: 9, k: ['requests'] },
  ];
  reader.document(log.map((l) => JSON.stringify(l)).join('\n'));
  reader.end();
  // 'b' was spliced away; 'a' lost its result (so it waited for the end of input).
  assert.deepEqual(
    turns(events)
      .filter((t) => t.role === 'user')
      .map((t) => t.text),
    ['c', 'a'],
  );
  assert.equal(reader.emitter.skippedRecords, 1);
});

test('copilot chatSessions JSONL: a patch whose path holds anything but names and indexes is skipped and counted', () => {
  const events: AgentEvent[] = [];
  const reader = new CopilotChatSessionReader(
    new SessionEmitter({ source: 'copilot', sessionId: 'x' }, (e) => events.push(e)),
  );
  const snapshot = { kind: 0, v: { sessionId: 's', requests: [] } };
  // An object key whose toString is not callable (found by the fuzzer): String() would throw.
  reader.document(
    [snapshot, { kind: 1, k: [{ toString: false }], v: 1 }, { kind: 1, k: [null], v: 1 }]
      .map((r) => JSON.stringify(r))
      .join('\n'),
  );
  assert.equal(reader.emitter.skippedRecords, 2);
});

test('copilot chatSessions JSONL: a patch path through a prototype key is refused and counted, Object.prototype stays untouched', () => {
  const events: AgentEvent[] = [];
  const reader = new CopilotChatSessionReader(
    new SessionEmitter({ source: 'copilot', sessionId: 'x' }, (e) => events.push(e)),
  );
  const log = [
    {
      kind: 0,
      v: { sessionId: 's', requests: [{ requestId: 'r', message: { text: 'hello' }, response: [], result: {} }] },
    },
    { kind: 1, k: ['__proto__', 'maxLineBytes'], v: 1 },
    { kind: 1, k: ['requests', 'constructor', 'prototype', 'polluted'], v: 1 },
    { kind: 3, k: ['__proto__', 'toString'] },
    { kind: 2, k: ['requests', '__proto__'], v: [1] },
    { kind: 1, k: ['prototype'], v: 1 },
  ];
  try {
    reader.document(log.map((l) => JSON.stringify(l)).join('\n'));
    reader.end();
    assert.equal(({} as Record<string, unknown>).maxLineBytes, undefined);
    assert.equal(([] as unknown as Record<string, unknown>).polluted, undefined);
    assert.equal(typeof Object.prototype.toString, 'function');
    assert.equal(`${{}}`, '[object Object]');
    assert.equal(reader.emitter.skippedRecords, 5);
    assert.deepEqual(
      turns(events).map((t) => t.text),
      ['hello'],
    );
  } finally {
    // Undo what the old code did, so one failure does not take the rest of the suite with it.
    const proto = Object.prototype as unknown as Record<string, unknown>;
    delete proto.maxLineBytes;
    delete (Array.prototype as unknown as Record<string, unknown>).polluted;
    if (!Object.hasOwn(proto, 'toString'))
      Object.defineProperty(proto, 'toString', {
        value: function () {
          return `[object ${this === null ? 'Null' : 'Object'}]`;
        },
        writable: true,
        configurable: true,
      });
  }
});

test('copilot: a tool named after an Object.prototype member is an "other" tool', () => {
  const events: AgentEvent[] = [];
  const reader = new CopilotTranscriptReader(
    new SessionEmitter({ source: 'copilot', sessionId: 'x' }, (e) => events.push(e)),
  );
  reader.line(
    JSON.stringify({
      type: 'tool.execution_start',
      id: 'a',
      data: { toolCallId: 'c', toolName: 'constructor', arguments: {} },
    }),
    0,
  );
  assert.deepEqual(
    tools(events).map((t) => t.kind),
    ['other'],
  );
});
