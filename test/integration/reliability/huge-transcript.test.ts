// The huge-transcript mode of the tailing benchmark, at 128 MB so the suite stays fast (the
// measured 1 GB run is `npx tsx bench/tailer.ts --huge`): malformed lines of every kind are
// skipped and counted exactly, peak RSS of the ingesting process stays bounded, the file is gone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

test('a 128 MB transcript with malformed lines mixed in: every bad line counted, memory bounded, file deleted', (t) => {
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'bench/tailer.ts', '--huge', '--mb', '128', '--max-rss-mb', '300'],
    { encoding: 'utf8' },
  );
  assert.equal(run.status, 0, run.stdout + run.stderr);
  const line = run.stdout.split('\n').find((l) => l.startsWith('huge: '));
  assert.ok(line, run.stdout);
  const result = JSON.parse(line.slice('huge: '.length)) as {
    mb: number;
    skipped: number;
    malformedWritten: number;
    peakRssMb: number;
    mbPerSecond: number;
    events: Record<string, number>;
  };
  assert.ok(result.mb >= 128, `${result.mb} MB`);
  assert.ok(result.malformedWritten > 100, `${result.malformedWritten} malformed lines written`);
  assert.equal(result.skipped, result.malformedWritten);
  assert.ok(result.peakRssMb < 300, `peak RSS ${result.peakRssMb} MB`);
  assert.ok((result.events.turn ?? 0) > 0 && (result.events['test-run'] ?? 0) > 0);
  const deleted = /deleted (\S+)/.exec(run.stdout)?.[1];
  assert.ok(deleted && !existsSync(deleted), 'the generated file was deleted');
  t.diagnostic(
    `${result.mb.toFixed(0)} MB at ${result.mbPerSecond.toFixed(0)} MB/s, peak RSS ${result.peakRssMb.toFixed(0)} MB, ${result.skipped} malformed lines counted`,
  );
});
