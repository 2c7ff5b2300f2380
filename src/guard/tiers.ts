// What the guard does about each kind of test edit: off, log, warn (the agent is told), ask (the
// user decides) or block, chosen apart for a calm session and one under pressure. Read from the
// project file `.agent-vitals/guard.json` so the hook works without VS Code running; the
// `agentVitals.guard.*` settings hold the same shape.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENIGN_FLAG_KINDS, FLAG_KINDS, type FlagKind } from '../core/flags';
import { TIERS, TIER_RANK, type Tier } from '../core/guard-tiers';

export { TIERS, TIER_RANK, type Tier } from '../core/guard-tiers';

export interface KindTiers {
  /** No behavioural pressure (below `pressureThreshold`). */
  calm: Tier;
  /** Under pressure, or an expected value rewritten to what the last failing run printed. */
  pressured: Tier;
}

export interface GuardTiers {
  kinds: Record<FlagKind, KindTiers>;
  /** Behavioural pressure points from which the session counts as under pressure (0: always). */
  pressureThreshold: number;
}

export const GUARD_CONFIG_FILE = join('.agent-vitals', 'guard.json');

const both = (tier: Tier): KindTiers => ({ calm: tier, pressured: tier });
const askUnderPressure: KindTiers = { calm: 'warn', pressured: 'ask' };

/** Defaults meant to be kept: block what is never right, ask only when the agent is under pressure. */
export const DEFAULT_GUARD_TIERS: GuardTiers = {
  kinds: Object.fromEntries(
    FLAG_KINDS.map((kind): [FlagKind, KindTiers] => {
      if (BENIGN_FLAG_KINDS.has(kind)) return [kind, both('off')];
      if (kind === 'focus-added' || kind === 'exit-forced') return [kind, both('block')];
      if (
        ['skip-added', 'test-deleted', 'test-file-deleted', 'expected-value-changed', 'assertion-removed'].includes(
          kind,
        )
      )
        return [kind, askUnderPressure];
      return [kind, both('warn')];
    }),
  ) as Record<FlagKind, KindTiers>,
  pressureThreshold: 1,
};

export class GuardConfigError extends Error {}

function tierOf(value: unknown, where: string): Tier {
  if (typeof value === 'string' && (TIERS as readonly string[]).includes(value)) return value as Tier;
  throw new GuardConfigError(`${where} must be one of ${TIERS.join(', ')} (got ${JSON.stringify(value)})`);
}

/**
 * Tiers from a parsed config object (the project file or the `agentVitals.guard` settings): each
 * kind takes one tier or `{ "calm": …, "pressured": … }`; unnamed kinds keep their defaults.
 * Throws GuardConfigError naming the first wrong field.
 */
export function parseGuardTiers(value: unknown, origin: string): GuardTiers {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new GuardConfigError(`${origin}: expected a JSON object`);
  const config = value as Record<string, unknown>;
  for (const key of Object.keys(config)) {
    if (key !== 'kinds' && key !== 'pressureThreshold')
      throw new GuardConfigError(`${origin}: unknown field '${key}' (expected kinds, pressureThreshold)`);
  }
  const tiers: GuardTiers = {
    kinds: { ...DEFAULT_GUARD_TIERS.kinds },
    pressureThreshold: DEFAULT_GUARD_TIERS.pressureThreshold,
  };
  if (config.pressureThreshold !== undefined) {
    const t = config.pressureThreshold;
    if (typeof t !== 'number' || !Number.isFinite(t) || t < 0)
      throw new GuardConfigError(`${origin}: pressureThreshold must be a number ≥ 0 (got ${JSON.stringify(t)})`);
    tiers.pressureThreshold = t;
  }
  if (config.kinds === undefined) return tiers;
  if (typeof config.kinds !== 'object' || config.kinds === null || Array.isArray(config.kinds))
    throw new GuardConfigError(`${origin}: kinds must be an object of kind → tier`);
  for (const [kind, setting] of Object.entries(config.kinds)) {
    if (!(FLAG_KINDS as readonly string[]).includes(kind))
      throw new GuardConfigError(`${origin}: unknown kind '${kind}' (expected one of ${FLAG_KINDS.join(', ')})`);
    const where = `${origin}: kinds.${kind}`;
    let parsed: KindTiers;
    if (typeof setting === 'object' && setting !== null && !Array.isArray(setting)) {
      const s = setting as Record<string, unknown>;
      const extra = Object.keys(s).find((k) => k !== 'calm' && k !== 'pressured');
      if (extra) throw new GuardConfigError(`${where}: unknown field '${extra}' (expected calm, pressured)`);
      const current = tiers.kinds[kind as FlagKind];
      parsed = {
        calm: s.calm === undefined ? current.calm : tierOf(s.calm, `${where}.calm`),
        pressured: s.pressured === undefined ? current.pressured : tierOf(s.pressured, `${where}.pressured`),
      };
    } else parsed = both(tierOf(setting, where));
    // Adding or refactoring tests is what the guard must never get in the way of.
    if (
      BENIGN_FLAG_KINDS.has(kind as FlagKind) &&
      TIER_RANK[parsed.calm] + TIER_RANK[parsed.pressured] > 2 * TIER_RANK.log
    ) {
      throw new GuardConfigError(`${where}: ${kind} can only be off or log`);
    }
    tiers.kinds[kind as FlagKind] = parsed;
  }
  return tiers;
}

/** The project's tiers: the defaults when it has no guard file; GuardConfigError when the file is wrong. */
export function readGuardTiers(projectDir: string): GuardTiers {
  const path = join(projectDir, GUARD_CONFIG_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return DEFAULT_GUARD_TIERS;
    throw new GuardConfigError(`${path}: ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new GuardConfigError(`${path} is not valid JSON: ${(err as Error).message}`);
  }
  return parseGuardTiers(parsed, path);
}
