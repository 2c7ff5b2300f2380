// JUnit XML reports (surefire, gradle, pytest --junitxml, jest-junit, go-junit-report, dotnet).
import type { TestOutputParser } from '../summary';

function attr(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}\\s*=\\s*("([^"]*)"|'([^']*)')`).exec(tag);
  return m ? (m[2] ?? m[3]) : undefined;
}

function unescapeXml(text: string): string {
  return text.replace(
    /&(lt|gt|quot|apos|amp);/g,
    (_, e: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[e]!,
  );
}

/**
 * Each `<testcase …/>` or `<testcase …>body</testcase>`; one that is never closed is passed over.
 * Found by index, remembering the next `>` and `</testcase>` already found, so the scan is linear
 * even when thousands of tags never close.
 */
function* testcases(xml: string): Generator<{ attributes: string; body: string }> {
  const OPEN = '<testcase';
  const CLOSE = '</testcase>';
  const find = (text: string, from: number): number => {
    const at = xml.indexOf(text, from);
    return at < 0 ? Infinity : at;
  };
  let nextGt = -1;
  let nextClose = -1;
  for (let at = find(OPEN, 0); at !== Infinity;) {
    const attributesAt = at + OPEN.length;
    if (/\w/.test(xml[attributesAt] ?? '')) {
      at = find(OPEN, attributesAt); // <testcases>, <testcaseFoo>: another tag
      continue;
    }
    if (nextGt < attributesAt) nextGt = find('>', attributesAt);
    if (nextGt === Infinity) return;
    if (xml[nextGt - 1] === '/' && nextGt - 1 >= attributesAt) {
      yield { attributes: xml.slice(attributesAt, nextGt - 1), body: '' };
      at = find(OPEN, nextGt + 1);
      continue;
    }
    if (nextClose <= nextGt) nextClose = find(CLOSE, nextGt + 1);
    if (nextClose === Infinity) {
      at = find(OPEN, attributesAt);
      continue;
    }
    yield { attributes: xml.slice(attributesAt, nextGt), body: xml.slice(nextGt + 1, nextClose) };
    at = find(OPEN, nextClose + CLOSE.length);
  }
}

export const junitXmlParser: TestOutputParser = {
  framework: 'junit-xml',
  parse(output) {
    if (!/<testsuites?[\s>]/.test(output)) return null;
    // Every case is listed, so passed is always known: a number, never null.
    const summary = { framework: 'junit-xml', passed: 0, failed: 0, skipped: 0, failingIds: [] as string[] };
    let cases = 0;
    for (const { attributes, body } of testcases(output)) {
      cases++;
      const name = unescapeXml(attr(attributes, 'name') ?? '?');
      const className = attr(attributes, 'classname');
      if (/<(?:failure|error)\b/.test(body)) {
        summary.failed++;
        summary.failingIds.push(className ? `${unescapeXml(className)}.${name}` : name);
      } else if (/<skipped\b/.test(body)) summary.skipped++;
      else summary.passed++;
    }
    return cases > 0 ? summary : null;
  },
};
