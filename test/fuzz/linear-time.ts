// Linear-time checks without absolute times: a parser's time on adversarial text is compared with
// its time on benign text of the same size in the same run, so a slow or busy machine slows both.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Median of three timed runs (after one warm-up), in milliseconds, never below 0.05. Each run
 * gets its own copy of the text: V8 caches split/replace results per subject string, which would
 * time a cache hit instead of the parse.
 */
export function timeOf(run: (text: string) => unknown, text: string): number {
  run(copyOf(text));
  const samples = [0, 1, 2].map(() => {
    const subject = copyOf(text);
    const started = performance.now();
    run(subject);
    return performance.now() - started;
  });
  return Math.max(samples.sort((a, b) => a - b)[1]!, 0.05);
}

function copyOf(text: string): string {
  return (text + ' ').slice(0, -1);
}

/** How many times longer `run` takes on `hostile` than on `benign` text (the same size). */
export function slowdown(run: (text: string) => unknown, benign: string, hostile: string): number {
  return timeOf(run, hostile) / timeOf(run, benign);
}

/** `unit` repeated to exactly `size` characters. */
export function fill(unit: string, size: number): string {
  return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
}

const TEST_OUTPUTS = join(__dirname, '../fixtures/test-output');

/** Real runner output (every fixture) repeated to `size` characters: what a long test log looks like. */
export function benignOutput(size: number): string {
  const all = readdirSync(TEST_OUTPUTS)
    .filter((f) => f !== 'README.md')
    .map((f) => readFileSync(join(TEST_OUTPUTS, f), 'utf8'))
    .join('\n');
  return fill(all + '\n', size);
}

/**
 * Shapes that make backtracking patterns go quadratic: floods of newlines and blank lines, runs
 * of spaces and digits, opened tags and brackets that never close, and each runner's summary
 * words repeated without ever completing a summary.
 */
export function adversarialOutputs(size: number): Record<string, string> {
  const shapes: Record<string, string> = {
    'newline flood': fill('\n', size),
    'blank lines with spaces': fill(' \n', size),
    'tabs and newlines': fill('\t\n\n', size),
    spaces: fill(' ', size),
    digits: fill('1', size),
    'digits and spaces': fill('1 ', size),
    'unclosed <testcase': '<testsuite>' + fill('<testcase ', size - 11),
    'unclosed testcase bodies': '<testsuite>' + fill('<testcase name="a">', size - 11),
    'unclosed <stdout>': fill('<stdout>\n', size),
    'unclosed brackets': fill('FAILED t.py::x[', size),
    'unclosed parentheses': fill('FAIL: t (\n', size),
    'summary words': fill('1 passed ', size),
    'long summary line': 'Tests: ' + fill('1 ', size - 7),
    'long word list': '1 ' + fill('a ', size - 2),
    'jest digits': 'Tests: ' + fill('1', size - 7),
    'failure bullets': fill('  ● a' + ' '.repeat(64), size),
    'vitest FAIL': '  FAIL a > b' + fill(' [', size - 12),
    'nextest summary': fill('Summary [', size),
    'unittest ran': 'Ran 1 test in 1s' + fill('\n', size - 16),
    'mocha passing': fill(' 1 passing (', size),
    'phpunit words': 'Tests: 1, Assertions: 1 ' + fill('a', size - 24),
    'gradle arrows': fill('a > ', size),
    'tap lines': fill('not ok 1 - ' + ' '.repeat(32), size),
    'distinct failures': Array.from({ length: Math.ceil(size / 12) }, (_, i) => `FAIL: t${i} (m)\n`)
      .join('')
      .slice(0, size),
    'go ok lines': fill('ok\n\n\n', size),
  };
  return shapes;
}
