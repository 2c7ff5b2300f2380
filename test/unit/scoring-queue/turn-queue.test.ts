// The scoring queue under a flood (an agent writing 50 turns/s for a minute against a model
// that scores ~18 turns/s), under scorer crashes, and with duplicates: bounded, coalescing,
// draining afterwards, every turn delivered exactly once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TurnQueue, type ScoringUnit } from '../../../src/scoring-queue/turn-queue';
import { FakeClock } from '../../support/fake-clock';

class Crashed extends Error {}

function harness(opts: {
  costMs: (units: readonly ScoringUnit[]) => number;
  crashEvery?: number;
  maxWaitingUnits?: number;
  maxWaitingChars?: number;
}) {
  const clock = new FakeClock();
  const delivered = new Map<string, number>();
  const failed: string[] = [];
  let requests = 0;
  let peakUnits = 0;
  let peakChars = 0;
  const queue = new TurnQueue<number>({
    clock,
    maxWaitingUnits: opts.maxWaitingUnits ?? 64,
    maxWaitingChars: opts.maxWaitingChars ?? 200_000,
    minUnitChars: 500,
    isRetryable: (err) => err instanceof Crashed,
    retryDelayMs: () => 500,
    score: async (_key, units) => {
      requests++;
      await clock.sleep(opts.costMs(units));
      if (opts.crashEvery && requests % opts.crashEvery === 0) throw new Crashed('sidecar killed mid-score');
      return units.map((u) => u.turnIds.length);
    },
    deliver: (unit) => {
      for (const id of unit.turnIds) delivered.set(id, (delivered.get(id) ?? 0) + 1);
    },
    fail: (unit) => failed.push(...unit.turnIds),
  });
  const sample = () => {
    const s = queue.stats();
    peakUnits = Math.max(peakUnits, s.waitingUnits);
    peakChars = Math.max(peakChars, s.waitingChars);
  };
  return { clock, queue, delivered, failed, sample, peaks: () => ({ peakUnits, peakChars }), requests: () => requests };
}

// ~100 ms per request plus 0.05 ms per character: 1000-character turns score at ~18/s in batches of 16.
const MODEL_COST = (units: readonly ScoringUnit[]) => 100 + 0.05 * units.reduce((n, u) => n + u.text.length, 0);

test('50 turns/s for a minute: bounded queue, coalescing, nothing lost or doubled, backlog drains', async () => {
  const h = harness({ costMs: MODEL_COST });
  const sessions = ['claude:a', 'codex:b', 'copilot:c'];
  let pushed = 0;
  let pushMs = 0;
  for (let tick = 0; tick < 60 * 50; tick++) {
    const started = performance.now();
    h.queue.push({ sessionKey: sessions[tick % 3]!, turnId: `t${tick}`, text: `turn ${tick} `.padEnd(1000, 'x') });
    pushMs += performance.now() - started;
    pushed++;
    h.sample();
    await h.clock.advance(20);
  }
  const atStop = h.queue.stats();
  assert.ok(atStop.coalescedTurns > 0, 'the flood was coalesced');
  assert.ok(atStop.waitingTurns > 64, `more turns wait than the unit bound (${atStop.waitingTurns} turns waiting)`);
  let drainMs = 0;
  while (h.queue.stats().waitingUnits > 0 || h.queue.stats().inFlightTurns > 0) {
    await h.clock.advance(1000);
    drainMs += 1000;
    assert.ok(drainMs < 120_000, 'backlog drains within two minutes');
  }
  const { peakUnits, peakChars } = h.peaks();
  assert.ok(peakUnits <= 64, `waiting units bounded (${peakUnits})`);
  assert.ok(peakChars <= 200_000 + 64 * 2, `waiting text bounded (${peakChars})`);
  assert.equal(h.delivered.size, pushed, 'every turn delivered');
  assert.ok(
    [...h.delivered.values()].every((n) => n === 1),
    'no turn delivered twice',
  );
  assert.deepEqual(h.failed, []);
  // The UI thread's cost per arriving turn (mean, so a GC pause on a shared machine does not decide it).
  assert.ok(pushMs / pushed < 1, `push stays cheap (${(pushMs / pushed).toFixed(3)} ms per turn)`);
  console.log(
    `flood: backlog ${atStop.waitingTurns} turns at stop, drained in ${drainMs / 1000} s simulated, ${h.requests()} requests, ${atStop.coalescedTurns} turns coalesced, ${h.queue.stats().trimmedChars} chars trimmed`,
  );
});

test('a scorer that crashes mid-request: the request is retried, every turn delivered once, in order', async () => {
  const h = harness({ costMs: () => 30, crashEvery: 3 });
  const order: string[] = [];
  for (let i = 0; i < 40; i++) {
    h.queue.push({ sessionKey: 's', turnId: `t${i}`, text: `turn ${i}` });
    await h.clock.advance(10);
  }
  while (h.queue.stats().waitingUnits > 0 || h.queue.stats().inFlightTurns > 0) await h.clock.advance(500);
  for (const id of h.delivered.keys()) order.push(id);
  assert.deepEqual(
    order,
    Array.from({ length: 40 }, (_, i) => `t${i}`),
  );
  assert.ok([...h.delivered.values()].every((n) => n === 1));
  assert.ok(h.queue.stats().retries > 0);
});

