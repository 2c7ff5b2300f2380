// apply_patch envelopes, unified diffs, the changed-line finder, the tamper classifier and the
// corpus parser: round trips where the format allows one, "never throws" everywhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseApplyPatch, type PatchEdit } from '../../src/watchers/apply-patch';
import { changedLines } from '../../src/tamper/changed-lines';
import { classifyEdit, textsFromDiff } from '../../src/tamper/classify';
import { parseDialogues, parseStories } from '../../src/corpus/format';
import type { AgentEvent, FileEditEvent } from '../../src/core/events';
import { ClaudeCodeReader } from '../../src/watchers/claude-code';
import { CopilotTranscriptReader } from '../../src/watchers/copilot';
import { SessionEmitter } from '../../src/watchers/emitter';
import { check, FUZZ_RUNS } from './fuzz-config';

const lineText = fc.string({ maxLength: 12 }).filter((s) => !s.includes('\n') && !s.includes('\r'));
const pathText = fc
  .stringMatching(/^[a-zA-Z0-9_./ -]{1,20}$/)
  .map((s) => s.trim())
  .filter((s) => s !== '');

type Generated =
  | { op: 'create'; path: string; content: string[] }
  | { op: 'update'; path: string; hunk: string[]; moveTo: string | null }
  | { op: 'delete'; path: string };

const hunkLine = fc.tuple(fc.constantFrom(' ', '-', '+'), lineText).map(([m, t]) => m + t);
const generatedEdit: fc.Arbitrary<Generated> = fc.oneof(
  fc.record({ op: fc.constant('create' as const), path: pathText, content: fc.array(lineText, { maxLength: 6 }) }),
  fc.record({
    op: fc.constant('update' as const),
    path: pathText,
    hunk: fc.array(hunkLine, { minLength: 1, maxLength: 6 }).map((l) => ['@@', ...l]),
    moveTo: fc.option(pathText),
  }),
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
    fc.property(
      fc.array(generatedEdit, { maxLength: 5 }),
      fc.string({ maxLength: 20 }),
      fc.string({ maxLength: 20 }),
      (edits, before, after) => {
        const prefix = before.includes('*** Begin Patch') ? '' : before;
        const parsed = parseApplyPatch(`${prefix}${prefix ? '\n' : ''}${render(edits)}\n${after}`);
        assert.deepEqual(parsed, edits.map(expected));
      },
    ),
  );
});

test('fuzz: apply_patch parsing of arbitrary text never throws', () => {
  const piece = fc.oneof(
    fc.constantFrom(
      '*** Begin Patch\n',
      '*** End Patch\n',
      '*** Add File: ',
      '*** Update File: ',
      '*** Delete File: ',
      '*** Move to: ',
      '*** End of File\n',
      '@@\n',
      '+',
      '-',
      ' ',
      '\n',
    ),
    fc.string({ maxLength: 8 }),
  );
  check(
    fc.property(
      fc.array(piece, { maxLength: 30 }).map((p) => p.join('')),
      (text) => {
        for (const edit of parseApplyPatch(text))
          assert.ok(['create', 'update', 'delete'].includes(edit.op) && typeof edit.path === 'string');
      },
    ),
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
  const op = fc.tuple(
    fc.constantFrom(' ', '-', '+'),
    fc.constantFrom('a', 'b', '', '-- sql comment', '++i;', '--- not a header', '+++ nor this', 'x'),
  );
  // A removed '--x' right before an added '++y' reads as a file header pair: without hunk line
  // counts the two are indistinguishable, so that one pairing is left out.
  const unambiguous = (ops: [string, string][]) =>
    !ops.some(
      ([m, t], i) => m === '-' && t.startsWith('--') && ops[i + 1]?.[0] === '+' && ops[i + 1]![1].startsWith('++'),
    );
  check(
    fc.property(fc.array(op, { maxLength: 10 }).filter(unambiguous), (ops) => {
      const diff = ['--- a/f.sql', '+++ b/f.sql', '@@ -1 +1 @@', ...ops.map(([m, t]) => m + t)].join('\n');
      const { before, after } = textsFromDiff(diff);
      assert.equal(
        before,
        ops
          .filter(([m]) => m !== '+')
          .map(([, t]) => t)
          .join('\n'),
      );
      assert.equal(
        after,
        ops
          .filter(([m]) => m !== '-')
          .map(([, t]) => t)
          .join('\n'),
      );
    }),
  );
});

const PATHS = [
  '/r/tests/test_a.py',
  '/r/a.test.ts',
  '/r/a_test.go',
  '/r/src/a.py',
  '/r/__snapshots__/a.snap',
  '/r/pytest.ini',
];
const PIECES = [
  '(',
  ')',
  '{',
  '}',
  '"',
  "'",
  '`',
  '/*',
  '*/',
  '#',
  '\n',
  '    ',
  'def test_x():',
  'it("a", () => {',
  'func TestX(t *testing.T) {',
  '#[test]',
  '@pytest.mark.skip',
  'it.skip(',
  'assert x == 1',
  'expect(x).toBe(2)',
  'assert_eq!(a, b)',
  ';',
  '==',
];
const sourceText = fc
  .array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 6 })), { maxLength: 40 })
  .map((p) => p.join(''));

