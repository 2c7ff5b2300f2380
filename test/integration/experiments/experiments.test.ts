import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { vectorFilePath } from '../../../src/emotion/vector-store';
import { layerVectors, writeVectorFile } from '../../../src/emotion/vectors';
import { ExperimentCancelledError, ExperimentParamError } from '../../../src/experiments/context';
import type { ExperimentModel } from '../../../src/experiments/model';
import { runExperiment, type ExperimentResult } from '../../../src/experiments/registry';
import { replyStartReading } from '../../../src/experiments/reply-start';
import { exportReplay } from '../../../src/experiments/replay-export';
import type { ReplayResult, SteeringResult } from '../../../src/experiments/results';
import { openFixtureExperimentModel } from './fixture-model';

let opened: Awaited<ReturnType<typeof openFixtureExperimentModel>>;
let model: ExperimentModel;
before(async () => {
  opened = await openFixtureExperimentModel();
  model = opened.model;
});
after(() => opened?.release());

const TRANSCRIPT = join(__dirname, '../../fixtures/transcripts/claude-code/-home-dev-shop/7d1c9a4e-2b6f-4c1e-9f0a-5e3b8d2c1a90.jsonl');

/** Every number anywhere in a result. */
function numbers(value: unknown, out: number[] = []): number[] {
  if (typeof value === 'number') out.push(value);
  else if (Array.isArray(value)) for (const v of value) numbers(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) numbers(v, out);
  return out;
}

function assertFinite(result: ExperimentResult, skip: (n: number) => boolean = () => false): void {
  const all = numbers(result);
  assert.ok(all.length > 0);
  const bad = all.filter((n) => !Number.isFinite(n) && !skip(n));
  assert.equal(bad.length, 0, `non-finite numbers in ${result.experiment}`);
}

async function twice(name: string, params: unknown): Promise<ExperimentResult> {
  const a = await runExperiment(name, params, model);
  const b = await runExperiment(name, params, model);
  assert.deepEqual(a, b, `${name} is deterministic`);
  return a;
}

test('score: a text read as an assistant turn gives per-token z for every emotion and a summary', async () => {
  const r = await twice('score', { text: 'The tests failed again. I will try one more approach before the deadline.', source: 'selection' });
  assert.equal(r.experiment, 'score');
  if (r.experiment !== 'score') return;
  assert.ok(r.tokens.length > 10);
  for (const t of r.tokens) assert.deepEqual(Object.keys(t.z), r.emotions);
  assert.ok(r.tokens.map((t) => t.text).join('').includes('The tests failed again.'));
  for (const e of r.emotions) {
    const zs: number[] = r.tokens.map((t) => t.z[e]);
    assert.ok(Math.abs(r.summary[e].mean - zs.reduce((a, b) => a + b, 0) / zs.length) < 1e-5);
    assert.equal(r.summary[e].max, Math.max(...zs));
  }
  assertFinite(r);
  await assert.rejects(runExperiment('score', { text: '  ' }, model), ExperimentParamError);
  await assert.rejects(runExperiment('score', { text: 'word '.repeat(model.contextLimit) }, model), /context limit.*shorter selection/s);
});

test('tone: one reading per tone and task variant, with mean and spread', async () => {
  const tasks = ['Fix the failing date parser test.', 'Speed up the CSV export.'];
  const r = await twice('tone', { tasks });
  if (r.experiment !== 'tone') return assert.fail();
  assert.deepEqual(r.tones.map((t) => t.tone), ['encouraging', 'neutral', 'pressure']);
  for (const t of r.tones) {
    assert.equal(t.readings.length, tasks.length);
    for (const e of r.emotions) assert.ok(t.std[e] >= 0);
  }
  // The neutral template is the bare task, so its reading is the plain reply-start reading.
  const direct = await replyStartReading(model, [{ role: 'user', content: tasks[1] }]);
  assert.ok(Math.abs(r.tones[1].readings[1].desperate - direct.desperate) < 1e-6);
  // Different phrasings are read differently.
  assert.notEqual(r.tones[0].mean.desperate, r.tones[2].mean.desperate);
  assertFinite(r);
  await assert.rejects(runExperiment('tone', { tones: [{ tone: 'x', template: 'no placeholder' }] }, model), /\{task\}/);
});

