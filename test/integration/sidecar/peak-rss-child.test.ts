// A real child process: getrusage's maxRSS would hand it the parent's peak across fork+exec.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';

test("a child process does not report its parent's peak", { skip: process.platform !== 'linux' }, () => {
  const hog = Buffer.alloc(300 * 2 ** 20, 1);
  const script =
    "const { peakRssBytes } = require('./src/sidecar/peak-rss.ts'); process.stdout.write(String(peakRssBytes()));";
  const childPeak = Number(execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8' }));
  assert.ok(childPeak < 250 * 2 ** 20, `child reports ${Math.round(childPeak / 2 ** 20)} MiB`);
  assert.equal(hog[0], 1);
});
