// pytest and unittest summaries.
import { allMatches, lastMatch, passedOf, tallyCounts, type TestOutputParser } from '../summary';

const PYTEST_BUCKETS = {
  passed: 'passed',
  xpassed: 'passed',
  failed: 'failed',
  error: 'failed',
  errors: 'failed',
  skipped: 'skipped',
  xfailed: 'skipped',
} as const;

export const pytestParser: TestOutputParser = {
  framework: 'pytest',
  parse(output) {
    // "==== 1 failed, 2 passed in 0.12s ====" (or without the rules in -q mode); older pytest
    // (3.x, as in pytest's own documentation) wrote "in 0.12 seconds".
    const line = lastMatch(
      output,
      /^=*[ \t]*((?:\d+ (?:passed|failed|errors?|skipped|xfailed|xpassed|deselected|warnings?|rerun)(?:, )?)+|no tests ran) in [\d.]+(?:m?s| seconds)\b.*$/gm,
    );
    if (!line) return null;
    const counts = tallyCounts(line[1]!, PYTEST_BUCKETS);
    return {
      framework: 'pytest',
      passed: counts.passed,
      failed: counts.failed,
      skipped: counts.skipped,
      failingIds: allMatches(output, /^(?:FAILED|ERROR) ([^\s[]+(?:\[[^\]\n]*\])?)(?: - .*)?$/gm),
    };
  },
};

export const unittestParser: TestOutputParser = {
  framework: 'unittest',
  parse(output) {
    const ran = lastMatch(output, /^Ran (\d+) tests? in [\d.]+s[ \t]*\n[ \t\n]*(OK|FAILED)(?: \(([^)\n]*)\))?/gm);
    if (!ran) return null;
    const total = Number(ran[1]);
    const details = ran[3] ?? '';
    const count = (key: string): number => Number(new RegExp(`${key}=(\\d+)`).exec(details)?.[1] ?? 0);
    const failed = count('failures') + count('errors') + count('unexpected successes');
    const skipped = count('skipped') + count('expected failures');
    const failingIds = new Set<string>();
    for (const m of output.matchAll(/^(?:FAIL|ERROR): (\S+) \(([^)\n]+)\)/gm)) {
      const [, name, where] = m as unknown as [string, string, string];
      // Python ≥ 3.11 prints the full dotted id in the parentheses; older versions the class.
      failingIds.add(where.endsWith('.' + name) ? where : `${where}.${name}`);
    }
    return {
      framework: 'unittest',
      passed: passedOf(total, failed, skipped),
      failed,
      skipped,
      failingIds: [...failingIds],
    };
  },
};
