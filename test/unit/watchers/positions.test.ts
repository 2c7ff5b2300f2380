import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TailPositions, type TailPosition } from '../../../src/watchers/positions';

test('live positions win over saved ones; a released file keeps where it got to; a forgotten one starts over', () => {
  const positions = new TailPositions({ '/a.jsonl': { seq: 3, offset: 300, ino: 7 }, '/b.jsonl': { seq: 1 } });
  let live: TailPosition | undefined;
  positions.follow('/a.jsonl', () => live);
  assert.deepEqual(
    positions.get('/a.jsonl'),
    { seq: 3, offset: 300, ino: 7 },
    'nothing delivered yet: the saved position holds',
  );
  live = { seq: 5, offset: 520, ino: 7 };
  assert.deepEqual(positions.toJSON(), { '/a.jsonl': live, '/b.jsonl': { seq: 1 } });
  positions.release('/a.jsonl');
  live = { seq: 99 };
  assert.deepEqual(positions.get('/a.jsonl'), { seq: 5, offset: 520, ino: 7 }, 'released: no longer asks the follower');
  positions.forget('/b.jsonl');
  assert.equal(positions.get('/b.jsonl'), undefined);
  assert.deepEqual(Object.keys(positions.toJSON()), ['/a.jsonl']);
});

test('saved positions are checked; the least recently followed files are forgotten past the cap', () => {
  const positions = new TailPositions({
    '/bad': { seq: 1.5 } as TailPosition,
    '/neg': { seq: 2, offset: -1 },
    '/ok': { seq: 0 },
  });
  assert.deepEqual(positions.toJSON(), { '/ok': { seq: 0 } });
  for (let i = 0; i < 2_100; i++) {
    positions.follow(`/f${i}`, () => ({ seq: i }));
    positions.release(`/f${i}`);
  }
  const kept = Object.keys(positions.toJSON());
  assert.equal(kept.length, 2_000);
  assert.ok(kept.includes('/f2099') && !kept.includes('/f0'));
});
