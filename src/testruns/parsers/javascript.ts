// jest, vitest, mocha and node:test (spec and TAP reporters).
import { allMatches, lastMatch, tallyCounts, unique, type TestOutputParser, type TestSummary } from '../summary';

const JS_BUCKETS = { passed: 'passed', failed: 'failed', skipped: 'skipped', todo: 'skipped' } as const;

export const jestParser: TestOutputParser = {
  framework: 'jest',
  parse(output) {
    const line = lastMatch(output, /^Tests:[ \t]+(.*(?<!\d)\d+ total)[ \t]*$/gm);
    if (!line) return null;
    const counts = tallyCounts(line[1]!, JS_BUCKETS);
    const failingIds = allMatches(output, /^ {2}● (.+)$/gm).filter(
      (id) => !/^(?:Test suite failed to run|Console)$/.test(id),
    );
    return { framework: 'jest', passed: counts.passed, failed: counts.failed, skipped: counts.skipped, failingIds };
  },
};

export const vitestParser: TestOutputParser = {
  framework: 'vitest',
  parse(output) {
    const line = lastMatch(output, /^[ \t]*Tests[ \t]{2,}(.*)\(\d+\)[ \t]*$/gm);
    if (!line) return null;
    const counts = tallyCounts(line[1]!, JS_BUCKETS);
    const failingIds = unique(allMatches(output, /^[ \t]*FAIL[ \t]+(\S+ > .+)$/gm).map(withoutBracketSuffix));
    return { framework: 'vitest', passed: counts.passed, failed: counts.failed, skipped: counts.skipped, failingIds };
  },
};

/** "file > test [12ms]" → "file > test": a trailing bracketed note found by index (linear on any line). */
function withoutBracketSuffix(id: string): string {
  if (!id.endsWith(']')) return id;
  const from = id.lastIndexOf(']', id.length - 2) + 1;
  for (let open = id.indexOf('[', from); open > 0; open = id.indexOf('[', open + 1)) {
    if (!/\s/.test(id[open - 1]!)) continue;
    const kept = id.slice(0, open).trimEnd();
    const arrow = kept.indexOf(' > ');
    return arrow > 0 && arrow + 3 < kept.length ? kept : id;
  }
  return id;
}

function mochaFailingIds(output: string, failingLineIndex: number): string[] {
  const ids = new Set<string>();
  const lines = output.slice(failingLineIndex).split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = /^\s+\d+\) (.+)$/.exec(lines[i]!);
    if (!start) continue;
    // A failure title spans indented lines (suite, nested suites, test) and ends with ':'.
    const parts = [start[1]!.trim()];
    while (!parts[parts.length - 1]!.endsWith(':') && i + 1 < lines.length && lines[i + 1]!.trim() !== '') {
      parts.push(lines[++i]!.trim());
    }
    ids.add(parts.join(' ').replace(/:$/, ''));
  }
  return [...ids];
}

export const mochaParser: TestOutputParser = {
  framework: 'mocha',
  parse(output) {
    const passing = lastMatch(output, /^[ \t]*(\d+) passing \([^)\n]*\)[ \t]*$/gm);
    if (!passing) return null;
    const after = output.slice(passing.index!);
    const pending = /^[ \t]*(\d+) pending[ \t]*$/m.exec(after);
    const failing = /^[ \t]*(\d+) failing[ \t]*$/m.exec(after);
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
      summary.failingIds = unique(
        allMatches(output.slice(section + 1), /^[ \t]*✖ (.+)$/gm).map((id) => id.replace(/ \([\d.]+m?s\)$/, '')),
      );
    }
    return summary;
  },
};

/** `not ok` lines of tests, not of suites (a suite's line follows its more indented children). */
function tapFailingLeaves(output: string): string[] {
  const ids = new Set<string>();
  let previousIndent = -1;
  for (const m of output.matchAll(/^( *)(not )?ok \d+ - (.+)$/gm)) {
    const indent = m[1]!.length;
    const name = m[3]!.trim();
    const isParent = previousIndent > indent;
    previousIndent = indent;
    if (!m[2] || isParent || /# (?:TODO|SKIP)\b/.test(name)) continue;
    ids.add(name);
  }
  return [...ids];
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