test('fuzz: the classifier reads any before/after, diff or deletion without throwing', () => {
  const edit = fc.oneof(
    fc.record({
      path: fc.constantFrom(...PATHS),
      op: fc.constant('update' as const),
      before: sourceText,
      after: sourceText,
    }),
    fc.record({
      path: fc.constantFrom(...PATHS),
      op: fc.constant('update' as const),
      diff: fc
        .array(
          fc.tuple(
            fc.constantFrom(' ', '-', '+', '@@', '<<<<<<< SEARCH\n', '=======\n', '>>>>>>> REPLACE\n'),
            sourceText,
          ),
          { maxLength: 6 },
        )
        .map((l) => l.map(([m, t]) => m + t).join('\n')),
    }),
    fc.record({
      path: fc.constantFrom(...PATHS),
      op: fc.constantFrom('create' as const, 'delete' as const),
      before: sourceText,
      after: sourceText,
    }),
  );
  const context = fc.record({
    failingIds: fc.array(fc.constantFrom('test_x', 'tests/test_a.py::test_x', 'a > b', 'TestX'), { maxLength: 3 }),
    lastFailingOutput: fc.option(fc.string({ maxLength: 40 })),
    testLiterals: fc.constant(new Set(['42'])),
  });
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
      const md = [
        '# Stories',
        ...stories.map(
          (s) =>
            `## ${s.id}\ntopic: ${s.topic}\nsetting: ${s.setting}\nperson: ${s.person}\nsplit: ${s.split}\n\n${s.text.join('\n')}\n`,
        ),
      ].join('\n');
      const errors: string[] = [];
      const parsed = parseStories(md, 'calm', 'calm.md', errors);
      assert.deepEqual(errors, []);
      assert.deepEqual(
        parsed.map((p) => [p.id, p.topic, p.setting, p.person, p.split, p.text]),
        stories.map((s) => [s.id, s.topic, s.setting, s.person, s.split, s.text.join(' ')]),
      );
    }),
  );
});

test('fuzz: malformed corpus Markdown is reported, never thrown', () => {
  const piece = fc.oneof(
    fc.constantFrom(
      '## ',
      '## a\n',
      'topic: x\n',
      'code: maybe\n',
      'split: train\n',
      'Human: hi\n',
      'Assistant: yo\n',
      '\n',
      '\r\n',
      'constructor: y\n',
      'hasOwnProperty: z\n',
    ),
    fc.string({ maxLength: 10 }),
  );
  check(
    fc.property(
      fc.array(piece, { maxLength: 25 }).map((p) => p.join('')),
      (md) => {
        const errors: string[] = [];
        parseStories(md, 'calm', 'x.md', errors);
        for (const d of parseDialogues(md, 'n.md', errors))
          assert.ok(d.messages.every((m) => m.role === 'user' || m.role === 'assistant'));
        assert.ok(errors.every((e) => typeof e === 'string'));
      },
    ),
  );
});

// Every edit applier (Claude Code's Edit and MultiEdit are applied to the recorded original;
// Copilot's replace tools and apply_patch become diffs) fed empty and huge search strings: it
// never throws, and what it emits stays within twice the original plus 1 MiB.
const EDIT_BUDGET = (original: string) => 2 * original.length + (1 << 20);

function claudeEdit(name: string, input: object, original: string): AgentEvent[] {
  const events: AgentEvent[] = [];
  const reader = new ClaudeCodeReader(
    new SessionEmitter({ source: 'claude-code', sessionId: 'x' }, (e) => events.push(e)),
    'f',
  );
  const base = { sessionId: 's', cwd: '/ws', timestamp: '2026-11-20T09:00:00.000Z' };
  reader.line(
    JSON.stringify({
      ...base,
      type: 'assistant',
      uuid: 'a',
      message: { role: 'assistant', content: [{ type: 'tool_use', id: 't', name, input }] },
    }),
    0,
  );
  reader.line(
    JSON.stringify({
      ...base,
      type: 'user',
      uuid: 'r',
      toolUseResult: { filePath: '/ws/a.test.ts', originalFile: original },
      message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: 'ok' }] },
    }),
    1,
  );
  return events;
}

