// Tries a hub request again when the failure is one that passes (a dropped connection, a stalled
// body, a busy or restarting hub: 429, 502, 503, 504), after a bounded exponential backoff with
// jitter so that many clients do not come back at once. Anything else — a refusal, a missing
// file, a full disk, the user cancelling — ends the request at once.
import { setTimeout as sleep } from 'node:timers/promises';
import type { RetryNotice } from '../contracts/download-retry';
import { ModelStoreError } from './model-store-error';

export interface RetryPolicy {
  /** Requests in all, the first included. */
  attempts: number;
  /** Wait before the second attempt; each later one waits twice as long, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** The most a hub's Retry-After is honoured for. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 3,
  baseDelayMs: 2000,
  maxDelayMs: 15_000,
  maxRetryAfterMs: 60_000,
};

/** A failed attempt worth another try; `retryAfterMs` is the hub's own Retry-After, if it gave one. */
export class TransientHubFailure extends Error {
  constructor(
    readonly error: ModelStoreError,
    readonly retryAfterMs?: number,
  ) {
    super(error.message);
    this.name = 'TransientHubFailure';
  }
}

/** Retry-After as seconds or an HTTP date, in ms from `now`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The wait before `attempt` (2, 3, …): half fixed, half random, so clients spread out. */
export function backoffDelay(
  policy: RetryPolicy,
  attempt: number,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 2));
  const backoff = Math.round(ceiling / 2 + (random() * ceiling) / 2);
  return retryAfterMs === undefined ? backoff : Math.min(policy.maxRetryAfterMs, Math.max(retryAfterMs, backoff));
}

function withAttempts(error: ModelStoreError, attempts: number): ModelStoreError {
  if (attempts === 1 || error.kind === 'cancelled') return error;
  return new ModelStoreError(error.kind, `${error.message} (failed after ${attempts} attempts)`, error.facts);
}

/**
 * Runs `attempt` (given its number, from 1) until it succeeds, fails for good, or the policy's
 * attempts are used up. A cancellation while waiting rejects with the signal's AbortError.
 */
export async function withRetry<T>(
  policy: RetryPolicy,
  signal: AbortSignal | undefined,
  onRetry: (notice: RetryNotice) => void,
  attempt: (n: number) => Promise<T>,
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      if (err instanceof ModelStoreError) throw withAttempts(err, n);
      if (!(err instanceof TransientHubFailure)) throw err;
      if (n >= policy.attempts || signal?.aborted) throw withAttempts(err.error, n);
      const delayMs = backoffDelay(policy, n + 1, err.retryAfterMs);
      onRetry({ attempt: n + 1, attempts: policy.attempts, delayMs, reason: err.message });
      await sleep(delayMs, undefined, { signal });
    }
  }
}
