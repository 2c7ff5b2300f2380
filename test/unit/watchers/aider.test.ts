import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { AiderReader } from '../../../src/watchers/aider';
import { SessionEmitter } from '../../../src/watchers/emitter';
import type { AgentEvent } from '../../../src/core/events';
import { edits, readFixture, runSummary, turns, TRANSCRIPTS } from './fixtures';

test('aider: user lines, assistant text, /test and /run output, SEARCH/REPLACE edits', async () => {
  const s = await readFixture('aider/shop/.aider.chat.history.md');
  assert.equal(s.source, 'aider');
  assert.deepEqual(
    turns(s.events).map((t) => [t.role, t.text.split('\n')[0]]),
    [
      ['user', 'The discount test fails, fix it.'],
      ['assistant', "The expected value in the test does not match the rounding in `total`. I'll update the test:"],
      ['user', 'thanks'],
      ['assistant', "You're welcome!"],
    ],
  );
  assert.equal(turns(s.events)[0]!.ts, new Date('2026-11-24T14:00:00').toISOString());
  // Aider records no exit codes.
  assert.deepEqual(runSummary(s.events), [
    ['pytest', undefined, 2, 1],
    ['pytest', undefined, 3, 0],
  ]);
  const repo = join(TRANSCRIPTS, 'aider/shop');
  assert.deepEqual(
    edits(s.events).map((e) => [e.op, e.path, e.isTestPath]),
    [
      ['update', join(repo, 'tests/test_cart.py'), true],
      ['create', join(repo, 'tests/test_rounding.py'), true],
    ],
  );
  assert.match(edits(s.events)[0]!.diff!, /^- {4}assert .* == 8\.0\n\+ {4}assert .* == 8\.5$/m);
  assert.equal(edits(s.events)[1]!.after, 'def test_rounding():\n    assert True\n');
  assert.equal(dirname(edits(s.events)[0]!.path), join(repo, 'tests'));
});

test("aider architect mode: the plan Aider relays to the editor model is no user turn; the editor's edit is applied", () => {
  // The shape of public architect-mode histories (Aider 0.76, architect + editor-diff; Aider 0.86,
  // architect + editor-whole): after "Edit the files? … y" Aider logs the architect's reply again
  // as "#### " lines, the message it sends the editor model.
  const events: AgentEvent[] = [];
  const reader = new AiderReader(
    new SessionEmitter({ source: 'aider', sessionId: 'x' }, (e) => events.push(e)),
    '/w/.aider.chat.history.md',
  );
  const lines = [
    '# aider chat started at 2025-03-11 21:23:54',
    '',
    '> Main model: gpt-4o with architect edit format  ',
    '> Editor model: openai/gpt-4o with editor-whole edit format  ',
    '',
    '#### add a greeting to hello.py  ',
    '',
    'Print a greeting from `hello.py`.',
    '',
    '> Tokens: 2.0k sent, 496 received.  ',
    '> Edit the files? (Y)es/(N)o [Yes]: y  ',
    '',
    '#### Print a greeting from `hello.py`.  ',
    '',
    'hello.py',
    '```python',
    'print("hello")',
    '```',
    '',
    '> Applied edit to hello.py  ',
    '',
    '#### thanks  ',
    '',
    'Glad to help.',
    '',
    '> Edit the files? (Y)es/(N)o [Yes]: n  ',
    '',
    '#### now add a farewell  ',
  ];
  lines.forEach((l, i) => reader.line(l, i));
  reader.end();
  assert.deepEqual(
    turns(events).map((t) => [t.role, t.text.split('\n')[0]]),
    [
      ['user', 'add a greeting to hello.py'],
      ['assistant', 'Print a greeting from `hello.py`.'],
      ['assistant', 'hello.py'],
      ['user', 'thanks'],
      ['assistant', 'Glad to help.'],
      ['user', 'now add a farewell'], // answered no: nothing was relayed, the person spoke
    ],
  );
  assert.deepEqual(
    edits(events).map((e) => [e.path, e.after]),
    [['/w/hello.py', 'print("hello")\n']],
  );
});
