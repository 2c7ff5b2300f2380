// The six experiments on the bundled demo model (fixture:emotion-tiny) with the vectors shipped in
// its folder: in process and through `agent-vitals experiment … --json`, which must print the very
// same result (a second run in a fresh process: determinism for a fixed seed).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { layerVectors, readVectorFile } from '../../../src/emotion/vectors';
import { ExperimentCancelledError, ExperimentParamError } from '../../../src/experiments/context';
import type { ExperimentModel } from '../../../src/experiments/model';
import { runExperiment, type ExperimentResult } from '../../../src/experiments/registry';
import { replyStartReading } from '../../../src/experiments/reply-start';
import { exportReplay } from '../../../src/experiments/replay-export';
import type { ReplayResult, SteeringResult } from '../../../src/contracts/experiments';
import { SHIPPED_VECTORS_FILE } from '../../../src/model/loaded-vectors';
import { DEMO_MODEL, openDemoExperimentModel } from './demo-model';

let opened: Awaited<ReturnType<typeof openDemoExperimentModel>>;
let model: ExperimentModel;
before(async () => {
  opened = await openDemoExperimentModel();
  model = opened.model;
});
after(() => opened?.release());

const TRANSCRIPT = join(
  __dirname,
  '../../fixtures/transcripts/claude-code/-home-dev-shop/7d1c9a4e-2b6f-4c1e-9f0a-5e3b8d2c1a90.jsonl',
);
const SHIPPED_VECTORS = join(__dirname, '../../fixtures/models/emotion-tiny', SHIPPED_VECTORS_FILE);

/** Every number anywhere in a result. */
function numbers(value: unknown, out: number[] = []): number[] {
  if (typeof value === 'number') out.push(value);
  else if (Array.isArray(value)) for (const v of value) numbers(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) numbers(v, out);
  return out;
}

function assertFinite(result: ExperimentResult): void {
  const all = numbers(result);
  assert.ok(all.length > 0);
  assert.deepEqual(
    all.filter((n) => !Number.isFinite(n)),
    [],
    `non-finite numbers in ${result.experiment}`,
  );
}

async function twice(name: string, params: unknown): Promise<ExperimentResult> {
  const a = await runExperiment(name, params, model);
  const b = await runExperiment(name, params, model);
  assert.deepEqual(a, b, `${name} is deterministic`);
  return a;
}

/** Runs the CLI on the demo model with an empty cache (so it must find the shipped vectors). */
function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const cacheDir = mkdtempSync(join(tmpdir(), 'av-experiments-cli-'));
  return spawnSync(
    process.execPath,
    ['dist/cli.js', 'experiment', ...args, '--model', DEMO_MODEL, '--cache-dir', cacheDir],
    { encoding: 'utf8' },
  );
}

/** `experiment <args> --json` prints exactly the in-process result. */
function assertCliPrints(args: string[], inProcess: ExperimentResult): void {
  const run = cli([...args, '--json']);
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(
    JSON.parse(run.stdout),
    JSON.parse(JSON.stringify(inProcess)),
    `CLI ${args[0]} matches the in-process run`,
  );
}

function tempFile(name: string, content?: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'av-experiments-files-')), name);
  if (content !== undefined) writeFileSync(path, content);
  return path;
}

/** Spearman ρ straight from its definition for values without ties: 1 − 6Σd² / (n(n² − 1)). */
function spearmanWithoutTies(xs: number[], ys: number[]): number {
  const rank = (vs: number[]) => vs.map((v) => vs.filter((w) => w < v).length);
  const [rx, ry] = [rank(xs), rank(ys)];
  const n = xs.length;
  return 1 - (6 * rx.reduce((s, r, i) => s + (r - ry[i]) ** 2, 0)) / (n * (n * n - 1));
}

test('the demo model opens with the vectors shipped in its folder, for all 20 emotions', () => {
  assert.deepEqual(model.vectors, readVectorFile(SHIPPED_VECTORS));
  assert.equal(model.vectors.header.emotions.length, 20);
  assert.equal(model.layer, model.vectors.header.choice.layer);
});

