// Turns per-turn z-scores into the gauge's reading, using the session trend from the emotion
// core: an exponentially weighted mean (one odd turn does not swing the gauge) and a fitted
// slope over the recent turns that must be both significant and steep enough to count.

import { sessionTrend } from '../../emotion/reading';
import type { Reading, TurnPoint } from '../../../webview/protocol';

export interface ReadingOptions {
  /** EWMA span in turns (alpha = 2 / (span + 1)). */
  smoothingTurns: number;
  /** Fitted change of desperation per turn (σ) that counts as rising or falling. */
  risingSlope: number;
}

/** t statistic the fitted slope needs before a trend is shown. */
const TREND_T = 2;

export function computeReading(turns: readonly TurnPoint[], opts: ReadingOptions): Reading | null {
  const scored = turns.flatMap((t) => (t.emotions?.desperate && t.emotions.calm ? [{ d: t.emotions.desperate.mean, c: t.emotions.calm.mean }] : []));
  const last = scored[scored.length - 1];
  if (!last) return null;
  const trendOptions = { alpha: 2 / (Math.max(1, opts.smoothingTurns) + 1), risingT: TREND_T };
  const desperation = sessionTrend(scored.map((s) => s.d), trendOptions);
  const calm = sessionTrend(scored.map((s) => s.c), trendOptions);
  const significant = scored.length >= 3 && Math.abs(desperation.slopeT) >= TREND_T;
  const trend =
    significant && desperation.slope >= opts.risingSlope ? 'rising' : significant && desperation.slope <= -opts.risingSlope ? 'falling' : 'steady';
  return { desperation: desperation.ewma, calm: calm.ewma, trend, rawDesperation: last.d, rawCalm: last.c };
}
