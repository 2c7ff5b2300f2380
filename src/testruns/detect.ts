// Decides whether a shell command / terminal execution was a test run, and what it reported.
import type { TestOutputParser, TestSummary } from './summary';
import { goJsonParser, goTextParser } from './parsers/go';
import { jestParser, mochaParser, nodeSpecParser, nodeTapParser, vitestParser } from './parsers/javascript';
import { gradleParser, mavenParser } from './parsers/jvm';
import { junitXmlParser } from './parsers/junit-xml';
import { dotnetParser, phpunitParser, rspecParser } from './parsers/misc';
import { pytestParser, unittestParser } from './parsers/python';
import { cargoParser, nextestParser } from './parsers/rust';

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

const COMMAND_HINTS: readonly [RegExp, string][] = [
  [/\bpy\.?test\b|-m\s+pytest\b/, 'pytest'],
  [/-m\s+unittest\b|\bmanage\.py\s+test\b/, 'unittest'],
  [/\bjest\b/, 'jest'],
  [/\bvitest\b/, 'vitest'],
  [/\bmocha\b/, 'mocha'],
  [/\bnode\b[^|;&]*\s--test\b/, 'node:test'],
  [/\bgo\s+test\b/, 'go'],
  [/\bcargo\s+nextest\b/, 'nextest'],
  [/\bcargo\s+test\b/, 'cargo'],
  [/\brspec\b/, 'rspec'],
  [/\bphpunit\b/, 'phpunit'],
  [/\bdotnet\s+test\b/, 'dotnet'],
  [/\bmvnw?\b[^|;&]*\b(?:test|verify|install|package)\b/, 'maven'],
  [/\bgradlew?\b[^|;&]*\b(?:test|check|build)\b/, 'gradle'],
];

/** Commands that run a project's tests without naming the runner. */
const GENERIC_TEST_COMMAND =
  /\b(?:npm|pnpm|yarn|bun)\s+(?:run\s+)?test\b|\b(?:npm|pnpm|yarn)\s+t\b|\bmake\s+(?:test|check)\b|\btox\b|\bnox\b|\bctest\b|\bbundle\s+exec\s+rake\s+test\b/;

export function runnerNamedBy(command: string): string | undefined {
  return COMMAND_HINTS.find(([pattern]) => pattern.test(command))?.[1];
}

export function looksLikeTestCommand(command: string): boolean {
  return runnerNamedBy(command) !== undefined || GENERIC_TEST_COMMAND.test(command);
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\r(?!\n)/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '').replace(/\r\n/g, '\n');
}

/** Parses runner output; the runner the command names is tried first. */
export function parseTestOutput(output: string, command = ''): TestSummary | null {
  const text = stripAnsi(output);
  const hint = runnerNamedBy(command);
  const ordered = hint
    ? [...TEST_OUTPUT_PARSERS.filter((p) => p.framework === hint), ...TEST_OUTPUT_PARSERS.filter((p) => p.framework !== hint)]
    : TEST_OUTPUT_PARSERS;
  for (const parser of ordered) {
    const summary = parser.parse(text);
    if (summary) return summary;
  }
  return null;
}

/**
 * A command is a test run when its command line or its output says so. Without a recognised
 * summary the counts stay zero and the framework is what the command names (or "unknown").
 */
export function detectTestRun(command: string, output: string): TestSummary | null {
  const parsed = parseTestOutput(output, command);
  if (parsed) return parsed;
  if (!looksLikeTestCommand(command)) return null;
  return { framework: runnerNamedBy(command) ?? 'unknown', passed: 0, failed: 0, skipped: 0, failingIds: [] };
}
