// apply_patch envelopes, unified diffs, the changed-line finder, the tamper classifier and the
// corpus parser: round trips where the format allows one, "never throws" everywhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseApplyPatch, type PatchEdit } from '../../src/watchers/apply-patch';
import { changedLines } from '../../src/tamper/changed-lines';
import { classifyEdit, textsFromDiff } from '../../src/tamper/classify';
import { parseDialogues, parseStories } from '../../src/corpus/format';
import { check } from './fuzz-config';

const lineText = fc.string({ maxLength: 12 }).filter((s) => !s.includes('\n') && !s.includes('\r'));
const pathText = fc.stringMatching(/^[a-zA-Z0-9_./ -]{1,20}$/).map((s) => s.trim()).filter((s) => s !== '');

type Generated = { op: 'create'; path: string; content: string[] } | { op: 'update'; path: string; hunk: string[]; moveTo: string | null } | { op: 'delete'; path: string };

const hunkLine = fc.tuple(fc.constantFrom(' ', '-', '+'), lineText).map(([m, t]) => m + t);
const generatedEdit: fc.Arbitrary<Generated> = fc.oneof(
  fc.record({ op: fc.constant('create' as const), path: pathText, content: fc.array(lineText, { maxLength: 6 }) }),
  fc.record({ op: fc.constant('update' as const), path: pathText, hunk: fc.array(hunkLine, { minLength: 1, maxLength: 6 }).map((l) => ['@@', ...l]), moveTo: fc.option(pathText) }),
  fc.record({ op: fc.constant('delete' as const), path: pathText }),
);

function render(edits: Generated[]): string {
  const out = ['*** Begin Patch'];
  for (const e of edits) {
    if (e.op === 'create') out.push(`*** Add File: ${e.path}`, ...e.content.map((l) => `+${l}`));
    else if (e.op === 'delete') out.push(`*** Delete File: ${e.path}`);
    else out.push(`*** Update File: ${e.path}`, ...(e.moveTo ? [`*** Move to: ${e.moveTo}`] : []), ...e.hunk);
  }
  out.push('*** End Patch');
  return out.join('\n');
}

function expected(e: Generated): PatchEdit {
  if (e.op === 'create') return { op: 'create', path: e.path, after: e.content.map((l) => l + '\n').join('') };
  if (e.op === 'delete') return { op: 'delete', path: e.path };
  return { op: 'update', path: e.path, diff: e.hunk.join('\n'), ...(e.moveTo ? { movedTo: e.moveTo } : {}) };
}

test('fuzz: apply_patch envelopes round-trip, wrapped in any shell text', () => {
  check(
    fc.property(fc.array(generatedEdit, { maxLength: 5 }), fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 }), (edits, before, after) => {
      const prefix = before.includes('*** Begin Patch') ? '' : before;
      const parsed = parseApplyPatch(`${prefix}${prefix ? '\n' : ''}${render(edits)}\n${after}`);
      assert.deepEqual(parsed, edits.map(expected));
    }),
  );
});

test('fuzz: apply_patch parsing of arbitrary text never throws', () => {
  const piece = fc.oneof(fc.constantFrom('*** Begin Patch\n', '*** End Patch\n', '*** Add File: ', '*** Update File: ', '*** Delete File: ', '*** Move to: ', '*** End of File\n', '@@\n', '+', '-', ' ', '\n'), fc.string({ maxLength: 8 }));
  check(
    fc.property(fc.array(piece, { maxLength: 30 }).map((p) => p.join('')), (text) => {
      for (const edit of parseApplyPatch(text)) assert.ok(['create', 'update', 'delete'].includes(edit.op) && typeof edit.path === 'string');
    }),
  );
});

// Small alphabet of lines so before and after share many.
const smallLines = fc.array(fc.constantFrom('a', 'b', 'c', '', '  x', '--y', '++z', '@@'), { maxLength: 12 });

function lcsLength(a: string[], b: string[]): number {
  const row = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    let diag = 0;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j]!;
      row[j] = a[i - 1] === b[j - 1] ? diag + 1 : Math.max(row[j]!, row[j - 1]!);
      diag = up;
    }
  }
  return row[b.length]!;
}

test('fuzz: changed lines are exactly the after-lines outside a longest common subsequence', () => {
  check(
    fc.property(smallLines, smallLines, (a, b) => {
      const before = a.join('\n');
      const after = b.join('\n');
      const changed = changedLines(before, after);
      const bLines = after.split('\n');
      assert.ok(changed.every((n, i) => n >= 1 && n <= bLines.length && (i === 0 || n > changed[i - 1]!)));
      assert.equal(bLines.length - changed.length, lcsLength(before.split('\n'), bLines));
    }),
  );
});