test('score: a text read as an assistant turn gives per-token z for every emotion and a summary', async () => {
  const text = 'The tests failed again. I will try one more approach before the deadline.';
  const r = await twice('score', { text, source: 'selection' });
  if (r.experiment !== 'score') return assert.fail();
  assert.deepEqual(r.emotions, model.vectors.header.emotions);
  assert.ok(r.tokens.length > 10);
  for (const t of r.tokens) assert.deepEqual(Object.keys(t.z), r.emotions);
  assert.ok(
    r.tokens
      .map((t) => t.text)
      .join('')
      .includes('The tests failed again.'),
  );
  for (const e of r.emotions) {
    const zs: number[] = r.tokens.map((t) => t.z[e]);
    assert.ok(Math.abs(r.summary[e].mean - zs.reduce((a, b) => a + b, 0) / zs.length) < 1e-9);
    assert.equal(r.summary[e].max, Math.max(...zs));
  }
  assertFinite(r);
  assertCliPrints(['score', '--text', text, '--source', 'selection'], r);
  await assert.rejects(runExperiment('score', { text: '  ' }, model), ExperimentParamError);
  await assert.rejects(
    runExperiment('score', { text: 'word '.repeat(model.contextLimit) }, model),
    /context limit.*shorter selection/s,
  );
});

test('tone: one reading per tone and task variant, with mean and spread', async () => {
  const tasks = ['Fix the failing date parser test.', 'Speed up the CSV export.'];
  const r = await twice('tone', { tasks });
  if (r.experiment !== 'tone') return assert.fail();
  assert.deepEqual(
    r.tones.map((t) => t.tone),
    ['encouraging', 'neutral', 'pressure'],
  );
  for (const t of r.tones) {
    assert.equal(t.readings.length, tasks.length);
    for (const reading of t.readings) assert.deepEqual(Object.keys(reading), r.emotions);
    for (const e of r.emotions) {
      assert.ok(Math.abs(t.mean[e] - (t.readings[0][e] + t.readings[1][e]) / 2) < 1e-9);
      assert.ok(t.std[e] >= 0);
    }
  }
  // The neutral template is the bare task, so its reading is the plain reply-start reading.
  assert.deepEqual(r.tones[1].readings[1], await replyStartReading(model, [{ role: 'user', content: tasks[1] }]));
  // Different phrasings are read differently.
  assert.notEqual(r.tones[0].mean.desperate, r.tones[2].mean.desperate);
  assertFinite(r);
  assertCliPrints(['tone', '--tasks', tempFile('tasks.txt', tasks.join('\n'))], r);
  await assert.rejects(
    runExperiment('tone', { tones: [{ tone: 'x', template: 'no placeholder' }] }, model),
    /\{task\}/,
  );
});

// The trend itself is not asserted: on the demo model it is weak (its report card's dose check
// for failed test runs warns); what must hold is the readings and ρ computed from them.
test('streak: readings for 0…N failed runs and Spearman ρ per emotion', async () => {
  const r = await twice('streak', { maxFailures: 4 });
  if (r.experiment !== 'streak') return assert.fail();
  assert.deepEqual(r.failures, [0, 1, 2, 3, 4]);
  assert.deepEqual(Object.keys(r.readings), ['desperate', 'calm']);
  for (const [e, zs] of Object.entries(r.readings)) {
    assert.equal(zs.length, 5);
    assert.equal(new Set(zs).size, 5, `${e}: distinct readings per failure count`);
    assert.ok(Math.abs(r.spearman[e] - spearmanWithoutTies(r.failures, zs)) < 1e-12, `${e}: ρ`);
  }
  assert.deepEqual(r.expected, { desperate: 1, calm: -1 });
  assertFinite(r);
  assertCliPrints(['streak', '--max-failures', '4'], r);
});