test('streak: readings for 0…N failed runs and Spearman ρ per emotion', async () => {
  const r = await twice('streak', { maxFailures: 4 });
  if (r.experiment !== 'streak') return assert.fail();
  assert.deepEqual(r.failures, [0, 1, 2, 3, 4]);
  assert.deepEqual(Object.keys(r.readings), ['desperate', 'calm']);
  for (const zs of Object.values(r.readings)) assert.equal(zs.length, 5);
  for (const rho of Object.values(r.spearman)) assert.ok(rho >= -1 && rho <= 1);
  assert.deepEqual(r.expected, { desperate: 1, calm: -1 });
  assertFinite(r);
});

test('steer: α = 0 is generation without steering; α ≠ 0 moves the reading along the vector; seeded', async () => {
  const params = { alphas: [-0.1, 0, 0.1], samples: 2, maxNewTokens: 8, seed: 5 };
  const r = (await twice('steer', params)) as SteeringResult;
  assert.deepEqual(r.alphas.map((a) => a.alpha), [-0.1, 0, 0.1]);
  assert.ok(r.residualNorm > 0);
  for (const a of r.alphas) {
    assert.equal(a.replies.length, 2);
    assert.deepEqual(a.replies.map((x) => x.seed), [5, 6]);
    assert.equal(a.tamperCount, a.replies.filter((x) => x.tamperKinds.length > 0).length);
    assert.ok(Math.abs(a.scale - a.alpha * r.residualNorm) < 1e-9);
  }
  // α = 0 reproduces plain, unsteered generation with the same seeds.
  const steered = await model.steered();
  const promptIds = model.tokenizer.encode(model.tokenizer.render([{ role: 'user', content: r.prompt }], true));
  for (const reply of r.alphas[1].replies) {
    const ids = await steered.generate(promptIds, { maxNewTokens: 8, temperature: 0.8, topK: 40, seed: reply.seed, stopIds: model.stopIds });
    assert.equal(reply.text, model.tokenizer.decode(ids.filter((id) => !model.stopIds.includes(id))));
  }
  const plain = await replyStartReading(model, [{ role: 'user', content: r.prompt }]);
  assert.ok(Math.abs(r.alphas[1].meanReplyStart.desperate - plain.desperate) < 1e-3, 'α = 0 reads like the unsteered model');
  // Adding α·‖r̄‖·v at the layer shifts the projection on v by exactly α·‖r̄‖ (v is a unit vector).
  const sigma = layerVectors(model.vectors, model.layer).baseline[model.vectors.header.emotions.indexOf('desperate')].std;
  for (const a of [r.alphas[0], r.alphas[2]]) {
    const shift = a.meanReplyStart.desperate - r.alphas[1].meanReplyStart.desperate;
    assert.ok(Math.sign(shift) === Math.sign(a.alpha), `α = ${a.alpha} moves desperate the same way`);
    assert.ok(Math.abs(shift - (a.alpha * r.residualNorm) / sigma) < 1e-2 * Math.abs(shift), `shift ${shift} vs ${(a.alpha * r.residualNorm) / sigma}`);
    assert.ok(Math.sign(a.meanSteered.desperate - r.alphas[1].meanSteered.desperate) === Math.sign(a.alpha), 'and over the reply');
  }
  assertFinite(r);
  await assert.rejects(runExperiment('steer', { alphas: [0.5] }, model), /-0\.2…0\.2/);
  await assert.rejects(runExperiment('steer', { emotion: 'bored' }, model), /no emotion 'bored'/);
});

