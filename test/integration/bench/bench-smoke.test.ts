import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The real benchmark needs the 0.5B-shaped model and minutes; this runs the same code on a
// fixture with tiny sizes to keep it working.
test('the benchmark runs end to end on a fixture model and writes its results', () => {
  const out = mkdtempSync(join(tmpdir(), 'av-bench-'));
  const run = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      'bench/run.ts',
      '--model',
      'fixture:tiny-qwen2',
      '--dtype',
      'fp32',
      '--prefix',
      '120',
      '--turn',
      '12',
      '--probe-tokens',
      '16',
      '--repeats',
      '1',
      '--out',
      out,
    ],
    { encoding: 'utf8' },
  );
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /probe graph vs full graph/);
  const [file] = readdirSync(out);
  const report = JSON.parse(readFileSync(join(out, file), 'utf8'));
  const [r] = report.results;
  assert.equal(r.dtype, 'fp32');
  assert.equal(r.probeLayer, 3);
  for (const value of [
    r.probeGraph.speedup,
    r.kvAppend.speedupVsReencode,
    r.kvAppend.ratioVsTurnAlone,
    r.protocol.ratio,
    r.memory.ratioToWeights,
  ]) {
    assert.ok(Number.isFinite(value) && value > 0, String(value));
  }
  assert.equal(r.kvAppend.prefixTokens, 120);
  assert.ok(r.protocol.historyTokens > 0);
});
