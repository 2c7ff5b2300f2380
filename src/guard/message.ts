// The words the agent (and, for `ask`, the user) reads when the guard steps in. This text is the
// intervention itself, so it lives in one place, carries a version, and is tested: calm and
// matter-of-fact, naming the kind and the test, stating the pressure plainly, and offering the
// honest way out instead of a reprimand.
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
  const said = signals.length > 0 ? `Pressure: ${signals.join('; ')}.` : 'Pressure: none seen (no failing test runs in this session so far).';
  return `${said} Desperation was not read: ${p.reader.why}.`;
}

/**
 * The message for one decision: what the edit does, the pressure, and the honest way out.
 * `askHeldBack`: the tier was `ask` but the agent cannot ask, so the edit is blocked instead.
 */
export function guardMessage(tier: Exclude<Tier, 'off' | 'log'>, path: string, findings: readonly Finding[], pressure: SessionPressure, askHeldBack = false): string {
  return [
    `${OPENING[tier]} to ${path}:`,
    ...findings.map(findingLine),
    pressureLine(pressure),
    ...(askHeldBack ? [CANNOT_ASK] : []),
    HONEST_WAY_OUT,
    `(agent-vitals guard, message v${GUARD_MESSAGE_VERSION})`,
  ].join('\n');
}
