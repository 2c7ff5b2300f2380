// JUnit XML reports (surefire, gradle, pytest --junitxml, jest-junit, go-junit-report, dotnet).
import type { TestOutputParser } from '../summary';

function attr(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}\\s*=\\s*("([^"]*)"|'([^']*)')`).exec(tag);
  return m ? (m[2] ?? m[3]) : undefined;
}

function unescapeXml(text: string): string {
  return text.replace(/&(lt|gt|quot|apos|amp);/g, (_, e: string) =>
    ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[e]!,
  );
}

export const junitXmlParser: TestOutputParser = {
  framework: 'junit-xml',
  parse(output) {
    if (!/<testsuites?[\s>]/.test(output)) return null;
    // Every case is listed, so passed is always known: a number, never null.
    const summary = { framework: 'junit-xml', passed: 0, failed: 0, skipped: 0, failingIds: [] as string[] };
    let cases = 0;
    // A testcase is either self-closing or has a body that may hold <failure>, <error> or <skipped>.
    for (const m of output.matchAll(/<testcase\b([^>]*?)(?:\/>|>([\s\S]*?)<\/testcase>)/g)) {
      cases++;
      const body = m[2] ?? '';
      const name = unescapeXml(attr(m[1]!, 'name') ?? '?');
      const className = attr(m[1]!, 'classname');
      if (/<(?:failure|error)\b/.test(body)) {
        summary.failed++;
        summary.failingIds.push(className ? `${unescapeXml(className)}.${name}` : name);
      } else if (/<skipped\b/.test(body)) summary.skipped++;
      else summary.passed++;
    }
    return cases > 0 ? summary : null;
  },
};
