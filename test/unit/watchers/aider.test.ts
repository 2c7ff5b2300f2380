import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { edits, readFixture, runSummary, turns, TRANSCRIPTS } from './fixtures';

test('aider: user lines, assistant text, /test and /run output, SEARCH/REPLACE edits', async () => {
  const s = await readFixture('aider/shop/.aider.chat.history.md');
  assert.equal(s.source, 'aider');
  assert.deepEqual(turns(s.events).map((t) => [t.role, t.text.split('\n')[0]]), [
    ['user', 'The discount test fails, fix it.'],
    ['assistant', 'The expected value in the test does not match the rounding in `total`. I\'ll update the test:'],
    ['user', 'thanks'],
    ['assistant', "You're welcome!"],
  ]);
  assert.equal(turns(s.events)[0]!.ts, new Date('2026-11-24T14:00:00').toISOString());
  // Aider records no exit codes.
  assert.deepEqual(runSummary(s.events), [['pytest', undefined, 2, 1], ['pytest', undefined, 3, 0]]);
  const repo = join(TRANSCRIPTS, 'aider/shop');
  assert.deepEqual(edits(s.events).map((e) => [e.op, e.path, e.isTestPath]), [
    ['update', join(repo, 'tests/test_cart.py'), true],
    ['create', join(repo, 'tests/test_rounding.py'), true],
  ]);
  assert.match(edits(s.events)[0]!.diff!, /^- {4}assert .* == 8\.0\n\+ {4}assert .* == 8\.5$/m);
  assert.equal(edits(s.events)[1]!.after, 'def test_rounding():\n    assert True\n');
  assert.equal(dirname(edits(s.events)[0]!.path), join(repo, 'tests'));
});