test('a turn seen again (tailer restart, host reload replay) is refused; sessions are served in turn', async () => {
  const h = harness({ costMs: () => 10 });
  assert.equal(h.queue.push({ sessionKey: 'a', turnId: 'x', text: 'one' }), true);
  assert.equal(h.queue.push({ sessionKey: 'a', turnId: 'x', text: 'one' }), false);
  await h.clock.advance(100);
  assert.equal(h.queue.push({ sessionKey: 'a', turnId: 'x', text: 'one' }), false, 'still refused after it was scored');
  assert.equal(h.queue.push({ sessionKey: 'b', turnId: 'x', text: 'same id, other session' }), true);
  await h.clock.advance(100);
  assert.equal(h.delivered.get('x'), 2);
  assert.equal(h.queue.stats().duplicatesRefused, 2);
});

test('a non-retryable failure is reported for exactly its turns; the queue moves on', async () => {
  const clock = new FakeClock();
  const failed: string[] = [];
  const delivered: string[] = [];
  const queue = new TurnQueue<number>({
    clock,
    isRetryable: () => false,
    score: async (_k, units) => {
      await clock.sleep(5);
      if (units.some((u) => u.text.includes('bad'))) throw new Error('invalid-params');
      return units.map(() => 1);
    },
    deliver: (u) => delivered.push(...u.turnIds),
    fail: (u) => failed.push(...u.turnIds),
  });
  queue.push({ sessionKey: 'a', turnId: '1', text: 'fine' });
  queue.push({ sessionKey: 'a', turnId: '2', text: 'bad' });
  await clock.advance(50);
  queue.push({ sessionKey: 'a', turnId: '3', text: 'fine again' });
  await clock.advance(50);
  assert.deepEqual(delivered, ['1', '3']);
  assert.deepEqual(failed, ['2']);
});

test('coalesced units and requests stay within the character caps that fit the model context', async () => {
  const clock = new FakeClock();
  const requestChars: number[] = [];
  const unitChars: number[] = [];
  const delivered: string[] = [];
  const queue = new TurnQueue<number>({
    clock,
    maxWaitingUnits: 4,
    maxUnitChars: 300,
    maxRequestChars: 500,
    isRetryable: () => false,
    score: async (_k, units) => {
      requestChars.push(units.reduce((n, u) => n + u.text.length, 0));
      unitChars.push(...units.map((u) => u.text.length));
      await clock.sleep(1000);
      return units.map(() => 1);
    },
    deliver: (u) => delivered.push(...u.turnIds),
    fail: () => assert.fail('nothing fails here'),
  });
  for (let i = 0; i < 40; i++) queue.push({ sessionKey: 's', turnId: `t${i}`, text: `${i}`.padEnd(120, '.') });
  while (delivered.length < 40) await clock.advance(1000);
  assert.ok(
    unitChars.every((n) => n <= 300),
    `units ${unitChars.join(',')}`,
  );
  assert.ok(
    requestChars.every((n) => n <= 500),
    `requests ${requestChars.join(',')}`,
  );
  assert.equal(new Set(delivered).size, 40);
});

test('context travels with its turn, counts toward the bounds, and is cut before the turn under pressure', async () => {
  const clock = new FakeClock();
  const sent: ScoringUnit[] = [];
  let gate: (() => void) | undefined;
  const queue = new TurnQueue<number>({
    clock,
    maxWaitingChars: 1_000,
    minUnitChars: 50,
    isRetryable: () => false,
    score: async (_k, units) => {
      sent.push(...units.map((u) => ({ ...u, context: [...u.context] })));
      await new Promise<void>((r) => (gate = r));
      return units.map(() => 1);
    },
    deliver: () => {},
    fail: () => assert.fail('nothing fails here'),
  });
  queue.push({ sessionKey: 's', turnId: 'busy', text: 'keeps the worker busy' });
  await clock.advance(1);
  queue.push({
    sessionKey: 's',
    turnId: 't1',
    text: 'a'.repeat(300),
    context: [
      { role: 'user', content: 'u'.repeat(400) },
      { role: 'tool', content: 'o'.repeat(200) },
    ],
  });
  assert.equal(queue.stats().waitingChars, 900, 'context counts');
  queue.push({ sessionKey: 's', turnId: 't2', text: 'b'.repeat(300) });
  // 1,200 waiting > 1,000: the oldest 200 characters go, from t1's oldest context message.
  assert.equal(queue.stats().waitingChars, 1_000);
  gate!();
  await clock.advance(1);
  gate!();
  await clock.advance(1);
  const t1 = sent.find((u) => u.turnIds.includes('t1'))!;
  assert.equal(t1.text, 'a'.repeat(300), 'the turn itself is whole');
  assert.deepEqual(
    t1.context.map((m) => [m.role, m.content.length]),
    [
      ['user', 200],
      ['tool', 200],
    ],
  );
  assert.equal(t1.trimmedChars, 200);
});

test('a request size given as a function is asked before each request; retryNow ends a backoff at once', async () => {
  const clock = new FakeClock();
  const requests: string[][] = [];
  let limit = 10;
  let ready = false;
  const queue = new TurnQueue<number>({
    clock,
    maxRequestChars: () => limit,
    retryDelayMs: () => 60_000,
    isRetryable: () => true,
    score: async (_k, units) => {
      if (!ready) throw new Error('model not ready');
      requests.push(units.flatMap((u) => u.turnIds));
      return units.map(() => 1);
    },
    deliver: () => {},
    fail: () => assert.fail('nothing fails here'),
  });
  for (let i = 0; i < 4; i++) queue.push({ sessionKey: 's', turnId: `t${i}`, text: 'xxxx' });
  await clock.advance(1_000);
  assert.deepEqual(requests, [], 'waiting for the model, backing off for a minute');
  ready = true;
  limit = 8; // the model's context is now known
  queue.retryNow();
  await clock.advance(1);
  assert.deepEqual(requests, [
    ['t0', 't1'],
    ['t2', 't3'],
  ]);
});
