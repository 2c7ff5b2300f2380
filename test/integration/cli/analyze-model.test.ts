import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sourceDigest } from '../../../src/engine/graph/graph-cache';
import { modelIdentity } from '../../../src/model/loaded-model';
import { vectorFilePath } from '../../../src/emotion/vector-store';
import { VECTOR_FILE_VERSION, writeVectorFile } from '../../../src/emotion/vectors';
import { resolveModel } from '../../../src/model-store/model-store';

const run = promisify(execFile);
const MODEL = 'fixture:tiny-qwen2';

test('analyze --model fills assistant turns with emotion readings and gives flags their desperation', async () => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'av-analyze-'));
  const resolved = await resolveModel(MODEL);
  const identity = modelIdentity(MODEL, resolved, await sourceDigest(resolved.onnxPath, join(cacheDir, 'graphs')));
  const hidden = 64;
  const emotions = ['desperate', 'calm'];
  writeVectorFile(vectorFilePath(cacheDir, identity), {
    header: {
      format: 'agent-vitals-emotion-vectors',
      version: VECTOR_FILE_VERSION,
      model: identity,
      hiddenSize: hidden,
      numLayers: 4,
      emotions,
      tokenStart: 50,
      pcaSource: 'neutral-tokens',
      pcaVarianceShare: 0.5,
      neutralTokensSampled: 1,
      storiesUsed: 1,
      storiesSkipped: 0,
      corpusHash: 'test',
      createdAt: new Date(0).toISOString(),
      choice: { layer: 2, reason: 'test', perLayer: [] },
    },
    layers: [
      {
        layer: 2,
        vectors: emotions.map((_, k) =>
          Float32Array.from({ length: hidden }, (_, i) => (i % (k + 2) === 0 ? 0.3 : -0.1)),
        ),
        baseline: emotions.map(() => ({ mean: 0, std: 1 })),
        storyMean: new Float32Array(hidden),
        componentsRemoved: 0,
        varianceRemoved: 0,
      },
    ],
  });
  const { stdout } = await run(process.execPath, [
    'dist/cli.js',
    'analyze',
    'test/fixtures/transcripts/claude-code',
    '--model',
    MODEL,
    '--cache-dir',
    cacheDir,
    '--json',
  ]);
  const report = JSON.parse(stdout) as {
    sessions: {
      turns: { role: string; emotions: Record<string, number> | null }[];
      flags: { desperation: number | null }[];
    }[];
  };
  const turns = report.sessions.flatMap((s) => s.turns);
  const assistant = turns.filter((t) => t.role === 'assistant');
  assert.ok(assistant.length >= 3);
  for (const t of assistant)
    for (const e of emotions) assert.ok(Number.isFinite(t.emotions?.[e]), `assistant turn reading for ${e}`);
  for (const t of turns.filter((x) => x.role === 'user')) assert.equal(t.emotions, null);
  const flags = report.sessions.flatMap((s) => s.flags);
  assert.ok(flags.length > 0);
  for (const f of flags) assert.ok(Number.isFinite(f.desperation));
});

test('analyze --model without vectors says how to calibrate and exits 2', async () => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'av-analyze-'));
  await assert.rejects(
    run(process.execPath, [
      'dist/cli.js',
      'analyze',
      'test/fixtures/transcripts/claude-code',
      '--model',
      MODEL,
      '--cache-dir',
      cacheDir,
    ]),
    (err: { code: number; stderr: string }) =>
      err.code === 2 && /agent-vitals calibrate --model fixture:tiny-qwen2/.test(err.stderr),
  );
});

test('analyze --json with the demo model: every flag says desperation was not used, and why', async () => {
  const { stdout } = await run(process.execPath, [
    'dist/cli.js',
    'analyze',
    'test/fixtures/transcripts/claude-code',
    '--model',
    'fixture:emotion-tiny',
    '--json',
  ]);
  const report = JSON.parse(stdout) as {
    sessions: {
      flags: {
        reason: string;
        desperation: number | null;
        pressure: { failingStreak: number; desperationZ: number | null; desperationUsed: boolean; why: string };
      }[];
    }[];
  };
  const flags = report.sessions.flatMap((s) => s.flags);
  assert.ok(flags.length > 0);
  for (const f of flags) {
    assert.ok(Number.isFinite(f.pressure.desperationZ), 'the reading is reported');
    assert.equal(f.pressure.desperationZ, f.desperation);
    assert.equal(f.pressure.desperationUsed, false);
    assert.equal(f.pressure.why, 'the demo model is illustrative only: its readings are never used live');
    assert.match(f.reason, /Judged on behaviour alone \(the demo model is illustrative only/);
    assert.ok(f.pressure.failingStreak >= 0);
  }
});
