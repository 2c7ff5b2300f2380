// Next-token sampling and the residual-norm yardstick.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { meanRowNorm } from '../../../src/engine/residual-norm';
import { argmax, sampleToken, seededRandom } from '../../../src/engine/sampling';

const logits = Float32Array.from([0.5, 2.0, -1.0, 1.9, 0.0]);

test('temperature 0 and top-1 both pick the highest logit', () => {
  assert.equal(argmax(logits), 1);
  assert.equal(sampleToken(logits, 0, undefined, seededRandom(1)), 1);
  const random = seededRandom(2);
  for (let i = 0; i < 20; i++) assert.equal(sampleToken(logits, 1, 1, random), 1);
});

test('top-k never returns a token outside the k best, and the same seed replays the same draws', () => {
  const draws = (seed: number) => {
    const random = seededRandom(seed);
    return Array.from({ length: 200 }, () => sampleToken(logits, 1, 2, random));
  };
  const first = draws(9);
  assert.ok(first.every((id) => id === 1 || id === 3));
  assert.deepEqual(draws(9), first);
  assert.notDeepEqual(draws(10), first);
});

test('sampling frequencies follow the softmax of logits / temperature', () => {
  const random = seededRandom(3);
  const counts = new Array<number>(logits.length).fill(0);
  const draws = 20000;
  for (let i = 0; i < draws; i++) counts[sampleToken(logits, 0.7, undefined, random)]!++;
  const weights = Array.from(logits, (l) => Math.exp(l / 0.7));
  const total = weights.reduce((a, b) => a + b, 0);
  weights.forEach((w, id) => assert.ok(Math.abs(counts[id]! / draws - w / total) < 0.015, `token ${id}`));
});

test('mean row norm skips leading rows and rejects ragged input', () => {
  const rows = Float32Array.from([30, 40, 3, 4, 0, 2]); // norms 50, 5, 2
  assert.equal(meanRowNorm(rows, 2), 19);
  assert.equal(meanRowNorm(rows, 2, 1), 3.5);
  assert.throws(() => meanRowNorm(rows, 4), /whole rows/);
  assert.throws(() => meanRowNorm(rows, 2, 3), /more than 3 rows/);
});

test('top-p keeps only the smallest set of likeliest tokens whose mass reaches p', () => {
  // Probabilities 0.5, 0.3, 0.2: p = 0.7 keeps the first two, p = 0.4 only the first.
  const probs = Float32Array.from([Math.log(0.5), Math.log(0.3), Math.log(0.2)]);
  const random = seededRandom(5);
  const seen = (p: number) => new Set(Array.from({ length: 400 }, () => sampleToken(probs, 1, undefined, random, p)));
  assert.deepEqual([...seen(0.7)].sort(), [0, 1]);
  assert.deepEqual([...seen(0.4)], [0]);
  assert.deepEqual([...seen(1)].sort(), [0, 1, 2]);
});
