// The guard's tiers, from silent to strict: the hook, the editor and the sidebar speak these names.

import type { Severity } from './flags';

export const TIERS = ['off', 'log', 'warn', 'ask', 'block'] as const;
export type Tier = (typeof TIERS)[number];

export const TIER_RANK: Record<Tier, number> = { off: 0, log: 1, warn: 2, ask: 3, block: 4 };

/** How loud a guard decision is in the editor, on the flags' scale: a held-back edit is as serious as a critical flag. */
export const TIER_SEVERITY: Record<Tier, Severity> = {
  off: 'info',
  log: 'info',
  warn: 'warning',
  ask: 'warning',
  block: 'critical',
};
