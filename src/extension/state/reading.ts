// Turns per-turn z-scores into the gauge's reading, using the session trend from the emotion
// core: an exponentially weighted mean (one odd turn does not swing the gauge) and a fitted
// slope over the recent turns that must be both significant and steep enough to count. The
// reading is given against both references (neutral dialogue, and the session's own earlier
// turns); the setting picks which one the gauge, the status bar and the flags read.

import { sessionTrend } from '../../emotion/reading';
import type { ReadingReference } from '../../contracts/reading';
import { sessionRelative, SESSION_BASELINE_MIN_TURNS } from '../../emotion/session-baseline';
import type { Reading, TurnPoint } from '../../contracts/sidebar-protocol';

export interface ReadingOptions {
  /** EWMA span in turns (alpha = 2 / (span + 1)). */
  smoothingTurns: number;
  /** Fitted change of desperation per turn (σ) that counts as rising or falling. */
  risingSlope: number;
  reference: ReadingReference;
}

/** t statistic the fitted slope needs before a trend is shown. */
const TREND_T = 2;

interface Series {
  d: number[];
  c: number[];
}

/** Turns with a desperation and a calm reading, oldest first. */
function scoredTurns(turns: readonly TurnPoint[]): { turnId: string; d: number; c: number }[] {
  return turns.flatMap((t) =>
    t.emotions?.desperate && t.emotions.calm
      ? [{ turnId: t.turnId, d: t.emotions.desperate.mean, c: t.emotions.calm.mean }]
      : [],
  );
}

/** Scored turns' desperation and calm means, oldest first, against either reference. */
function series(turns: readonly TurnPoint[]): { neutral: Series; session: Series; scored: number } {
  const scored = scoredTurns(turns);
  const neutral = { d: scored.map((s) => s.d), c: scored.map((s) => s.c) };
  const sd = sessionRelative(neutral.d);
  const sc = sessionRelative(neutral.c);
  const session: Series = { d: [], c: [] };
  sd.forEach((d, i) => {
    if (d !== null && sc[i] !== null) {
      session.d.push(d);
      session.c.push(sc[i]!);
    }
  });
  return { neutral, session, scored: scored.length };
}

/** Desperation per scored turn against the chosen reference, by turn id (for the flags' input). */
export function referencedDesperation(turns: readonly TurnPoint[], reference: ReadingReference): Map<string, number> {
  const scored = scoredTurns(turns);
  const neutral = scored.map((t) => t.d);
  const values = reference === 'session' ? sessionRelative(neutral) : neutral;
  const out = new Map<string, number>();
  scored.forEach((t, i) => {
    const v = values[i];
    if (v !== null && v !== undefined) out.set(t.turnId, v);
  });
  return out;
}

export function computeReading(turns: readonly TurnPoint[], opts: ReadingOptions): Reading | null {
  const { neutral, session, scored } = series(turns);
  if (scored === 0) return null;
  const trendOptions = { alpha: 2 / (Math.max(1, opts.smoothingTurns) + 1), risingT: TREND_T };
  const smoothed = (s: Series) => ({
    desperation: sessionTrend(s.d, trendOptions),
    calm: sessionTrend(s.c, trendOptions),
  });
  const n = smoothed(neutral);
  const s = session.d.length > 0 ? smoothed(session) : null;
  const shown: ReadingReference = opts.reference === 'session' && s ? 'session' : 'neutral';
  const primary = shown === 'session' ? s! : n;
  const raw = shown === 'session' ? session : neutral;
  const significant = primary.desperation.turns >= 3 && Math.abs(primary.desperation.slopeT) >= TREND_T;
  const slope = primary.desperation.slope;
  const trend =
    significant && slope >= opts.risingSlope
      ? 'rising'
      : significant && slope <= -opts.risingSlope
        ? 'falling'
        : 'steady';
  return {
    desperation: primary.desperation.ewma,
    calm: primary.calm.ewma,
    trend,
    rawDesperation: raw.d[raw.d.length - 1]!,
    rawCalm: raw.c[raw.c.length - 1]!,
    reference: opts.reference,
    shown,
    neutral: { desperation: n.desperation.ewma, calm: n.calm.ewma },
    session: s && { desperation: s.desperation.ewma, calm: s.calm.ewma, baselineTurns: scored - 1 },
    sessionPending: Math.max(0, SESSION_BASELINE_MIN_TURNS + 1 - scored),
  };
}
