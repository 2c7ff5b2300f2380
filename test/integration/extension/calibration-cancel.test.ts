// The host's calibration with the real sidecar: the panel's Cancel stops the calibration a
// command started, and the panel goes back to "not calibrated".
import '../../support/vscode-stub';
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SidecarHost } from '../../../src/extension/sidecar-host';
import { SidecarError } from '../../../src/contracts/rpc-errors';
import type { ScoringStatus } from '../../../src/contracts/sidebar-protocol';

const log = { debug() {}, info() {}, warn() {}, error() {} };
const host = new SidecarHost(
  process.cwd(),
  () => ({
    model: 'fixture:tiny-qwen2',
    dtype: 'fp32',
    executionProvider: 'cpu',
    cacheDir: mkdtempSync(join(tmpdir(), 'av-cancel-')),
  }),
  log as never,
);
after(() => host.dispose());

test('cancelling from the panel stops a running calibration; with none running it does nothing', async () => {
  assert.equal(host.cancelCalibration(), false);
  const statuses: ScoringStatus[] = [];
  host.onStatus((s) => statuses.push(s));
  let cancelled = false;
  const neverAborted = new AbortController().signal;
  const started = Date.now();
  await assert.rejects(
    host.calibrate(neverAborted, () => {
      if (!cancelled) cancelled = host.cancelCalibration();
    }),
    (err: unknown) => err instanceof SidecarError && err.kind === 'cancelled',
  );
  assert.ok(cancelled, 'the calibration was running when cancelled');
  assert.ok(Date.now() - started < 30_000, 'it stopped long before a full calibration');
  assert.ok(statuses.some((s) => s.kind === 'calibrating'));
  assert.equal(statuses.at(-1)?.kind, 'uncalibrated', 'the panel is back at "not calibrated"');
  assert.equal(host.cancelCalibration(), false, 'nothing left to cancel');
  // The sidecar still works: the model is loaded and answers.
  assert.equal((await host.ensureModel())?.vectors, null);
});
