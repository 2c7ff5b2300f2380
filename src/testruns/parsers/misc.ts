// rspec, phpunit and dotnet test summaries.
import { allMatches, lastMatch, passedOf, type TestOutputParser } from '../summary';

export const rspecParser: TestOutputParser = {
  framework: 'rspec',
  parse(output) {
    const m = lastMatch(output, /^(\d+) examples?, (\d+) failures?(?:, (\d+) pending)?/gm);
    if (!m) return null;
    const failed = Number(m[2]);
    const skipped = Number(m[3] ?? 0);
    return {
      framework: 'rspec',
      passed: passedOf(Number(m[1]), failed, skipped),
      failed,
      skipped,
      failingIds: allMatches(output, /^rspec (\S+) #/gm),
    };
  },
};

export const phpunitParser: TestOutputParser = {
  framework: 'phpunit',
  parse(output) {
    const ok = lastMatch(output, /^OK \((\d+) tests?, \d+ assertions?\)/gm);
    if (ok) return { framework: 'phpunit', passed: Number(ok[1]), failed: 0, skipped: 0, failingIds: [] };
    const line = lastMatch(output, /^Tests: (\d+), Assertions: \d+(.*)$/gm);
    if (!line) return null;
    let failed = 0;
    let skipped = 0;
    for (const [, name, n] of line[2]!.matchAll(/(?<!\w)(\w+): (\d+)/g)) {
      if (/^(?:Failures|Errors)$/.test(name!)) failed += Number(n);
      else if (/^(?:Skipped|Incomplete)$/.test(name!)) skipped += Number(n);
    }
    return {
      framework: 'phpunit',
      passed: passedOf(Number(line[1]), failed, skipped),
      failed,
      skipped,
      failingIds: allMatches(output, /^\d+\) ([\w\\]+::\w+.*)$/gm),
    };
  },
};

export const dotnetParser: TestOutputParser = {
  framework: 'dotnet',
  parse(output) {
    const summary = { framework: 'dotnet', passed: 0, failed: 0, skipped: 0, failingIds: [] as string[] };
    let found = false;
    // One line per test project: "Failed!  - Failed:     1, Passed:     3, Skipped:     0, Total: 4".
    for (const m of output.matchAll(
      /(?:Passed|Failed)![ \t]+-[ \t]+Failed:[ \t]+(\d+),[ \t]+Passed:[ \t]+(\d+),[ \t]+Skipped:[ \t]+(\d+),/g,
    )) {
      found = true;
      summary.failed += Number(m[1]);
      summary.passed += Number(m[2]);
      summary.skipped += Number(m[3]);
    }
    if (!found) {
      const total = /^Total tests: (\d+)/m.exec(output);
      if (!total) return null;
      const after = output.slice(total.index);
      summary.passed = Number(/^[ \t]+Passed: (\d+)/m.exec(after)?.[1] ?? 0);
      summary.failed = Number(/^[ \t]+Failed: (\d+)/m.exec(after)?.[1] ?? 0);
      summary.skipped = Number(/^[ \t]+Skipped: (\d+)/m.exec(after)?.[1] ?? 0);
    }
    summary.failingIds = allMatches(output, /^[ \t]+Failed (\S+) \[[^\]\n]*\][ \t]*$/gm);
    return summary;
  },
};
