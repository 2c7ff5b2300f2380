import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate, loadLabelledSet } from '../../../src/tamper/labelled-set';

// The numbers the README reports; a regression below the targets fails here.
const evaluation = evaluate(loadLabelledSet('test/fixtures/tamper'));

test('the labelled set is large enough and covers every language', () => {
  assert.ok(evaluation.cases >= 120, `${evaluation.cases} edits`);
  assert.ok(evaluation.tamper >= 60, `${evaluation.tamper} tampering edits`);
  assert.ok(evaluation.legit >= 60, `${evaluation.legit} legitimate edits`);
  const paths = evaluation.results.map((r) => r.case.edit.path);
  for (const ext of ['.py', '.ts', '.go', '.rs', '.java', '.cs', '.rb']) assert.ok(paths.some((p) => p.endsWith(ext)), `no ${ext} edits`);
});

test('warning-or-higher flags meet the precision and recall targets, overall and on held-out edits', () => {
  const { overall, bySplit } = evaluation;
  assert.ok(overall.precision >= 0.9, `precision ${overall.precision}`);
  assert.ok(overall.recall >= 0.85, `recall ${overall.recall}`);
  assert.ok(bySplit.holdout.tp + bySplit.holdout.fn >= 10, 'held-out set has too few tampering edits');
  assert.ok(bySplit.holdout.precision >= 0.9, `held-out precision ${bySplit.holdout.precision}`);
  assert.ok(bySplit.holdout.recall >= 0.85, `held-out recall ${bySplit.holdout.recall}`);
});

test('every tampering kind is labelled somewhere and found with precision and recall ≥ 0.85', () => {
  for (const [kind, m] of Object.entries(evaluation.perKind)) {
    assert.ok(m.tp > 0, `${kind} never found`);
    assert.ok(m.precision >= 0.85 && m.recall >= 0.85, `${kind}: precision ${m.precision.toFixed(3)}, recall ${m.recall.toFixed(3)}`);
  }
  assert.equal(Object.keys(evaluation.perKind).length, 12);
});
