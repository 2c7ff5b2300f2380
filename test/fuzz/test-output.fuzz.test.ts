// Every test-output parser, fed real runner output (the fixtures) cut, spliced and mixed with
// noise and long repetitive runs (a quadratic regex would show up as a timeout here): it returns
// null or a summary of non-negative integer counts and string ids, and never throws. Then the
// linear-time check: 1 MB of adversarial output per parser (newline floods, unclosed tags, runs
// of spaces and digits, generated repetitions) must parse within a fixed multiple of the time the
// same parser takes on 1 MB of real runner output, measured in the same run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { detectTestRun, TEST_OUTPUT_PARSERS } from '../../src/testruns/detect';
import type { TestSummary } from '../../src/testruns/summary';
import { parseCodexOutput } from '../../src/watchers/codex';
import { check, FUZZ_RUNS } from './fuzz-config';
import { adversarialOutputs, benignOutput, fill, timeOf } from './linear-time';

const DIR = join(__dirname, '../fixtures/test-output');
const OUTPUTS = readdirSync(DIR)
  .filter((f) => f !== 'README.md')
  .map((f) => readFileSync(join(DIR, f), 'utf8').split('\n'));

const WORDS = [
  'passed',
  'failed',
  'skipped',
  'error',
  'errors',
  'ok',
  'FAIL',
  'PASS',
  '---',
  '===',
  'Tests:',
  'Test Suites:',
  'tests',
  '#',
  'not ok',
  '✔',
  '✖',
  '(',
  ')',
  ',',
  ':',
  '::',
  '"',
  '<testcase',
  '/>',
  '<failure',
  '{"Action":"fail","Test":"',
  '"}',
];
const noiseLine = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc
    .array(fc.oneof(fc.constantFrom(...WORDS), fc.nat({ max: 99999 }).map(String), fc.constantFrom(' ', '  ', '\t')), {
      maxLength: 12,
    })
    .map((w) => w.join(' ')),
  // Long uniform runs: what makes a backtracking regex go quadratic or worse.
  fc
    .tuple(fc.constantFrom(' ', '0', 'a', '=', '-', '.', 'passed ', '1 '), fc.integer({ min: 200, max: 3000 }))
    .map(([s, n]) => s.repeat(n)),
  // Newline floods and tags or brackets that never close.
  fc
    .tuple(
      fc.constantFrom('\n', ' \n', '\t\n', '<testcase ', '<testcase name="a">', '<stdout>', '[', '(', 'FAIL: a (\n'),
      fc.integer({ min: 200, max: 3000 }),
    )
    .map(([s, n]) => s.repeat(n)),
);

const outputArb = fc
  .tuple(fc.nat(), fc.array(fc.record({ at: fc.nat(), line: noiseLine }), { maxLength: 5 }), fc.option(fc.nat()))
  .map(([which, insertions, cut]) => {
    const lines = [...OUTPUTS[which % OUTPUTS.length]!];
    for (const { at, line } of insertions) lines.splice(at % (lines.length + 1), 0, line);
    const text = lines.join('\n');
    return cut === null ? text : text.slice(0, cut % (text.length + 1));
  });

function assertSummary(summary: TestSummary | null): void {
  if (summary === null) return;
  for (const n of [summary.passed ?? 0, summary.failed, summary.skipped])
    assert.ok(Number.isSafeInteger(n) && n >= 0, `count ${n}`);
  assert.ok(summary.failingIds.every((id) => typeof id === 'string'));
}

const MAX_MS_PER_CASE = 250;

for (const parser of TEST_OUTPUT_PARSERS) {
  test(`fuzz: ${parser.framework} output parser`, () => {
    check(
      fc.property(outputArb, (output) => {
        const started = performance.now();
        assertSummary(parser.parse(output));
        const ms = performance.now() - started;
        assert.ok(ms < MAX_MS_PER_CASE, `parse took ${ms.toFixed(0)} ms on ${output.length} chars`);
      }),
    );
  });
}

test('fuzz: test-run detection from any command and output', () => {
  const command = fc.oneof(
    fc.constantFrom(
      'pytest -q',
      'npm test',
      'npx jest',
      'go test ./...',
      'cargo test',
      'mvn test',
      'dotnet test',
      'node --test',
      'ls',
      'make check',
    ),
    fc.string({ maxLength: 40 }),
  );
  check(fc.property(command, outputArb, (cmd, output) => assertSummary(detectTestRun(cmd, output))));
});

const MB = 1 << 20;
/** Linear parsers stay within this multiple of their time on real output (quadratic ones go 1000s×). */
const MAX_SLOWDOWN = 250;

// A repeated unit of runner words, digits, spaces, newlines and tag openers: the general shape of
// the hand-written adversarial outputs.
const TOKENS = [
  '\n',
  ' ',
  '\t',
  '1',
  '0.5',
  'passed',
  'failed',
  'Tests',
  'Summary',
  'FAIL',
  'ok',
  '=',
  '[',
  '(',
  ')',
  ':',
  ',',
  '>',
  '<testcase',
  '<stdout>',
  '●',
  '✖',
  '#',
  '---',
];
const adversarialUnit = fc.array(fc.constantFrom(...TOKENS), { minLength: 1, maxLength: 8 }).map((t) => t.join(''));

for (const parser of TEST_OUTPUT_PARSERS) {
  test(`fuzz: ${parser.framework} output parser is linear on 1 MB of adversarial output`, () => {
    const parse = (text: string) => parser.parse(text);
    const budget = MAX_SLOWDOWN * timeOf(parse, benignOutput(MB));
    for (const [shape, text] of Object.entries(adversarialOutputs(MB))) {
      const ms = timeOf(parse, text);
      assert.ok(ms < budget, `${shape}: ${ms.toFixed(0)} ms, over ${MAX_SLOWDOWN}× the time on real output`);
    }
    check(
      fc.property(adversarialUnit, (unit) => {
        const ms = timeOf(parse, fill(unit, MB));
        assert.ok(
          ms < budget,
          `${JSON.stringify(unit)} repeated: ${ms.toFixed(0)} ms, over ${MAX_SLOWDOWN}× the time on real output`,
        );
      }),
      Math.min(FUZZ_RUNS, 25),
    );
  });
}

test('fuzz: the Codex output header reader is linear on 1 MB of adversarial output', () => {
  // Benign output is no header and is turned away at its first line, so the budget's unit is one
  // linear pass over the same megabyte: splitting it into lines.
  const budget = MAX_SLOWDOWN * timeOf((text) => text.split('\n'), benignOutput(MB));
  const headerLines = fc
    .array(fc.constantFrom('A  x', 'Exit code: 1', 'Wall time: 1', 'Chunk ID: ', ' ', 'Output:', 'B'), {
      minLength: 1,
      maxLength: 4,
    })
    .map((l) => l.join('\n') + '\n');
  for (const [shape, text] of Object.entries(adversarialOutputs(MB)))
    assert.ok(timeOf(parseCodexOutput, text) < budget, shape);
  check(
    fc.property(headerLines, (unit) =>
      assert.ok(timeOf(parseCodexOutput, fill(unit, MB)) < budget, JSON.stringify(unit)),
    ),
    Math.min(FUZZ_RUNS, 25),
  );
});
