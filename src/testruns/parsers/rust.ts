// cargo test (libtest) and cargo nextest.
import { allMatches, lastMatch, tallyCounts, type TestOutputParser } from '../summary';

export const cargoParser: TestOutputParser = {
  framework: 'cargo',
  parse(output) {
    let found = false;
    const summary = { framework: 'cargo', passed: 0, failed: 0, skipped: 0, failingIds: [] as string[] };
    // One "test result" line per test binary (unit, integration, doc tests): sum them.
    for (const m of output.matchAll(/^test result: (?:ok|FAILED)\. (\d+) passed; (\d+) failed; (\d+) ignored;/gm)) {
      found = true;
      summary.passed += Number(m[1]);
      summary.failed += Number(m[2]);
      summary.skipped += Number(m[3]);
    }
    if (!found) return null;
    summary.failingIds = allMatches(output, /^test (\S+)(?: - should panic)? \.\.\. FAILED[ \t]*$/gm);
    return summary;
  },
};

export const nextestParser: TestOutputParser = {
  framework: 'nextest',
  parse(output) {
    const line = lastMatch(output, /^[ \t]*Summary \[[^\]\n]*\] +\d+ tests? run: (.*)$/gm);
    if (!line) return null;
    const counts = tallyCounts(line[1]!, {
      passed: 'passed',
      failed: 'failed',
      'timed out': 'failed',
      skipped: 'skipped',
    });
    const failingIds = allMatches(output, /^[ \t]+(?:FAIL|TIMEOUT) \[[^\]\n]*\] (.+)$/gm);
    return { framework: 'nextest', passed: counts.passed, failed: counts.failed, skipped: counts.skipped, failingIds };
  },
};
