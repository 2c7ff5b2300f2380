import { test } from 'node:test';
import assert from 'node:assert/strict';
import { calibrate } from '../../../src/emotion/calibrate';
import {
  controlLevel,
  doseVerdict,
  judge,
  renderDose,
  runReportCard,
  validationRecord,
  valenceAgreement,
  type DoseTemplate,
} from '../../../src/emotion/report-card';
import { syntheticAgentTurns, syntheticWorld } from './synthetic-reader';

const emotions = ['desperate', 'calm', 'afraid', 'happy', 'sad', 'angry'];
const fast = { shuffledSeeds: 5, randomDirections: 60, resamples: 1000 };

test('report card on planted directions: the planted effects pass, with intervals, baseline and controls', async () => {
  const world = syntheticWorld({ emotions, hidden: 24, layers: 4, storiesPerEmotion: 25, seed: 11, signalLayer: 2 });
  const { vectors } = await calibrate(world.corpus, world.reader, { tokenStart: 30 });
  const templates: DoseTemplate[] = [
    {
      name: 'synthetic',
      messages: [{ role: 'user', text: 'dose={dose}' }],
      doses: [2, 4, 8, 16, 32, 64],
      expect: { afraid: 1 },
    },
  ];
  const turns = syntheticAgentTurns(world, { turns: 48, seed: 5, separating: true });
  const card = await runReportCard(world.corpus, world.reader, vectors, templates, turns, fast);
  const byId = Object.fromEntries(card.checks.map((c) => [c.id, c]));
  assert.deepEqual(
    card.checks.map((c) => c.id),
    [
      'agent-turns-auroc',
      'agent-turns-desperate-auroc',
      'beats-lexical-baseline',
      'held-out-top1',
      'desperate-calm-auroc',
      'dose-synthetic-afraid',
      'pc1-valence',
      'neutral-drift',
    ],
  );
  const agent = byId['agent-turns-auroc'];
  assert.equal(agent.verdict, 'pass', JSON.stringify(agent));
  assert.ok(agent.ci && agent.ci[0] <= agent.value && agent.value <= agent.ci[1]);
  assert.ok(agent.controls!.randomDirections! < agent.ci![0] && agent.controls!.shuffledLabels! < agent.ci![0]);
  // 36 report-split turns of 48 (every fourth is a tuning turn).
  assert.equal(card.material.agentTurns, 36);
  assert.ok(byId['held-out-top1'].value >= 0.9);
  assert.ok(byId['desperate-calm-auroc'].value >= 0.95);
  const dose = byId['dose-synthetic-afraid'];
  assert.equal(dose.verdict, 'pass');
  assert.ok(dose.effect!.deltaZ > 0 && dose.effect!.fromDose === 2 && dose.effect!.toDose === 64);
  assert.ok(byId['neutral-drift'].value < 0.5);
  // Synthetic story texts name their emotion, so the lexical baseline classifies them perfectly;
  // the agent turns' words ("pressured"/"composed") never occur in a story, so there it has nothing.
  assert.equal(byId['held-out-top1'].baseline, 1);
  assert.equal(byId['agent-turns-auroc'].baseline, 0.5);
  assert.equal(card.doseCurves[0].readings.afraid.length, 6);
  assert.equal(card.validForLive, true, card.validForLiveReason);
  // Every earlier assistant turn is composed, so both references are measured on all report turns.
  assert.equal(card.references!.session.turns, 36);
  assert.equal(card.references!.better, 'neutral', card.references!.why);
  const record = validationRecord(card, new Date(0));
  assert.equal(record.validForLive, true);
  assert.equal(record.checkedAt, '1970-01-01T00:00:00.000Z');
  assert.deepEqual(
    record.verdicts.find((v) => v.id === 'agent-turns-auroc'),
    { id: 'agent-turns-auroc', verdict: 'pass' },
  );
});

