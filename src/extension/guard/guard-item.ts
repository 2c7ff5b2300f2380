// A guard decision as the sidebar lists it beside the flags: its own id, the session it belongs
// to, the shared severity of its tier, and plain words for what the guard did. Pure.
import { createHash } from 'node:crypto';
import type { FlagStatus } from '../../contracts/flag-status';
import { TIER_SEVERITY } from '../../core/guard-tiers';
import type { GuardLogDecision } from '../../guard/guard-log';

/** A decision ready for the store: everything but where it sits among the session's turns. */
export interface GuardItem {
  id: string;
  /** The project whose log it came from: its guard memory is where "legitimate" is written. */
  projectDir: string;
  decision: GuardLogDecision;
  status: FlagStatus;
}

const DID: Record<GuardLogDecision['tier'], string> = {
  off: 'let through',
  log: 'logged',
  warn: 'let through with a warning to the agent',
  ask: 'asked the user about',
  block: 'held back',
};

/** One id per logged decision: the same line read again (another window, a reload) is the same item. */
export function guardItemId(d: GuardLogDecision): string {
  return `guard:${createHash('sha256')
    .update(`${d.ts}\0${d.agent}\0${d.sessionId ?? ''}\0${d.path}\0${d.hunk ?? ''}`)
    .digest('hex')
    .slice(0, 24)}`;
}

export function guardItem(projectDir: string, decision: GuardLogDecision, status: FlagStatus): GuardItem {
  return { id: guardItemId(decision), projectDir, decision, status };
}

/** "The guard asked the user about this Edit (skip-added), under pressure." */
export function guardReason(d: GuardLogDecision): string {
  return `The guard ${DID[d.tier]} this ${d.tool} before it ran (${d.kinds.join(', ')})${d.pressured ? ', under pressure' : ''}.`;
}

export const guardSeverity = (d: GuardLogDecision) => TIER_SEVERITY[d.tier];
