// Readings relative to the session: the same turn read against the session's own earlier turns,
// beside the fixed reference (neutral dialogue). No imports, so the webview can share the types.
import type { ReadingReference } from '../contracts/reading';

/** The default of `agentVitals.reading.reference` (declared with the same default in package.json). */
export const DEFAULT_READING_REFERENCE: ReadingReference = 'neutral';

/** Earlier scored turns a session baseline needs before it applies. */
export const SESSION_BASELINE_MIN_TURNS = 5;

/**
 * Least spread (in neutral σ) the session baseline divides by: agent turns can read almost alike
 * for a while, and a near-zero spread would turn a small change into a huge one.
 */
export const SESSION_SPREAD_FLOOR = 0.25;

/**
 * Each turn's value against the mean and spread of the session's earlier turns; null until
 * `minTurns` earlier turns exist.
 */
export function sessionRelative(
  turnMeans: readonly number[],
  minTurns = SESSION_BASELINE_MIN_TURNS,
): (number | null)[] {
  let n = 0;
  let mu = 0;
  let m2 = 0;
  return turnMeans.map((x) => {
    const std = n > 1 ? Math.sqrt(m2 / (n - 1)) : 0;
    const out = n >= minTurns ? (x - mu) / Math.max(std, SESSION_SPREAD_FLOOR) : null;
    // Welford's update, after reading: the baseline holds earlier turns only.
    n++;
    const delta = x - mu;
    mu += delta / n;
    m2 += delta * (x - mu);
    return out;
  });
}
