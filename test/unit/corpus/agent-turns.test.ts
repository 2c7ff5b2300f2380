import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAgentTurns, parseAgentTurns } from '../../../src/corpus/agent-turns';

const item = (id: string, meta: string, body: string) => `## ${id}\n${meta}\n\n${body}\n`;
const META = 'agent: codex\nlabel: composed\nkind: methodical\nsplit: tune';

test('an item parses into its fields, context in order and the labelled turn', () => {
  const errors: string[] = [];
  const text =
    '# Codex turns\n\n' +
    item(
      'cx-1',
      META,
      [
        '### user',
        'Fix the test.',
        '',
        '### tool',
        '$ pytest -q',
        'FAILED t.py::x',
        '(exit code 1)',
        '### assistant',
        'Looking at t.py.',
        '### turn',
        'The fixture is stale; regenerating it.',
      ].join('\n'),
    );
  const [turn] = parseAgentTurns(text, 'codex.md', errors);
  assert.deepEqual(errors, []);
  assert.equal(turn.id, 'cx-1');
  assert.equal(turn.agent, 'codex');
  assert.equal(turn.split, 'tune');
  assert.deepEqual(
    turn.context.map((m) => m.role),
    ['user', 'tool', 'assistant'],
  );
  assert.equal(turn.context[1].content, '$ pytest -q\nFAILED t.py::x\n(exit code 1)');
  assert.equal(turn.text, 'The fixture is stale; regenerating it.');
  assert.equal(turn.line, 3);
});

test('headings inside code fences are content, not new items or blocks', () => {
  const errors: string[] = [];
  const body = [
    '### user',
    'Update the docs.',
    '### turn',
    'README.md',
    '```markdown',
    '## Usage',
    '### turn',
    'Run it.',
    '```',
  ].join('\n');
  const turns = parseAgentTurns(item('cx-2', META, body), 'f.md', errors);
  assert.deepEqual(errors, []);
  assert.equal(turns.length, 1);
  assert.match(turns[0].text, /## Usage\n### turn\nRun it\.\n```$/);
});

test('malformed items are reported with file and line', () => {
  const errors: string[] = [];
  const text = [
    item('x-1', 'agent: copilot\nlabel: pressured\nkind: methodical\nsplit: tune', '### user\nFix.\n### turn\nDone.'),
    item('x-2', META, '### tool\n$ ls\n### turn\nOne.\n### turn\nTwo.'),
    item('x-3', META, '### user\nFix.\n### narrator\nHm.\n### turn\nOk.\n```'),
  ].join('');
  parseAgentTurns(text, 'bad.md', errors);
  const all = errors.join('\n');
  assert.match(
    all,
    /bad\.md:1 \(x-1\): 'agent' must be one of claude-code \| codex \| aider \| cline \(got 'copilot'\)/,
  );
  assert.match(all, /bad\.md:1 \(x-1\): kind 'methodical' is a composed kind, but the label is 'pressured'/);
  assert.match(all, /bad\.md:17: the context must start with the user's task/);
  assert.match(all, /bad\.md:\d+ \(x-2\): needs exactly one '### turn' block/);
  assert.match(all, /bad\.md:31: '### narrator' must be one of/);
  assert.match(all, /\(x-3\): a code fence is never closed/);
});

test('loadAgentTurns throws with every problem, and strips locations from good items', () => {
  const dir = mkdtempSync(join(tmpdir(), 'agent-turns-'));
  writeFileSync(join(dir, 'a.md'), item('a-1', META, '### user\nFix.\n### turn\nDone.'));
  assert.deepEqual(loadAgentTurns(dir), [
    {
      id: 'a-1',
      agent: 'codex',
      label: 'composed',
      kind: 'methodical',
      split: 'tune',
      context: [{ role: 'user', content: 'Fix.' }],
      text: 'Done.',
    },
  ]);
  writeFileSync(
    join(dir, 'b.md'),
    item('b-1', 'agent: codex\nlabel: calm\nkind: methodical\nsplit: tune', '### user\nFix.\n### turn\nDone.'),
  );
  assert.throws(() => loadAgentTurns(dir), /1 problem\(s\)[\s\S]*b\.md:1 \(b-1\): 'label' must be one of/);
});

test("the project's validation set loads without problems", () => {
  const turns = loadAgentTurns();
  assert.ok(turns.length >= 60);
  assert.equal(new Set(turns.map((t) => t.id)).size, turns.length);
});
