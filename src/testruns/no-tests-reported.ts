// Output in which the runner says it executed no test at all: a filter that matched nothing
// (`go test -run XXX_nomatch`, `pytest -k nomatch`), an empty suite. Such a command is not a run:
// it neither passes nor fails anything.
import type { TestSummary } from './summary';

/**
 * Runners whose summary counts every test that ran, errors and load failures included (a file
 * that fails to import is a failed test), so an all-zero summary means nothing ran. jest, vitest
 * and go are not among them: a suite that fails to compile reports zero tests there.
 */
const ZERO_MEANS_NONE = new Set(['pytest', 'unittest', 'mocha', 'node:test', 'cargo', 'nextest']);

/** Said by jest and vitest (which exit 1) when no test file matched. */
const NO_TEST_FILES = /^No tests found, exiting with code|^No test files found, exiting with code/m;

export function reportsNoTestsRun(summary: TestSummary | null, output: string): boolean {
  if (!summary) return NO_TEST_FILES.test(output);
  if (summary.failed > 0 || summary.skipped > 0 || (summary.passed ?? 0) > 0) return false;
  if (ZERO_MEANS_NONE.has(summary.framework)) return summary.passed === 0;
  if (summary.framework === 'go') return goRanNoTests(output);
  return NO_TEST_FILES.test(output);
}

/**
 * Every package result says "[no tests to run]" (or has no test files), none failed: `go test`
 * with a `-run` pattern that matched nothing. Non-verbose output names no passing test, so the
 * package lines are the only evidence.
 */
function goRanNoTests(output: string): boolean {
  let noneRun = 0;
  for (const line of output.split('\n')) {
    if (line.startsWith('FAIL') || line.startsWith('--- FAIL')) return false;
    if (!line.startsWith('ok ')) continue;
    if (!line.includes('[no tests to run]')) return false;
    noneRun++;
  }
  return noneRun > 0;
}
