import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NaiveBayes, words } from '../../../src/emotion/lexical-baseline';
import { auroc, aurocWithInterval, bootstrapInterval } from '../../../src/stats/stats';

test('bootstrap: groups are resampled separately, with replacement, reproducibly', () => {
  const sizes = new Set<string>();
  bootstrapInterval(
    [
      [1, 2, 3],
      [4, 5],
    ],
    (g) => {
      sizes.add(g.map((x) => x.length).join());
      assert.ok(g[0].every((x) => x <= 3) && g[1].every((x) => x >= 4), 'no item crosses its group');
      return 0;
    },
    { resamples: 200 },
  );
  assert.deepEqual([...sizes], ['3,2']);
  const a = bootstrapInterval([[0.1, 0.5, 0.9, 0.3]], (g) => g[0].reduce((s, x) => s + x, 0), { seed: 7 });
  const b = bootstrapInterval([[0.1, 0.5, 0.9, 0.3]], (g) => g[0].reduce((s, x) => s + x, 0), { seed: 7 });
  assert.deepEqual(a, b);
});

test('bootstrap AUROC interval against the hand-computed resampling distribution', () => {
  // One positive (1) against negatives {0, 2}: a resample of the negatives is {0,0} (AUROC 1),
  // {0,2} in either order (0.5) or {2,2} (0), with probabilities 1/4, 1/2, 1/4.
  const { value, ci } = aurocWithInterval([1], [0, 2], { resamples: 4000 });
  assert.equal(value, 0.5);
  assert.deepEqual(ci, [0, 1]);
  let ones = 0;
  let halves = 0;
  bootstrapInterval(
    [[1], [0, 2]],
    ([p, n]) => {
      const x = auroc(p, n);
      if (x === 1) ones++;
      if (x === 0.5) halves++;
      return x;
    },
    { resamples: 4000 },
  );
  assert.ok(Math.abs(ones / 4000 - 0.25) < 0.03, `P(AUROC 1) ${ones / 4000}`);
  assert.ok(Math.abs(halves / 4000 - 0.5) < 0.03, `P(AUROC 0.5) ${halves / 4000}`);
  // The central 40% lies inside the middle outcome.
  assert.deepEqual(
    bootstrapInterval([[1], [0, 2]], ([p, n]) => auroc(p, n), { resamples: 4000, level: 0.4 }),
    [0.5, 0.5],
  );
  // Perfect separation stays perfect under resampling; undefined statistics give no interval.
  assert.deepEqual(aurocWithInterval([3, 4], [1, 2]).ci, [1, 1]);
  assert.equal(aurocWithInterval([], [1]).ci, null);
});

test('lexical baseline: add-one naive Bayes against hand-computed probabilities', () => {
  assert.deepEqual(words("Don't STOP now, 2 more!"), ["don't", 'stop', 'now', '2', 'more']);
  const nb = NaiveBayes.train(
    [
      { text: 'panic panic deadline', label: 'desperate' },
      { text: 'quiet tea', label: 'calm' },
    ],
    ['desperate', 'calm'],
  );
  // Vocabulary {panic, deadline, quiet, tea} (4). P(panic | desperate) = (2+1)/(3+4); P(panic | calm) = 1/(2+4).
  assert.ok(Math.abs(nb.logOdds('panic', 'desperate', 'calm') - (Math.log(3 / 7) - Math.log(1 / 6))) < 1e-12);
  assert.equal(nb.classify('tea and quiet'), 'calm');
  assert.equal(nb.classify('deadline'), 'desperate');
  const posterior = Math.exp(nb.logPosterior('panic', 'desperate'));
  assert.ok(Math.abs(posterior - 3 / 7 / (3 / 7 + 1 / 6)) < 1e-12);
  assert.throws(
    () => NaiveBayes.train([{ text: 'x', label: 'calm' }], ['calm', 'desperate']),
    /no training text for desperate/,
  );
});
