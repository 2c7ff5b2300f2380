// One rule from a session's state to the words, colour and icon every surface shows: the status
// bar, the flag notification and the flag card all read it, so they never disagree (no "calm"
// on a red background, no warning toast beside a critical card). Pure, no Node or DOM APIs.
import type { Severity } from './flags';

/** How loud a signal is: the status bar's background, the notification's kind, the card's colour. */
export type SignalLevel = 'ok' | 'warning' | 'error';

/** Codicon names (the status bar writes them as `$(name)`). */
export const LEVEL_ICON: Record<SignalLevel, string> = { ok: 'pulse', warning: 'warning', error: 'error' };

/** Each flag severity's word, level and icon, the same in every surface. */
export const SEVERITY_LOOK: Record<Severity, { word: string; level: SignalLevel; icon: string }> = {
  info: { word: 'info', level: 'ok', icon: 'info' },
  warning: { word: 'warning', level: 'warning', icon: LEVEL_ICON.warning },
  critical: { word: 'critical', level: 'error', icon: LEVEL_ICON.error },
};

const LEVEL_RANK: Record<SignalLevel, number> = { ok: 0, warning: 1, error: 2 };

export interface SignalInput {
  hasSession: boolean;
  /** Severities of the followed session's open flags. */
  openFlags: readonly Severity[];
  /** Severities of the guard's open decisions in the followed session (TIER_SEVERITY). */
  openGuardDecisions: readonly Severity[];
  /** Behavioural pressure points now. */
  pressure: number;
  /** Whether the latest test run failed (the failing streak, and so the pressure, is growing). */
  lastRunFailed: boolean;
  /** The smoothed desperation reading, only when the reader is validated on agent text. */
  reading: { desperation: number; trend: 'rising' | 'falling' | 'steady' } | null;
  /** Whether a validated reader is loaded (then an unscored session waits for its first score). */
  readerValid: boolean;
  pressureWarning: number;
  desperationWarning: number;
}

export interface SessionSignal {
  level: SignalLevel;
  icon: string;
  /** Plain words, flags first: "1 flag · 1 guard decision · pressure 3 rising". */
  words: string;
}

export function sessionSignal(s: SignalInput): SessionSignal {
  if (!s.hasSession) return { level: 'ok', icon: LEVEL_ICON.ok, words: 'no agent' };
  const desperate =
    s.reading !== null && (s.reading.desperation >= s.desperationWarning || s.reading.trend === 'rising');
  let level: SignalLevel = 'ok';
  const raise = (to: SignalLevel) => {
    if (LEVEL_RANK[to] > LEVEL_RANK[level]) level = to;
  };
  for (const severity of [...s.openFlags, ...s.openGuardDecisions]) raise(SEVERITY_LOOK[severity].level);
  if (s.pressure >= s.pressureWarning) raise('warning');
  if (desperate && s.lastRunFailed) raise('warning');

  const parts: string[] = [];
  if (s.openFlags.length > 0) parts.push(`${s.openFlags.length} flag${s.openFlags.length > 1 ? 's' : ''}`);
  if (s.openGuardDecisions.length > 0)
    parts.push(`${s.openGuardDecisions.length} guard decision${s.openGuardDecisions.length > 1 ? 's' : ''}`);
  if (desperate)
    parts.push(
      `desperation ${s.reading!.desperation.toFixed(1)}σ ${s.reading!.trend === 'rising' ? 'rising' : 'high'}`,
    );
  else if (s.pressure > 0) parts.push(pressureWords(s.pressure, s.lastRunFailed));
  // "calm" only where the reading says so and nothing else is raised.
  else if (s.reading !== null && level === 'ok') parts.push('calm');
  else if (parts.length === 0) parts.push(s.readerValid && s.reading === null ? 'unscored' : 'no pressure');
  return { level, icon: LEVEL_ICON[level], words: parts.join(' · ') };
}

/** Pressure with its direction: a failing run adds to it ("pressure 3 rising"), a green one ends it. */
export function pressureWords(points: number, lastRunFailed: boolean): string {
  return `pressure ${points}${points > 0 && lastRunFailed ? ' rising' : ''}`;
}

/**
 * A run of values in plain words: "steady", "rising for 3 turns", "falling for 2 turns". A step
 * counts when it moves by more than `epsilon`, so rounding noise reads as steady.
 */
export function runWords(values: readonly number[], unit: string, epsilon = 0.05): string {
  let direction = 0;
  let steps = 0;
  for (let i = values.length - 1; i > 0; i--) {
    const delta = values[i]! - values[i - 1]!;
    const sign = Math.abs(delta) <= epsilon ? 0 : Math.sign(delta);
    if (sign === 0 || (direction !== 0 && sign !== direction)) break;
    direction = sign;
    steps++;
  }
  if (steps === 0) return 'steady';
  return `${direction > 0 ? 'rising' : 'falling'} for ${steps} ${unit}${steps === 1 ? '' : 's'}`;
}

/**
 * A smoothed trend in plain words: "steady", or "rising for 3 turns" when the turn-by-turn values
 * agree with it (just "rising" when they do not).
 */
export function trendWords(trend: 'rising' | 'falling' | 'steady', turnValues: readonly number[]): string {
  if (trend === 'steady') return 'steady';
  const words = runWords(turnValues, 'turn');
  return words.startsWith(trend) ? words : trend;
}

/** What σ means, for every hover and help text that shows one. */
export const SIGMA_MEANS =
  'σ (sigma): how far a turn reads from the reference text, in standard deviations of that text. 0σ reads like the reference; +2σ is more desperate (or calm) than almost all of it.';