test('agent turns whose planted direction is independent of their label fail the agent-turn check', async () => {
  const world = syntheticWorld({ emotions, hidden: 24, layers: 4, storiesPerEmotion: 25, seed: 11, signalLayer: 2 });
  const { vectors } = await calibrate(world.corpus, world.reader, { tokenStart: 30 });
  const card = await runReportCard(
    world.corpus,
    world.reader,
    vectors,
    [],
    syntheticAgentTurns(world, { turns: 48, seed: 5, separating: false }),
    fast,
  );
  const agent = card.checks.find((c) => c.id === 'agent-turns-auroc')!;
  assert.equal(agent.verdict, 'fail', JSON.stringify(agent));
  assert.equal(card.validForLive, false);
  assert.equal(card.verdict, 'fail');
});

test('sessions that read high throughout: the within-session reference wins over the neutral one', async () => {
  const world = syntheticWorld({ emotions, hidden: 24, layers: 4, storiesPerEmotion: 25, seed: 11, signalLayer: 2 });
  const { vectors } = await calibrate(world.corpus, world.reader, { tokenStart: 30 });
  const card = await runReportCard(
    world.corpus,
    world.reader,
    vectors,
    [],
    syntheticAgentTurns(world, { turns: 48, seed: 5, separating: true, sessionOffset: 4 }),
    fast,
  );
  const refs = card.references!;
  assert.equal(refs.better, 'session', refs.why);
  assert.ok(refs.advantage.ci![0] > 0 && refs.session.auroc > refs.neutral.auroc);
});

test('without a validation set the agent-turn checks fail and nothing is valid for live use', async () => {
  const world = syntheticWorld({ emotions, hidden: 16, layers: 3, storiesPerEmotion: 15, seed: 12, signalLayer: 1 });
  const { vectors } = await calibrate(world.corpus, world.reader, { tokenStart: 30 });
  const card = await runReportCard(world.corpus, world.reader, vectors, [], null, fast);
  assert.equal(card.checks[0].verdict, 'fail');
  assert.equal(card.validForLive, false);
  assert.match(card.validForLiveReason, /no agent turns/);
});

test('a falling expectation fails when the reading rises', async () => {
  const world = syntheticWorld({ emotions, hidden: 16, layers: 3, storiesPerEmotion: 15, seed: 12, signalLayer: 1 });
  const { vectors } = await calibrate(world.corpus, world.reader, { tokenStart: 30 });
  const templates: DoseTemplate[] = [
    {
      name: 'wrong way',
      messages: [{ role: 'user', text: 'dose={dose}' }],
      doses: [2, 4, 8, 16, 32],
      expect: { afraid: -1 },
    },
  ];
  const card = await runReportCard(world.corpus, world.reader, vectors, templates, null, fast);
  const check = card.checks.find((c) => c.id === 'dose-wrong-way-afraid')!;
  assert.equal(check.verdict, 'fail');
  assert.ok(check.effect!.deltaZ > 0);
  assert.equal(card.verdict, 'fail');
});

test('dose verdicts: the expected way passes, flat warns, the wrong way fails', () => {
  assert.equal(doseVerdict(-1, -0.8, -1.2), 'pass');
  assert.equal(doseVerdict(-1, -0.8, 0.1), 'warn', 'ρ agrees but the endpoints do not');
  assert.equal(doseVerdict(-1, 0.1, 0.05), 'warn', 'flat');
  assert.equal(doseVerdict(-1, 0.4, 0.3), 'fail', 'calm rising where it should fall');
  assert.equal(doseVerdict(1, -0.3, -0.1), 'fail');
});

test('verdicts: the lower bound must clear the threshold and both controls', () => {
  const controls = { shuffledLabels: 0.62, randomDirections: 0.66 };
  assert.equal(judge(0.9, [0.8, 0.97], 0.7, controls), 'pass');
  assert.equal(judge(0.9, [0.65, 0.97], 0.7, controls), 'warn', 'lower bound under the threshold');
  assert.equal(
    judge(0.9, [0.7, 0.97], 0.7, { shuffledLabels: 0.75, randomDirections: 0.5 }),
    'warn',
    'lower bound under a control',
  );
  assert.equal(judge(0.64, [0.5, 0.8], 0.7, controls), 'fail', 'no better than random directions');
  assert.equal(judge(0.68, [0.6, 0.69], 0.6, null), 'pass');
  assert.equal(judge(0.6, [0.5, 0.69], 0.7, null), 'fail', 'the whole interval under the threshold');
  assert.equal(judge(NaN, null, 0.7, null), 'fail');
});