test('replay: a recorded session through the scoring loop, with test runs, flags and exports', async () => {
  const r = (await twice('replay', { file: TRANSCRIPT })) as ReplayResult;
  assert.equal(r.source, 'claude-code');
  const assistant = r.timeline.filter((e) => e.kind === 'turn' && e.role === 'assistant');
  assert.ok(assistant.length >= 2);
  for (const t of assistant) if (t.kind === 'turn') assert.ok(t.summary && t.tokens > 0 && Number.isFinite(t.summary.desperate.mean));
  assert.ok(r.timeline.some((e) => e.kind === 'test-run'));
  const seqs = r.timeline.map((e) => e.seq);
  assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b));
  assertFinite(r);
  const csv = exportReplay(r, 'csv').split('\n');
  assert.match(csv[0], /^seq,ts,kind,role,desperate_mean,calm_mean/);
  for (const e of r.timeline.filter((x) => x.kind !== 'turn')) assert.ok(csv.some((line) => line.startsWith(`${e.seq},${e.ts},${e.kind},`)), `CSV row for #${e.seq}`);
  const html = exportReplay(r, 'html');
  assert.match(html, /<svg[^>]*>.*<polyline/s);
  assert.doesNotMatch(html, /<script|src="http/);
  assert.deepEqual(JSON.parse(exportReplay(r, 'json')), JSON.parse(JSON.stringify(r)));
  await assert.rejects(runExperiment('replay', { file: join(__dirname, 'nope.jsonl') }, model), /cannot read/);
});

test('replay: progress streams timeline entries; cancelling stops the run', async () => {
  const partials: unknown[] = [];
  const ac = new AbortController();
  await assert.rejects(
    runExperiment('replay', { file: TRANSCRIPT, delayMs: 50 }, model, {
      signal: ac.signal,
      onProgress: (p) => {
        if (p.partial) partials.push(p.partial);
        if (partials.length === 2) ac.abort();
      },
    }),
    ExperimentCancelledError,
  );
  assert.equal(partials.length, 2);
});

test('report card: the validation battery as an experiment', async () => {
  const r = await runExperiment('report-card', {}, model);
  if (r.experiment !== 'report-card') return assert.fail();
  assert.ok(['pass', 'warn'].includes(r.verdict));
  assert.ok(r.checks.length >= 5);
  assert.equal(r.doseCurves.length, 3);
  for (const c of r.doseCurves) for (const zs of Object.values(c.readings)) assert.equal(zs.length, c.doses.length);
  assert.ok(r.checks.some((c) => c.name.startsWith('neutral control')));
  await assert.rejects(runExperiment('report-card', { corpus: __dirname }, model), /story corpus.*not in/);
  assertFinite(r);
});

test('CLI: `experiment streak --json` prints the same result as the in-process run', async () => {
  writeVectorFile(vectorFilePath(opened.cacheDir, model.identity), model.vectors);
  const run = spawnSync(process.execPath, ['dist/cli.js', 'experiment', 'streak', '--model', 'fixture:tiny-qwen2', '--cache-dir', opened.cacheDir, '--max-failures', '3', '--json'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const inProcess = await runExperiment('streak', { maxFailures: 3 }, model);
  assert.deepEqual(JSON.parse(run.stdout), JSON.parse(JSON.stringify(inProcess)));
  const csv = join(opened.cacheDir, 'replay.csv');
  const replay = spawnSync(process.execPath, ['dist/cli.js', 'experiment', 'replay', '--model', 'fixture:tiny-qwen2', '--cache-dir', opened.cacheDir, '--transcript', TRANSCRIPT, '--export', csv], { encoding: 'utf8' });
  assert.equal(replay.status, 0, replay.stderr);
  assert.match(readFileSync(csv, 'utf8'), /^seq,ts,kind,role,desperate_mean/);
  assert.match(replay.stdout, /3 assistant turns, 2 test runs, 1 flags/);
  const bad = spawnSync(process.execPath, ['dist/cli.js', 'experiment', 'dance', '--model', 'fixture:tiny-qwen2'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /unknown experiment 'dance'/);
});