test('fuzz: a unified hunk splits back into its before and after texts', () => {
  const op = fc.tuple(fc.constantFrom(' ', '-', '+'), fc.constantFrom('a', 'b', '', '-- sql comment', '++i;', '--- not a header', '+++ nor this', 'x'));
  // A removed '--x' right before an added '++y' reads as a file header pair: without hunk line
  // counts the two are indistinguishable, so that one pairing is left out.
  const unambiguous = (ops: [string, string][]) => !ops.some(([m, t], i) => m === '-' && t.startsWith('--') && ops[i + 1]?.[0] === '+' && ops[i + 1]![1].startsWith('++'));
  check(
    fc.property(fc.array(op, { maxLength: 10 }).filter(unambiguous), (ops) => {
      const diff = ['--- a/f.sql', '+++ b/f.sql', '@@ -1 +1 @@', ...ops.map(([m, t]) => m + t)].join('\n');
      const { before, after } = textsFromDiff(diff);
      assert.equal(before, ops.filter(([m]) => m !== '+').map(([, t]) => t).join('\n'));
      assert.equal(after, ops.filter(([m]) => m !== '-').map(([, t]) => t).join('\n'));
    }),
  );
});

const PATHS = ['/r/tests/test_a.py', '/r/a.test.ts', '/r/a_test.go', '/r/src/a.py', '/r/__snapshots__/a.snap', '/r/pytest.ini'];
const PIECES = ['(', ')', '{', '}', '"', "'", '`', '/*', '*/', '#', '\n', '    ', 'def test_x():', 'it("a", () => {', 'func TestX(t *testing.T) {', '#[test]', '@pytest.mark.skip', 'it.skip(', 'assert x == 1', 'expect(x).toBe(2)', 'assert_eq!(a, b)', ';', '=='];
const sourceText = fc.array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 6 })), { maxLength: 40 }).map((p) => p.join(''));

test('fuzz: the classifier reads any before/after, diff or deletion without throwing', () => {
  const edit = fc.oneof(
    fc.record({ path: fc.constantFrom(...PATHS), op: fc.constant('update' as const), before: sourceText, after: sourceText }),
    fc.record({ path: fc.constantFrom(...PATHS), op: fc.constant('update' as const), diff: fc.array(fc.tuple(fc.constantFrom(' ', '-', '+', '@@', '<<<<<<< SEARCH\n', '=======\n', '>>>>>>> REPLACE\n'), sourceText), { maxLength: 6 }).map((l) => l.map(([m, t]) => m + t).join('\n')) }),
    fc.record({ path: fc.constantFrom(...PATHS), op: fc.constantFrom('create' as const, 'delete' as const), before: sourceText, after: sourceText }),
  );
  const context = fc.record({ failingIds: fc.array(fc.constantFrom('test_x', 'tests/test_a.py::test_x', 'a > b', 'TestX'), { maxLength: 3 }), lastFailingOutput: fc.option(fc.string({ maxLength: 40 })), testLiterals: fc.constant(new Set(['42'])) });
  check(
    fc.property(edit, context, (e, ctx) => {
      const result = classifyEdit(e, ctx);
      assert.ok(result.findings.every((f) => result.kinds.includes(f.kind)));
    }),
  );
});

const word = fc.stringMatching(/^[a-z]{1,8}$/);
const sentence = fc.array(word, { minLength: 1, maxLength: 6 }).map((w) => w.join(' ') + '.');

test('fuzz: corpus stories round-trip through their Markdown form', () => {
  const story = fc.record({
    id: fc.stringMatching(/^[a-z0-9-]{1,10}$/),
    topic: word,
    setting: fc.constantFrom('technical', 'everyday'),
    person: fc.constantFrom('first', 'third'),
    split: fc.constantFrom('train', 'heldout'),
    text: fc.array(sentence, { minLength: 1, maxLength: 4 }),
  });
  check(
    fc.property(fc.array(story, { maxLength: 4 }), (stories) => {
      const md = ['# Stories', ...stories.map((s) => `## ${s.id}\ntopic: ${s.topic}\nsetting: ${s.setting}\nperson: ${s.person}\nsplit: ${s.split}\n\n${s.text.join('\n')}\n`)].join('\n');
      const errors: string[] = [];
      const parsed = parseStories(md, 'calm', 'calm.md', errors);
      assert.deepEqual(errors, []);
      assert.deepEqual(parsed.map((p) => [p.id, p.topic, p.setting, p.person, p.split, p.text]), stories.map((s) => [s.id, s.topic, s.setting, s.person, s.split, s.text.join(' ')]));
    }),
  );
});

test('fuzz: malformed corpus Markdown is reported, never thrown', () => {
  const piece = fc.oneof(fc.constantFrom('## ', '## a\n', 'topic: x\n', 'code: maybe\n', 'split: train\n', 'Human: hi\n', 'Assistant: yo\n', '\n', '\r\n', 'constructor: y\n', 'hasOwnProperty: z\n'), fc.string({ maxLength: 10 }));
  check(
    fc.property(fc.array(piece, { maxLength: 25 }).map((p) => p.join('')), (md) => {
      const errors: string[] = [];
      parseStories(md, 'calm', 'x.md', errors);
      for (const d of parseDialogues(md, 'n.md', errors)) assert.ok(d.messages.every((m) => m.role === 'user' || m.role === 'assistant'));
      assert.ok(errors.every((e) => typeof e === 'string'));
    }),
  );
});
