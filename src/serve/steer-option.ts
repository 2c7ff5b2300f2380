// `--steer calm:+0.1` and a request's `steer`: an emotion vector added to the residual stream at
// the vectors' layer while the model writes, at strength α, a fraction of the mean residual norm
// there (the research's convention, the same as the Steering experiment's).
import { ALPHA_LIMIT } from '../contracts/steering';

export interface SteerChoice {
  emotion: string;
  alpha: number;
}

/** What steering a reply ran with: recorded on every turn it affected. */
export interface AppliedSteering extends SteerChoice {
  layer: number;
  /** α × the mean residual norm at `layer`: the length of the vector added at every token. */
  scale: number;
}

export class SteerSpecError extends Error {}

/** `emotion:±α` (e.g. `calm:+0.1`), or `off` for none. */
export function parseSteer(text: string): SteerChoice | null {
  if (text.trim() === 'off') return null;
  const match = /^\s*([a-z_-]+)\s*:\s*([+-]?\d*\.?\d+)\s*$/i.exec(text);
  if (!match) throw new SteerSpecError(`steer takes emotion:±α (e.g. calm:+0.1) or off, not '${text}'`);
  const alpha = Number(match[2]);
  if (Math.abs(alpha) > ALPHA_LIMIT)
    throw new SteerSpecError(
      `steering strength ${alpha} is outside ±${ALPHA_LIMIT} (a fraction of the mean residual norm; larger values turn text into nonsense)`,
    );
  return { emotion: match[1]!.toLowerCase(), alpha };
}