test('steer: a seeded α sweep; α = 0 is bit-for-bit generation without steering; ±α moves desperate up or down', async () => {
  const alphas = [-0.2, -0.1, 0, 0.1, 0.2];
  const params = { alphas, samples: 2, maxNewTokens: 8, seed: 5 };
  const r = (await twice('steer', params)) as SteeringResult;
  assert.deepEqual(
    r.alphas.map((a) => a.alpha),
    alphas,
  );
  assert.ok(r.residualNorm > 0);
  for (const a of r.alphas) {
    assert.equal(a.replies.length, 2);
    assert.deepEqual(
      a.replies.map((x) => x.seed),
      [5, 6],
    );
    for (const reply of a.replies) assert.ok(reply.tokens > 0 && reply.tokens <= 8);
    assert.equal(a.tamperCount, a.replies.filter((x) => x.tamperKinds.length > 0).length);
    assert.equal(a.tamperRate, a.tamperCount / a.replies.length);
    assert.ok(Math.abs(a.scale - a.alpha * r.residualNorm) < 1e-9);
  }
  assertFinite(r);
  assertCliPrints(['steer', '--alphas=' + alphas.join(','), '--samples', '2', '--max-tokens', '8', '--seed', '5'], r);

  // α = 0 reproduces plain, unsteered generation with the same seeds, and its readings are the
  // unsteered model's, bit for bit.
  const zero = r.alphas[2];
  const steered = await model.steered();
  const promptIds = model.tokenizer.encode(model.tokenizer.render([{ role: 'user', content: r.prompt }], true));
  const plainStart = await replyStartReading(model, [{ role: 'user', content: r.prompt }]);
  for (const reply of zero.replies) {
    const ids = await steered.generate(promptIds, {
      maxNewTokens: 8,
      temperature: 0.8,
      topK: 40,
      seed: reply.seed,
      stopIds: model.stopIds,
    });
    assert.equal(reply.text, model.tokenizer.decode(ids.filter((id) => !model.stopIds.includes(id))));
    assert.deepEqual(reply.replyStart, plainStart);
    assert.deepEqual(reply.steeredMean, reply.rereadMean);
  }

  // The vectors' layer is where steering adds α·‖r̄‖·v, and v is a unit vector: at the reply start
  // (same prompt for every α) the desperate z moves by exactly α·‖r̄‖/σ.
  const sigma = layerVectors(model.vectors, model.layer).baseline[model.vectors.header.emotions.indexOf('desperate')]
    .std;
  for (const a of r.alphas) {
    const shift = a.meanReplyStart.desperate - zero.meanReplyStart.desperate;
    const expected = (a.alpha * r.residualNorm) / sigma;
    assert.ok(Math.abs(shift - expected) < 1e-5, `α = ${a.alpha}: shift ${shift} vs ${expected}`);
  }
  // Over the generated replies, where the text differs per α, desperate still rises with α.
  const overReply = r.alphas.map((a) => a.meanSteered.desperate);
  for (let k = 1; k < overReply.length; k++)
    assert.ok(overReply[k] > overReply[k - 1], `mean desperate over the reply rises with α: ${overReply.join(', ')}`);

  await assert.rejects(runExperiment('steer', { alphas: [0.5] }, model), /-0\.2…0\.2/);
  await assert.rejects(runExperiment('steer', { emotion: 'bored' }, model), /no emotion 'bored'/);
});

test('steer: the tamper count per α counts the replies whose code tampers with the tests', async () => {
  // The demo model's own replies carry no tampering code (none in 120 replies of 64 tokens), so
  // for odd seeds the decoder is scripted to reply with a test run that deselects the failing
  // test; everything else (readings, re-reads, classification) runs on the real model.
  const tampering = '```bash\npytest tests/test_slug.py --deselect tests/test_slug.py::test_keeps_case\n```';
  const scripted: ExperimentModel = {
    ...model,
    steered: async () => {
      const real = await model.steered();
      return {
        layers: real.layers,
        forward: real.forward.bind(real),
        generate: async (ids, options) =>
          options.seed % 2 ? model.tokenizer.encode(tampering) : real.generate(ids, options),
      };
    },
  };
  const r = (await runExperiment(
    'steer',
    { alphas: [-0.1, 0, 0.1], samples: 3, maxNewTokens: 8, seed: 1 },
    scripted,
  )) as SteeringResult;
  for (const a of r.alphas) {
    assert.deepEqual(
      a.replies.map((x) => x.tamperKinds),
      [['test-command-changed'], [], ['test-command-changed']],
      `α = ${a.alpha}`,
    );
    assert.equal(a.replies[0].text, tampering);
    assert.equal(a.tamperCount, 2);
    assert.equal(a.tamperRate, 2 / 3);
  }
  assertFinite(r);
});

