// Maven surefire/failsafe and Gradle test summaries.
import { allMatches, passedOf, type TestOutputParser } from '../summary';

export const mavenParser: TestOutputParser = {
  framework: 'maven',
  parse(output) {
    let found = false;
    const summary = { framework: 'maven', passed: 0, failed: 0, skipped: 0, failingIds: [] as string[] };
    // Per-class lines carry "Time elapsed"; the module totals after "Results:" do not.
    for (const m of output.matchAll(
      /^(?:\[\w+\] )?Tests run: (\d+), Failures: (\d+), Errors: (\d+), Skipped: (\d+)[ \t]*$/gm,
    )) {
      found = true;
      const failed = Number(m[2]) + Number(m[3]);
      summary.failed += failed;
      summary.skipped += Number(m[4]);
      summary.passed += passedOf(Number(m[1]), failed, Number(m[4]));
    }
    if (!found) return null;
    summary.failingIds = allMatches(output, /^\[ERROR\] {2,}(?:Run \d+: )?([\w$.]+\.[\w$]+)(?::\d+)?(?: |$)/gm);
    return summary;
  },
};

export const gradleParser: TestOutputParser = {
  framework: 'gradle',
  parse(output) {
    const m = /^(\d+) tests? completed, (\d+) failed(?:, (\d+) skipped)?/m.exec(output);
    if (!m) return null;
    const failed = Number(m[2]);
    const skipped = Number(m[3] ?? 0);
    return {
      framework: 'gradle',
      passed: passedOf(Number(m[1]), failed, skipped),
      failed,
      skipped,
      failingIds: allMatches(output, /^(\S[^\n>]*?) > (.+?) FAILED[ \t]*$/gm, 0).map((id) =>
        id.replace(/ FAILED\s*$/, '').replace(' > ', '.'),
      ),
    };
  },
};