test('fuzz: Claude Code edits with empty, huge and repeated search strings are applied within bounds or kept as a diff', () => {
  const original = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc
      .tuple(fc.constantFrom('a', 'ab', ' ', '\n'), fc.integer({ min: 1_000, max: 200_000 }))
      .map(([u, n]) => u.repeat(n)),
  );
  const search = (text: string) =>
    fc.oneof(
      fc.constant(''),
      fc.string({ maxLength: 4 }),
      fc.nat().map((i) => text.slice(i % (text.length + 1), (i % (text.length + 1)) + 3)),
      fc.constant(text + 'x'),
      fc.constant(text),
    );
  const replacement = fc.oneof(
    fc.string({ maxLength: 4 }),
    fc.integer({ min: 100, max: 5_000 }).map((n) => 'y'.repeat(n)),
  );
  check(
    fc.property(
      original.chain((text) =>
        fc.tuple(
          fc.constant(text),
          fc.array(fc.record({ old_string: search(text), new_string: replacement, replace_all: fc.boolean() }), {
            minLength: 1,
            maxLength: 3,
          }),
        ),
      ),
      fc.boolean(),
      ([text, edits], multi) => {
        const events = multi
          ? claudeEdit('MultiEdit', { file_path: '/ws/a.test.ts', edits }, text)
          : claudeEdit('Edit', { file_path: '/ws/a.test.ts', ...edits[0]! }, text);
        const edit = events.find((e): e is FileEditEvent => e.type === 'file-edit');
        assert.ok(edit, 'the edit is emitted');
        const applied = multi ? edits : edits.slice(0, 1);
        if (edit.after === undefined) {
          assert.ok(edit.diff !== undefined);
          return;
        }
        assert.ok(edit.after.length <= EDIT_BUDGET(text), `after is ${edit.after.length} characters`);
        assert.ok(
          applied.every((e) => e.old_string !== ''),
          'an empty search string is never applied',
        );
        const naive = applied.reduce(
          (acc, e) =>
            e.replace_all ? acc.split(e.old_string).join(e.new_string) : acc.replace(e.old_string, () => e.new_string),
          text,
        );
        assert.equal(edit.after, naive);
      },
    ),
    Math.min(FUZZ_RUNS, 2_000),
  );
});

test('fuzz: Copilot replace tools and apply_patch with empty and huge strings, and malformed file URIs, never throw', () => {
  const huge = fc.integer({ min: 10_000, max: 500_000 }).map((n) => 'z'.repeat(n));
  const text = fc.oneof(fc.constant(''), fc.string({ maxLength: 8 }), huge);
  const path = fc.oneof(
    fc.constantFrom('/ws/a.test.ts', 'file:///ws/%E0%A4%A', 'file://[bad', 'file:///ws/%', ''),
    fc.string({ maxLength: 8 }),
  );
  check(
    fc.property(
      fc.constantFrom('replace_string_in_file', 'multi_replace_string_in_file', 'insert_edit_into_file', 'apply_patch'),
      path,
      text,
      text,
      (tool, filePath, oldString, newString) => {
        const events: AgentEvent[] = [];
        const reader = new CopilotTranscriptReader(
          new SessionEmitter({ source: 'copilot', sessionId: 'x' }, (e) => events.push(e)),
        );
        const args = {
          filePath,
          oldString,
          newString,
          code: newString,
          replacements: [{ filePath, oldString, newString }],
          input: `*** Begin Patch\n*** Update File: ${filePath}\n@@\n-${oldString}\n+${newString}\n*** End Patch`,
        };
        reader.line(
          JSON.stringify({
            type: 'tool.execution_start',
            id: '1',
            data: { toolCallId: 'c', toolName: tool, arguments: args },
          }),
          0,
        );
        reader.line(
          JSON.stringify({
            type: 'tool.execution_complete',
            id: '2',
            data: { toolCallId: 'c', success: true, result: { content: 'ok' } },
          }),
          1,
        );
        for (const e of events)
          if (e.type === 'file-edit')
            assert.ok((e.diff ?? e.after ?? '').length <= 2 * (oldString.length + newString.length) + 64);
      },
    ),
    Math.min(FUZZ_RUNS, 2_000),
  );
});
