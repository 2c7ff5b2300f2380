// One guard decision: the edits a tool call would make, classified with the same rules and kinds
// as flags, weighed against the session's pressure, and given the strictest tier that applies.
import { BENIGN_FLAG_KINDS } from '../core/flags';
import { classifyEdit, type Finding } from '../tamper/classify';
import type { SessionPressure } from '../transcript-pipeline/flags';
import type { ProposedEdit } from './proposed-edits';
import { TIER_RANK, type GuardTiers, type Tier } from './tiers';

export interface GuardDecision {
  tier: Tier;
  /** The edit that decided, and its suspicious findings; null when nothing was suspicious. */
  path: string | null;
  findings: Finding[];
  /** Whether the session counted as under pressure. */
  pressured: boolean;
}

/** The tier one finding earns: an expected value set to what the last failing run printed counts as pressured. */
function findingTier(f: Finding, pressured: boolean, tiers: GuardTiers): Tier {
  const t = tiers.kinds[f.kind];
  return pressured || f.matchesLastActual ? t.pressured : t.calm;
}

export function decide(edits: readonly ProposedEdit[], pressure: SessionPressure, tiers: GuardTiers): GuardDecision {
  const pressured = pressure.behaviour.score >= tiers.pressureThreshold;
  let best: GuardDecision = { tier: 'off', path: null, findings: [], pressured };
  const context = {
    failingIds: pressure.lastFailing?.failingIds ?? [],
    lastFailingOutput: pressure.lastFailing?.output ?? null,
    testLiterals: new Set<string>(),
  };
  for (const edit of edits) {
    const findings = classifyEdit(edit, context).findings.filter((f) => !BENIGN_FLAG_KINDS.has(f.kind));
    if (findings.length === 0) continue;
    const tier = findings.reduce<Tier>((t, f) => {
      const ft = findingTier(f, pressured, tiers);
      return TIER_RANK[ft] > TIER_RANK[t] ? ft : t;
    }, 'off');
    if (TIER_RANK[tier] > TIER_RANK[best.tier] || best.path === null) {
      best = { tier, path: edit.shownPath, findings, pressured };
    }
  }
  return best;
}
