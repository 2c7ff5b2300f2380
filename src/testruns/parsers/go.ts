// go test, plain text and -json.
import type { TestOutputParser, TestSummary } from '../summary';

export const goTextParser: TestOutputParser = {
  framework: 'go',
  parse(output) {
    // Package result lines ("ok  \tpkg\t0.01s", "FAIL\tpkg\t0.01s") or -v test result lines.
    if (!/^(?:(?:ok|FAIL)[ \t]+\S+[ \t]+(?:[\d.]+s|\(cached\))|--- (?:PASS|FAIL|SKIP): )/m.test(output)) return null;
    const summary: TestSummary = { framework: 'go', passed: 0, failed: 0, skipped: 0, failingIds: [] };
    let passed = 0;
    const failing = new Set<string>();
    // Only top-level tests are counted; subtests are indented under their parent.
    for (const m of output.matchAll(/^--- (PASS|FAIL|SKIP): (\S+)/gm)) {
      if (m[1] === 'PASS') passed++;
      else if (m[1] === 'SKIP') summary.skipped++;
      else {
        summary.failed++;
        failing.add(m[2]!);
      }
    }
    // Without -v (no "=== RUN" lines) passing tests are not printed: how many passed is unknown.
    summary.passed = /^=== RUN/m.test(output) ? passed : null;
    summary.failingIds = [...failing];
    return summary;
  },
};

interface GoTestEvent {
  Action?: string;
  Test?: string;
  Package?: string;
}

export const goJsonParser: TestOutputParser = {
  framework: 'go',
  parse(output) {
    const summary: TestSummary = { framework: 'go', passed: 0, failed: 0, skipped: 0, failingIds: [] };
    let events = 0;
    let passed = 0;
    for (const line of output.split('\n')) {
      if (!line.startsWith('{"')) continue;
      let event: GoTestEvent;
      try {
        event = JSON.parse(line) as GoTestEvent;
      } catch {
        continue;
      }
      if (typeof event.Action !== 'string') continue;
      events++;
      if (!event.Test || event.Test.includes('/')) continue;
      if (event.Action === 'pass') passed++;
      else if (event.Action === 'skip') summary.skipped++;
      else if (event.Action === 'fail') {
        summary.failed++;
        summary.failingIds.push(event.Test);
      }
    }
    return events > 0 ? { ...summary, passed } : null;
  },
};
