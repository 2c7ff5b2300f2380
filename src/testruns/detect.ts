// Decides whether a shell command / terminal execution was a test run, and what it reported.
import type { TestOutputParser, TestSummary } from './summary';
import { goJsonParser, goTextParser } from './parsers/go';
import { jestParser, mochaParser, nodeSpecParser, nodeTapParser, vitestParser } from './parsers/javascript';
import { gradleParser, mavenParser } from './parsers/jvm';
import { junitXmlParser } from './parsers/junit-xml';
import { dotnetParser, phpunitParser, rspecParser } from './parsers/misc';
import { pytestParser, unittestParser } from './parsers/python';
import { cargoParser, nextestParser } from './parsers/rust';
import { reportsNoTestsRun } from './no-tests-reported';
import { onlyHandlesText, testInvocation, type CommandContext } from './test-command';

/** Tried in this order when the command names no runner; the most distinctive summaries first. */
export const TEST_OUTPUT_PARSERS: readonly TestOutputParser[] = [
  goJsonParser,
  junitXmlParser,
  pytestParser,
  unittestParser,
  jestParser,
  vitestParser,
  nodeSpecParser,
  nodeTapParser,
  mochaParser,
  nextestParser,
  cargoParser,
  rspecParser,
  phpunitParser,
  dotnetParser,
  mavenParser,
  gradleParser,
  goTextParser,
];

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\r(?!\n)/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '').replace(/\r\n/g, '\n');
}

/** Parses runner output; the runner the command names is tried first. */
export function parseTestOutput(output: string, command = ''): TestSummary | null {
  return parseWithHint(stripAnsi(output), command === '' ? undefined : testInvocation(command)?.framework);
}

function parseWithHint(text: string, framework: string | undefined): TestSummary | null {
  const ordered = framework
    ? [
        ...TEST_OUTPUT_PARSERS.filter((p) => p.framework === framework),
        ...TEST_OUTPUT_PARSERS.filter((p) => p.framework !== framework),
      ]
    : TEST_OUTPUT_PARSERS;
  for (const parser of ordered) {
    const summary = parser.parse(text);
    if (summary) return summary;
  }
  return null;
}

/**
 * A command is a test run when its command line runs a test runner or its output carries a
 * runner's summary; not when the runner only lists or compiles tests, says it ran none, or the
 * command only shows text (`cat`, `grep`: their output is a file's content). Without a
 * recognised summary the failed count is 0 and passed is unknown (null); the exit code decides.
 */
export function detectTestRun(command: string, output: string, context: CommandContext = {}): TestSummary | null {
  const invocation = testInvocation(command, context);
  if (invocation ? !invocation.executesTests : onlyHandlesText(command)) return null;
  const text = stripAnsi(output);
  const summary = parseWithHint(text, invocation?.framework);
  if (reportsNoTestsRun(summary, text)) return null;
  if (summary) return summary;
  if (!invocation) return null;
  return { framework: invocation.framework, passed: null, failed: 0, skipped: 0, failingIds: [] };
}
