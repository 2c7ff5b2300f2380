// The retry schedule: exponential backoff with jitter, bounded; the hub's Retry-After honoured
// up to a cap; only failures marked as passing are tried again, and never after cancellation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  backoffDelay,
  parseRetryAfter,
  TransientHubFailure,
  withRetry,
  type RetryPolicy,
} from '../../../src/model-store/hub-retry';
import { ModelStoreError } from '../../../src/model-store/model-store-error';

const policy: RetryPolicy = { attempts: 4, baseDelayMs: 1000, maxDelayMs: 3000, maxRetryAfterMs: 10_000 };

test('the wait doubles per attempt up to the maximum, between half and all of it by the jitter', () => {
  const at = (attempt: number, r: number) => backoffDelay(policy, attempt, undefined, () => r);
  assert.deepEqual(
    [2, 3, 4, 5].map((a) => at(a, 0)),
    [500, 1000, 1500, 1500],
  );
  assert.deepEqual(
    [2, 3, 4, 5].map((a) => at(a, 0.999999)),
    [1000, 2000, 3000, 3000],
  );
});

test('Retry-After: seconds or a date, honoured when longer than the backoff, never past the cap', () => {
  const now = Date.parse('2026-12-03T12:00:00Z');
  assert.equal(parseRetryAfter('7', now), 7000);
  assert.equal(parseRetryAfter('Thu, 03 Dec 2026 12:00:30 GMT', now), 30_000);
  assert.equal(parseRetryAfter('soon', now), undefined);
  assert.equal(parseRetryAfter(null, now), undefined);
  assert.equal(
    backoffDelay(policy, 2, 7000, () => 0),
    7000,
  );
  assert.equal(
    backoffDelay(policy, 2, 0, () => 0),
    500,
  );
  assert.equal(
    backoffDelay(policy, 2, 3_600_000, () => 0),
    10_000,
  );
});

const tiny: RetryPolicy = { attempts: 3, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1 };
const passing = (message: string) => new TransientHubFailure(new ModelStoreError('download-failed', message));

test('passing failures are retried until the attempts run out; the error then counts them', async () => {
  let calls = 0;
  const notices: string[] = [];
  const run = withRetry(
    tiny,
    undefined,
    (n) => notices.push(`${n.attempt}/${n.attempts}: ${n.reason}`),
    async (n) => {
      calls++;
      throw passing(`busy ${n}`);
    },
  );
  await assert.rejects(
    run,
    (err: ModelStoreError) => err.kind === 'download-failed' && err.message === 'busy 3 (failed after 3 attempts)',
  );
  assert.equal(calls, 3);
  assert.deepEqual(notices, ['2/3: busy 1', '3/3: busy 2']);
});

test('a failure that does not pass ends at once, with the count when it came after retries', async () => {
  let calls = 0;
  const refused = withRetry(
    tiny,
    undefined,
    () => {},
    async () => {
      calls++;
      throw new ModelStoreError('model-not-found', 'no such file');
    },
  );
  await assert.rejects(refused, { message: 'no such file' });
  assert.equal(calls, 1);
  const later = withRetry(
    tiny,
    undefined,
    () => {},
    async (n) => {
      if (n === 1) throw passing('busy');
      throw new ModelStoreError('model-not-found', 'no such file');
    },
  );
  await assert.rejects(later, { message: 'no such file (failed after 2 attempts)' });
});

test('a cancelled signal stops the retries', async () => {
  const controller = new AbortController();
  let calls = 0;
  const run = withRetry(
    { ...tiny, baseDelayMs: 60_000, maxDelayMs: 60_000 },
    controller.signal,
    () => controller.abort(),
    async () => {
      calls++;
      throw passing('busy');
    },
  );
  await assert.rejects(run, { name: 'AbortError' });
  assert.equal(calls, 1);
});
