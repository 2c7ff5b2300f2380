import { test } from 'node:test';
import assert from 'node:assert/strict';
import { calibrate } from '../../../src/emotion/calibrate';
import { renderDose, runReportCard, valenceAgreement, type DoseTemplate } from '../../../src/emotion/report-card';
import { syntheticWorld } from './synthetic-reader';

const emotions = ['desperate', 'calm', 'afraid', 'happy', 'sad', 'angry'];

test('report card on planted directions: finite numbers, and the planted effects pass', async () => {
  const world = syntheticWorld({ emotions, hidden: 24, layers: 4, storiesPerEmotion: 25, seed: 11, signalLayer: 2 });
  const { vectors } = await calibrate(world.corpus, world.reader, { tokenStart: 30 });
  const templates: DoseTemplate[] = [{ name: 'synthetic', messages: [{ role: 'user', text: 'dose={dose}' }], doses: [2, 4, 8, 16, 32, 64], expect: { afraid: 1 } }];
  const card = await runReportCard(world.corpus, world.reader, vectors, templates);
  const byName = Object.fromEntries(card.checks.map((c) => [c.name, c]));
  assert.ok(byName['held-out top-1 emotion accuracy'].value >= 0.9);
  assert.ok(byName['desperate-vs-calm AUROC (held-out)'].value >= 0.95);
  const dose = byName['dose-response: synthetic → afraid rises'];
  assert.ok(dose.value > 0.9, `rho ${dose.value}`);
  assert.equal(dose.verdict, 'pass');
  const drift = byName['neutral control: mean |z| on held-out neutral dialogues'];
  assert.ok(drift.value < 0.5, `drift ${drift.value}`);
  assert.equal(card.doseCurves[0].readings.afraid.length, 6);
  for (const c of card.checks) assert.ok(Number.isFinite(c.value), `${c.name} is finite`);
});

test('a falling expectation fails when the reading rises', async () => {
  const world = syntheticWorld({ emotions, hidden: 16, layers: 3, storiesPerEmotion: 15, seed: 12, signalLayer: 1 });
  const { vectors } = await calibrate(world.corpus, world.reader, { tokenStart: 30 });
  const templates: DoseTemplate[] = [{ name: 'wrong way', messages: [{ role: 'user', text: 'dose={dose}' }], doses: [2, 4, 8, 16, 32], expect: { afraid: -1 } }];
  const card = await runReportCard(world.corpus, world.reader, vectors, templates);
  const check = card.checks.find((c) => c.name.startsWith('dose-response'))!;
  assert.equal(check.verdict, 'warn');
  assert.equal(card.verdict, 'warn');
});

test('dose templates repeat their block dose times', () => {
  const t: DoseTemplate = { name: 'x', messages: [{ role: 'user', text: 'task {dose}' }], repeat: [{ role: 'assistant', text: 'try' }, { role: 'user', text: 'fail' }], doses: [0, 2], expect: {} };
  assert.deepEqual(renderDose(t, 0), [{ role: 'user', text: 'task 0' }]);
  assert.equal(renderDose(t, 2).length, 5);
});

test('valence agreement reads the sign of PC1 against the labels', () => {
  const pos = Float32Array.of(1, 0.1, 0);
  const neg = Float32Array.of(-1, 0, 0.1);
  const layer = { layer: 0, vectors: [pos, pos.map((x) => x * 0.9), neg, neg.map((x) => x * 1.1)], baseline: [], storyMean: new Float32Array(3), componentsRemoved: 0, varianceRemoved: 0 };
  assert.equal(valenceAgreement(layer, ['+', '+', '-', '-']), 1);
  assert.equal(valenceAgreement(layer, ['+', '-', '+', '-']), 0.5);
});
