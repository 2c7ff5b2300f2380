// Progress, cancellation and parameter checking shared by every experiment.

import type { ExperimentProgress } from '../contracts/experiments';

export interface ExperimentContext {
  signal?: AbortSignal;
  onProgress?: (p: ExperimentProgress) => void;
}

export class ExperimentCancelledError extends Error {
  constructor() {
    super('experiment cancelled');
    this.name = 'ExperimentCancelledError';
  }
}

/** Bad parameters: the message says which one and what it takes. */
export class ExperimentParamError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExperimentParamError';
  }
}

export function throwIfCancelled(ctx: ExperimentContext): void {
  if (ctx.signal?.aborted) throw new ExperimentCancelledError();
}

/** Waits `ms`, ending early (with ExperimentCancelledError) when the experiment is cancelled. */
export function pause(ms: number, ctx: ExperimentContext): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new ExperimentCancelledError());
    };
    const timer = setTimeout(() => {
      ctx.signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    ctx.signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Every experiment states what its numbers are and are not. */
export const READER_CAVEAT =
  'These readings come from a small local model reading the text: they describe the emotion concepts that model represents at these tokens, not what the agent (or any model) feels. Small models give noisy, coarse readings.';

type Params = Record<string, unknown>;

export function asParams(value: unknown): Params {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw new ExperimentParamError('parameters must be a JSON object');
  return value as Params;
}

export function numberParam(
  p: Params,
  key: string,
  fallback: number,
  check: { min?: number; max?: number; integer?: boolean } = {},
): number {
  const v = p[key] ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ExperimentParamError(`'${key}' must be a number`);
  if (check.integer && !Number.isInteger(v)) throw new ExperimentParamError(`'${key}' must be a whole number`);
  if (check.min !== undefined && v < check.min)
    throw new ExperimentParamError(`'${key}' must be at least ${check.min}`);
  if (check.max !== undefined && v > check.max) throw new ExperimentParamError(`'${key}' must be at most ${check.max}`);
  return v;
}

export function stringParam(p: Params, key: string, fallback?: string): string {
  const v = p[key] ?? fallback;
  if (typeof v !== 'string' || v.length === 0) throw new ExperimentParamError(`'${key}' must be a non-empty string`);
  return v;
}

export function stringListParam(p: Params, key: string, fallback: readonly string[]): string[] {
  const v = p[key] ?? fallback;
  if (!Array.isArray(v) || v.length === 0 || !v.every((s) => typeof s === 'string' && s.length > 0))
    throw new ExperimentParamError(`'${key}' must be a non-empty list of strings`);
  return [...(v as string[])];
}

export function numberListParam(
  p: Params,
  key: string,
  fallback: readonly number[],
  check: { min?: number; max?: number } = {},
): number[] {
  const v = p[key] ?? fallback;
  if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === 'number' && Number.isFinite(x)))
    throw new ExperimentParamError(`'${key}' must be a non-empty list of numbers`);
  for (const x of v as number[]) {
    if ((check.min !== undefined && x < check.min) || (check.max !== undefined && x > check.max))
      throw new ExperimentParamError(`'${key}' values must lie in ${check.min}…${check.max}`);
  }
  return [...(v as number[])];
}

export function emotionParam(p: Params, key: string, fallback: string, emotions: readonly string[]): string {
  const v = stringParam(p, key, fallback);
  if (!emotions.includes(v))
    throw new ExperimentParamError(`'${key}': the vectors have no emotion '${v}' (have ${emotions.join(', ')})`);
  return v;
}
