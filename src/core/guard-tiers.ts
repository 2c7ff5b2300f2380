// The guard's tiers, from silent to strict: the hook, the editor and the sidebar speak these names.

export const TIERS = ['off', 'log', 'warn', 'ask', 'block'] as const;
export type Tier = (typeof TIERS)[number];

export const TIER_RANK: Record<Tier, number> = { off: 0, log: 1, warn: 2, ask: 3, block: 4 };
