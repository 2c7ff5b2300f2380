// Turns per-turn z-scores into the gauge's reading: an exponentially weighted moving average
// (so one odd turn does not swing the gauge) and a trend from the last two smoothed values.

import type { Reading, TurnPoint } from '../../../webview/protocol';

export interface ReadingOptions {
  /** EWMA span in turns (alpha = 2 / (span + 1)). */
  smoothingTurns: number;
  /** Change of smoothed desperation per turn that counts as rising or falling. */
  risingSlope: number;
}

export function computeReading(turns: readonly TurnPoint[], opts: ReadingOptions): Reading | null {
  const scored = turns.filter((t) => t.emotions?.desperate && t.emotions?.calm);
  if (scored.length === 0) return null;
  const alpha = 2 / (Math.max(1, opts.smoothingTurns) + 1);
  let desperation = 0;
  let calm = 0;
  let previous = 0;
  scored.forEach((t, i) => {
    const d = t.emotions!.desperate!.mean;
    const c = t.emotions!.calm!.mean;
    previous = desperation;
    desperation = i === 0 ? d : alpha * d + (1 - alpha) * desperation;
    calm = i === 0 ? c : alpha * c + (1 - alpha) * calm;
  });
  const slope = scored.length > 1 ? desperation - previous : 0;
  const trend = slope >= opts.risingSlope ? 'rising' : slope <= -opts.risingSlope ? 'falling' : 'steady';
  const last = scored[scored.length - 1]!.emotions!;
  return { desperation, calm, trend, rawDesperation: last.desperate!.mean, rawCalm: last.calm!.mean };
}
