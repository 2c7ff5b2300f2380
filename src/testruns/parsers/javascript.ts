// jest, vitest, mocha and node:test (spec and TAP reporters).
import { allMatches, lastMatch, tallyCounts, type TestOutputParser, type TestSummary } from '../summary';

const JS_BUCKETS = { passed: 'passed', failed: 'failed', skipped: 'skipped', todo: 'skipped' } as const;

export const jestParser: TestOutputParser = {
  framework: 'jest',
  parse(output) {
    const line = lastMatch(output, /^Tests:\s+(.*\d+ total)\s*$/gm);
    if (!line) return null;
    const counts = tallyCounts(line[1]!, JS_BUCKETS);
    const failingIds = allMatches(output, /^ {2}● (.+?)\s*$/gm).filter((id) => !/^(?:Test suite failed to run|Console)$/.test(id));
    return { framework: 'jest', passed: counts.passed, failed: counts.failed, skipped: counts.skipped, failingIds };
  },
};

export const vitestParser: TestOutputParser = {
  framework: 'vitest',
  parse(output) {
    const line = lastMatch(output, /^\s*Tests\s{2,}(.*)\(\d+\)\s*$/gm);
    if (!line) return null;
    const counts = tallyCounts(line[1]!, JS_BUCKETS);
    const failingIds = allMatches(output, /^\s*FAIL\s+(\S+ > .+?)(?:\s+\[[^\]]*\])?\s*$/gm);
    return { framework: 'vitest', passed: counts.passed, failed: counts.failed, skipped: counts.skipped, failingIds };
  },
};

function mochaFailingIds(output: string, failingLineIndex: number): string[] {
  const ids: string[] = [];
  const lines = output.slice(failingLineIndex).split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = /^\s+\d+\) (.+)$/.exec(lines[i]!);
    if (!start) continue;
    // A failure title spans indented lines (suite, nested suites, test) and ends with ':'.
    const parts = [start[1]!.trim()];
    while (!parts[parts.length - 1]!.endsWith(':') && i + 1 < lines.length && lines[i + 1]!.trim() !== '') {
      parts.push(lines[++i]!.trim());
    }
    const id = parts.join(' ').replace(/:$/, '');
    if (!ids.includes(id)) ids.push(id);
  }
  return ids;
}

export const mochaParser: TestOutputParser = {
  framework: 'mocha',
  parse(output) {
    const passing = lastMatch(output, /^\s*(\d+) passing \([^)]*\)\s*$/gm);
    if (!passing) return null;
    const after = output.slice(passing.index!);
    const pending = /^\s*(\d+) pending\s*$/m.exec(after);
    const failing = /^\s*(\d+) failing\s*$/m.exec(after);
    return {
      framework: 'mocha',
      passed: Number(passing[1]),
      failed: Number(failing?.[1] ?? 0),
      skipped: Number(pending?.[1] ?? 0),
      failingIds: failing ? mochaFailingIds(after, failing.index) : [],
    };
  },
};

/** node:test prints the same counters in both reporters, prefixed "ℹ" (spec) or "#" (TAP). */
function nodeCounters(output: string, prefix: string): TestSummary | null {
  const read = (name: string): number | undefined => {
    const m = lastMatch(output, new RegExp(`^${prefix} ${name} (\\d+)\\s*$`, 'gm'));
    return m ? Number(m[1]) : undefined;
  };
  const tests = read('tests');
  const pass = read('pass');
  const fail = read('fail');
  if (tests === undefined || pass === undefined || fail === undefined) return null;
  return {
    framework: 'node:test',
    passed: pass,
    failed: fail + (read('cancelled') ?? 0),
    skipped: (read('skipped') ?? 0) + (read('todo') ?? 0),
    failingIds: [],
  };
}

export const nodeSpecParser: TestOutputParser = {
  framework: 'node:test',
  parse(output) {
    const summary = nodeCounters(output, 'ℹ');
    if (!summary) return null;
    const section = output.indexOf('✖ failing tests:');
    if (section >= 0) {
      summary.failingIds = allMatches(output.slice(section + 1), /^\s*✖ (.+?)(?: \([\d.]+m?s\))?\s*$/gm);
    }
    return summary;
  },
};

/** `not ok` lines of tests, not of suites (a suite's line follows its more indented children). */
function tapFailingLeaves(output: string): string[] {
  const ids: string[] = [];
  let previousIndent = -1;
  for (const m of output.matchAll(/^( *)(not )?ok \d+ - (.+?)\s*$/gm)) {
    const indent = m[1]!.length;
    const name = m[3]!;
    const isParent = previousIndent > indent;
    previousIndent = indent;
    if (!m[2] || isParent || /# (?:TODO|SKIP)\b/.test(name)) continue;
    if (!ids.includes(name)) ids.push(name);
  }
  return ids;
}

export const nodeTapParser: TestOutputParser = {
  framework: 'node:test',
  parse(output) {
    const summary = nodeCounters(output, '#');
    if (!summary) return null;
    summary.failingIds = tapFailingLeaves(output);
    return summary;
  },
};
