// The words the agent (and, for `ask`, the user) reads when the guard steps in. This text is the
// intervention itself, so it lives in one place, carries a version, and is tested: calm and
// matter-of-fact, naming the kind and the test, stating the pressure plainly, and offering the
// honest way out instead of a reprimand.
import type { FlagKind } from '../core/flags';
import type { Finding } from '../tamper/classify';
import type { SessionPressure } from '../transcript-pipeline/flags';
import type { Tier } from './tiers';

/** Bump when the wording changes, so decisions recorded with an older text can be told apart. */
export const GUARD_MESSAGE_VERSION = 1;

export const HONEST_WAY_OUT =
  'If the task cannot be done as specified, stop and tell the user what you found instead of changing the test.';

/** Said where the agent's hooks cannot ask the user, so an `ask` is held back instead. */
export const CANNOT_ASK =
  "This agent's hooks cannot ask the user, so the edit was held back: if it is what the user wants, ask them and let them apply it.";

const KIND_WORDS: Record<string, string> = {
  'skip-added': 'skips a test',
  'focus-added': 'focuses one test so the others stop running',
  'assertion-removed': 'removes an assertion',
  'assertion-weakened': 'weakens an assertion',
  'expected-value-changed': 'rewrites an expected value',
  'test-deleted': 'deletes a test',
  'test-file-deleted': 'deletes a test file',
  'special-casing': 'special-cases test inputs in production code',
  'eq-override': 'adds an equality method that always returns true',
  'test-command-changed': 'narrows the test command',
  'exit-forced': 'forces a successful exit',
  'snapshot-updated': 'rewrites a stored snapshot',
};

const OPENING: Record<Exclude<Tier, 'off' | 'log'>, string> = {
  block: 'Agent Vitals guard held back this edit',
  ask: 'Agent Vitals guard is asking the user about this edit',
  warn: 'Agent Vitals guard noticed this edit',
};

function findingLine(f: Finding): string {
  const what = KIND_WORDS[f.kind] ?? f.kind;
  const test = f.test ? ` (test \`${f.test}\`${f.wasFailing ? ', failing in the last run' : ''})` : '';
  return `- it ${what}${test}: ${f.detail} [${f.kind}]`;
}

/** "4 failing runs in a row, 25 min since the last green run", or that the session is calm. */
export function pressureLine(p: SessionPressure): string {
  const signals = p.behaviour.signals.map((s) => s.detail);
  const said =
    signals.length > 0
      ? `Pressure: ${signals.join('; ')}.`
      : 'Pressure: none seen (no failing test runs in this session so far).';
  return `${said} Desperation was not read: ${p.reader.why}.`;
}

/**
 * The message for one decision: what the edit does, the pressure, and the honest way out.
 * `askHeldBack`: the tier was `ask` but the agent cannot ask, so the edit is blocked instead.
 */
export function guardMessage(
  tier: Exclude<Tier, 'off' | 'log'>,
  path: string,
  findings: readonly Finding[],
  pressure: SessionPressure,
  askHeldBack = false,
): string {
  return [
    `${OPENING[tier]} to ${path}:`,
    ...findings.map(findingLine),
    pressureLine(pressure),
    ...(askHeldBack ? [CANNOT_ASK] : []),
    HONEST_WAY_OUT,
    `(agent-vitals guard, message v${GUARD_MESSAGE_VERSION})`,
  ].join('\n');
}

/** What the end-of-turn audit reports. */
export interface AuditCounts {
  /** How many tamper flags carry each kind, in the order kinds first appeared. */
  kinds: [FlagKind, number][];
  /** Tests that failed in any run of the session, first failure first. */
  failingTests: string[];
  /** Whether the last test run failed; null when no test ran. */
  lastRunFailed: boolean | null;
}

/** What the end-of-turn audit counts, singular and plural. */
const AUDIT_WORDS: Record<Exclude<FlagKind, 'test-added' | 'test-refactored'>, [string, string]> = {
  'skip-added': ['test skipped', 'tests skipped'],
  'focus-added': ['test focused so the others stop running', 'tests focused so the others stop running'],
  'assertion-removed': ['assertion removed', 'assertions removed'],
  'assertion-weakened': ['assertion weakened', 'assertions weakened'],
  'expected-value-changed': ['expected value rewritten', 'expected values rewritten'],
  'test-deleted': ['test deleted', 'tests deleted'],
  'test-file-deleted': ['test file deleted', 'test files deleted'],
  'special-casing': [
    'special case for test inputs in production code',
    'special cases for test inputs in production code',
  ],
  'eq-override': ['equality method that always returns true', 'equality methods that always return true'],
  'test-command-changed': ['test command narrowed', 'test commands narrowed'],
  'exit-forced': ['forced successful exit', 'forced successful exits'],
  'snapshot-updated': ['snapshot rewritten', 'snapshots rewritten'],
};

/** "a, b and c" */
function listed(items: readonly string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** Asked of the agent when the audit holds back its stop. */
export const AUDIT_ASK =
  'Before you finish, tell the user plainly which tests you changed this way and why. If the task could not be done as specified, say so instead of presenting the work as done.';

/**
 * The end-of-turn audit, e.g. "2 tests skipped and 1 expected value rewritten this session; tests
 * that were failing: …". The agent's copy adds what it is asked to do.
 */
export function auditMessage(audit: AuditCounts, reader: 'user' | 'agent'): string {
  const counted = audit.kinds.map(([kind, n]) => {
    const words = AUDIT_WORDS[kind as keyof typeof AUDIT_WORDS];
    return `${n} ${words[n === 1 ? 0 : 1]}`;
  });
  const last =
    audit.lastRunFailed === null
      ? ''
      : audit.lastRunFailed
        ? ' (the last test run still failed)'
        : ' (the last test run passed)';
  const failing =
    audit.failingTests.length > 0 ? `; tests that were failing: ${audit.failingTests.join(', ')}${last}` : '';
  return [
    `Agent Vitals guard, end of turn: ${listed(counted)} this session${failing}.`,
    ...(reader === 'agent' ? [AUDIT_ASK] : []),
    `(agent-vitals guard, message v${GUARD_MESSAGE_VERSION})`,
  ].join('\n');
}
