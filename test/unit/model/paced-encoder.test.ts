import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PacedEncoder } from '../../../src/model/paced-encoder';
import type { KvCacheHandle, ResidualEncoder } from '../../../src/model/residual-encoder';

/** A cache that knows whether it was freed. */
class FakeCache implements KvCacheHandle {
  disposed = false;
  readonly bytes = 0;
  constructor(readonly length: number) {}
  dispose(): void {
    assert.equal(this.disposed, false, 'a cache is freed once');
    this.disposed = true;
  }
}

/**
 * An encoder on a fake clock: a pass costs `msPerToken` per token; each token's residual row at
 * layer 3 is [token id, position], so concatenation order and cache positions can be checked.
 */
function fakeEncoder(clock: { t: number }, cost: { msPerToken: number }) {
  const passes: number[] = [];
  const caches: FakeCache[] = [];
  const encoder: ResidualEncoder<FakeCache> = {
    layers: [3],
    async forward(ids, past) {
      assert.ok(!past?.disposed, 'a pass never runs on a freed cache');
      passes.push(ids.length);
      clock.t += ids.length * cost.msPerToken;
      const start = past?.length ?? 0;
      const rows = new Float32Array(ids.length * 2);
      ids.forEach((id, i) => rows.set([id, start + i], i * 2));
      const cache = new FakeCache(start + ids.length);
      caches.push(cache);
      return { activations: new Map([[3, rows]]), past: cache };
    },
  };
  return { encoder, passes, caches };
}

test('long inputs run as passes sized to the time budget, with the same rows as one pass', async () => {
  const clock = { t: 0 };
  const { encoder, passes, caches } = fakeEncoder(clock, { msPerToken: 5 });
  const paced = new PacedEncoder(encoder, {
    budgetMs: 500,
    firstPassTokens: 64,
    minPassTokens: 16,
    now: () => clock.t,
  });
  const ids = Array.from({ length: 1000 }, (_, i) => i + 7);
  const callerCache = new FakeCache(10);
  const out = await paced.forward(ids, callerCache);

  assert.equal(passes[0], 64, 'the first pass, before any cost is known');
  assert.ok(
    passes.slice(1, -1).every((n) => n === 100),
    `500 ms at 5 ms per token is 100 tokens (passes ${passes})`,
  );
  assert.equal(
    passes.reduce((a, b) => a + b, 0),
    1000,
  );
  const rows = out.activations.get(3)!;
  assert.equal(rows.length, 2000);
  for (let i = 0; i < 1000; i++) assert.deepEqual([rows[2 * i], rows[2 * i + 1]], [ids[i], 10 + i], `row ${i}`);
  assert.equal(out.past.length, 1010);
  assert.equal(callerCache.disposed, false, "the caller's cache is the caller's to free");
  assert.deepEqual(
    caches.map((c) => c.disposed),
    [...caches.slice(0, -1).map(() => true), false],
    'caches between passes are freed, the last is returned',
  );
});

test('a slowdown shrinks the next pass at once; a speedup grows it gradually', async () => {
  const clock = { t: 0 };
  const cost = { msPerToken: 2 };
  const { encoder } = fakeEncoder(clock, cost);
  const paced = new PacedEncoder(encoder, {
    budgetMs: 400,
    firstPassTokens: 64,
    minPassTokens: 16,
    now: () => clock.t,
  });
  await paced.forward(Array(64).fill(1));
  assert.equal(paced.passTokens, 200);
  cost.msPerToken = 8;
  (await paced.forward(Array(200).fill(1))).past.dispose();
  assert.equal(paced.passTokens, 50, 'contention shows at once');
  cost.msPerToken = 2;
  (await paced.forward(Array(50).fill(1))).past.dispose();
  assert.equal(paced.passTokens, 80, 'halfway back: 400 / ((8 + 2) / 2)');
});

test('short passes do not skew the estimate, and the pass never drops below the minimum', async () => {
  const clock = { t: 0 };
  const cost = { msPerToken: 1 };
  const { encoder, passes } = fakeEncoder(clock, cost);
  const paced = new PacedEncoder(encoder, {
    budgetMs: 100,
    firstPassTokens: 64,
    minPassTokens: 16,
    now: () => clock.t,
  });
  cost.msPerToken = 1000;
  await paced.forward([1, 2, 3]);
  assert.equal(paced.passTokens, 64, 'a 3-token pass is mostly fixed cost: not measured');
  await paced.forward(Array(64).fill(1));
  assert.equal(paced.passTokens, 16);
  await paced.forward(Array(40).fill(1));
  assert.deepEqual(passes.slice(-3), [16, 16, 8]);
});