test('control level: the 95th percentile of the finite draws', () => {
  // 21 draws 0, 0.05, …, 1: the 95th percentile sits at position 19 of 0…20.
  assert.equal(controlLevel(Array.from({ length: 21 }, (_, i) => i / 20)), 0.95);
  assert.ok(Math.abs(controlLevel([0.1, 0.2, NaN, 0.3])! - 0.29) < 1e-12);
  assert.equal(controlLevel([NaN]), null);
});

test('dose templates repeat their block dose times', () => {
  const t: DoseTemplate = {
    name: 'x',
    messages: [{ role: 'user', text: 'task {dose}' }],
    repeat: [
      { role: 'assistant', text: 'try' },
      { role: 'user', text: 'fail' },
    ],
    doses: [0, 2],
    expect: {},
  };
  assert.deepEqual(renderDose(t, 0), [{ role: 'user', text: 'task 0' }]);
  assert.equal(renderDose(t, 2).length, 5);
});

test('valence agreement reads the sign of PC1 against the labels', () => {
  const pos = Float32Array.of(1, 0.1, 0);
  const neg = Float32Array.of(-1, 0, 0.1);
  const layer = {
    layer: 0,
    vectors: [pos, pos.map((x) => x * 0.9), neg, neg.map((x) => x * 1.1)],
    baseline: [],
    storyMean: new Float32Array(3),
    componentsRemoved: 0,
    varianceRemoved: 0,
  };
  assert.equal(valenceAgreement(layer, ['+', '+', '-', '-']), 1);
  assert.equal(valenceAgreement(layer, ['+', '-', '+', '-']), 0.5);
});

test('cancelling stops the report card in whichever phase it is', async () => {
  const world = syntheticWorld({ emotions, hidden: 16, layers: 3, storiesPerEmotion: 15, seed: 12, signalLayer: 1 });
  const { vectors } = await calibrate(world.corpus, world.reader, { tokenStart: 30 });
  for (const phase of ['stories', 'agent turns', 'controls']) {
    const ac = new AbortController();
    const phases = new Set<string>();
    await assert.rejects(
      runReportCard(
        world.corpus,
        world.reader,
        vectors,
        [],
        syntheticAgentTurns(world, { turns: 12, seed: 1, separating: true }),
        {
          ...fast,
          signal: ac.signal,
          onProgress: (p) => {
            phases.add(p.phase);
            if (p.phase === phase) ac.abort();
          },
        },
      ),
      /cancelled/,
    );
    assert.ok(phases.has(phase), phase);
  }
});

test('without the shuffled-label control only held-out stories are read, and that control is reported as absent', async () => {
  const world = syntheticWorld({ emotions, hidden: 16, layers: 3, storiesPerEmotion: 15, seed: 12, signalLayer: 1 });
  const { vectors } = await calibrate(world.corpus, world.reader, { tokenStart: 30 });
  let texts = 0;
  const counting = {
    ...world.reader,
    readText: (text: string, layers: readonly number[]) => (texts++, world.reader.readText(text, layers)),
  };
  const card = await runReportCard(
    world.corpus,
    counting,
    vectors,
    [],
    syntheticAgentTurns(world, { turns: 12, seed: 1, separating: true }),
    { ...fast, shuffledSeeds: 0 },
  );
  assert.equal(texts, world.corpus.stories.filter((s) => s.split === 'heldout').length);
  const agent = card.checks.find((c) => c.id === 'agent-turns-auroc')!;
  assert.equal(agent.controls!.shuffledLabels, null);
  assert.ok(agent.controls!.randomDirections !== null);
  assert.equal(card.material.shuffledSeeds, 0);
  // The reason names the control level that was measured, not "n/a".
  assert.ok(
    card.validForLiveReason.includes(`controls ${agent.controls!.randomDirections!.toFixed(3)}`),
    card.validForLiveReason,
  );
});