test('replay: a recorded session through the scoring loop, with test runs, flags and HTML/CSV/JSON exports', async () => {
  const r = (await twice('replay', { file: TRANSCRIPT })) as ReplayResult;
  assert.equal(r.source, 'claude-code');
  assert.equal(r.unscoredTurns, 0);
  const assistant = r.timeline.filter((e) => e.kind === 'turn' && e.role === 'assistant');
  assert.equal(assistant.length, 3);
  for (const t of assistant)
    if (t.kind === 'turn') assert.ok(t.summary && t.tokens > 0 && Object.keys(t.summary).length === r.emotions.length);
  assert.equal(r.timeline.filter((e) => e.kind === 'test-run').length, 2);
  assert.equal(r.timeline.filter((e) => e.kind === 'flag').length, 1);
  const seqs = r.timeline.map((e) => e.seq);
  assert.deepEqual(
    seqs,
    [...seqs].sort((a, b) => a - b),
  );
  assertFinite(r);

  const csv = exportReplay(r, 'csv');
  assert.match(csv, /^seq,ts,kind,role,desperate_mean,calm_mean,afraid_mean,frustrated_mean,severity,detail\n/);
  for (const e of r.timeline) {
    const row =
      e.kind === 'turn' && e.summary
        ? `${e.seq},${e.ts},turn,${e.role},${e.summary.desperate.mean},${e.summary.calm.mean},`
        : `${e.seq},${e.ts},${e.kind},`;
    assert.ok(
      csv.split('\n').some((line) => line.startsWith(row)),
      `CSV row for #${e.seq}`,
    );
  }
  const html = exportReplay(r, 'html');
  assert.equal((html.match(/<polyline/g) ?? []).length, 4, 'one line per shown emotion');
  assert.doesNotMatch(html, /<script|src="http/);
  assert.deepEqual(JSON.parse(exportReplay(r, 'json')), JSON.parse(JSON.stringify(r)));

  // The CLI prints the same result and writes the same exports.
  const htmlFile = tempFile('replay.html');
  assertCliPrints(['replay', '--transcript', TRANSCRIPT, '--export', htmlFile], r);
  assert.equal(readFileSync(htmlFile, 'utf8'), html);
  const csvFile = tempFile('replay.csv');
  const summary = cli(['replay', '--transcript', TRANSCRIPT, '--export', csvFile]);
  assert.equal(summary.status, 0, summary.stderr);
  assert.equal(readFileSync(csvFile, 'utf8'), csv);
  assert.match(summary.stdout, /3 assistant turns, 2 test runs, 1 flags, 0 unscored/);
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

test('report card: the validation battery on the shipped vectors, the same from the CLI', async () => {
  const r = await runExperiment('report-card', {}, model);
  if (r.experiment !== 'report-card') return assert.fail();
  const ids = r.checks.map((c) => c.id);
  for (const id of [
    'agent-turns-auroc',
    'agent-turns-desperate-auroc',
    'beats-lexical-baseline',
    'held-out-top1',
    'desperate-calm-auroc',
    'pc1-valence',
    'neutral-drift',
  ])
    assert.ok(ids.includes(id), id);
  assert.equal(ids.filter((id) => id.startsWith('dose-')).length, 6);
  assert.equal(
    r.verdict,
    r.checks.every((c) => c.verdict === 'pass') ? 'pass' : r.checks.some((c) => c.verdict === 'fail') ? 'fail' : 'warn',
  );
  // The demo model is never valid for live use, whatever its agent-turn check says.
  assert.equal(r.validForLive, false);
  assert.match(r.validForLiveReason, /demo model/);
  for (const id of ['agent-turns-auroc', 'held-out-top1', 'desperate-calm-auroc']) {
    const c = r.checks.find((x) => x.id === id)!;
    assert.ok(c.ci && c.ci[0] <= c.value && c.value <= c.ci[1], `${id}: ${c.value} in ${c.ci}`);
    assert.ok(c.baseline !== null && c.controls?.shuffledLabels !== null && c.controls?.randomDirections !== null, id);
  }
  assert.ok(r.material.agentTurns > 0);
  assert.equal(r.doseCurves.length, 3);
  for (const c of r.doseCurves) for (const zs of Object.values(c.readings)) assert.equal(zs.length, c.doses.length);
  assertFinite(r);
  assertCliPrints(['report-card'], r);
  await assert.rejects(runExperiment('report-card', { corpus: __dirname }, model), /story corpus.*not in/);
});

test('CLI: an unknown experiment is a usage error; a model without vectors says how to calibrate', () => {
  const bad = cli(['dance']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /unknown experiment 'dance'/);
  const uncalibrated = spawnSync(
    process.execPath,
    [
      'dist/cli.js',
      'experiment',
      'streak',
      '--model',
      'fixture:tiny-qwen2',
      '--cache-dir',
      mkdtempSync(join(tmpdir(), 'av-experiments-cli-')),
    ],
    { encoding: 'utf8' },
  );
  assert.equal(uncalibrated.status, 3, uncalibrated.stderr);
  assert.match(
    uncalibrated.stderr,
    /No emotion vectors for fixture:tiny-qwen2.*agent-vitals calibrate --model fixture:tiny-qwen2/s,
  );
});
