// A CLI command that downloads its model shows each file's progress on stderr (bytes of the
// total, as the editor does), and keeps quiet under --json when stderr is not a terminal.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatBytes } from '../../../src/cli/download-progress';
import { startFakeHub, type Fault } from '../model-store/fake-hub';

const FIXTURE = join(__dirname, '../../fixtures/models/tiny-qwen2');
const work = mkdtempSync(join(tmpdir(), 'av-cli-progress-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** Runs `probe` against a stand-in hub serving the fixture, into a fresh cache. */
async function probe(
  extra: string[] = [],
  fault?: [string, Fault],
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const hub = await startFakeHub({ 'test-org/tiny-qwen2': FIXTURE });
  if (fault) hub.faults.set(...fault);
  try {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/main.ts',
        'probe',
        '--model',
        'test-org/tiny-qwen2',
        '--text',
        'hello',
        '--layers',
        '1',
        '--cache-dir',
        mkdtempSync(join(work, 'cache-')),
        ...extra,
      ],
      {
        env: { ...process.env, HF_ENDPOINT: hub.url },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const status = await new Promise<number | null>((r) => child.on('close', r));
    return { status, stdout, stderr };
  } finally {
    await hub.close();
  }
}

test('a download shows every file it fetches on stderr, bytes of the total', async () => {
  const run = await probe();
  assert.equal(run.status, 0, run.stderr);
  const size = (f: string) => formatBytes(statSync(join(FIXTURE, f)).size);
  for (const file of ['config.json', 'tokenizer.json', 'onnx/model.onnx']) {
    assert.ok(
      run.stderr.includes(`downloading ${file}: ${size(file)} of ${size(file)} (100%)\n`),
      `${file} in:\n${run.stderr}`,
    );
  }
  assert.doesNotMatch(run.stdout, /downloading/);
});

test('under --json with stderr not a terminal, the download is quiet and stdout is the JSON', async () => {
  const run = await probe(['--json']);
  assert.equal(run.status, 0, run.stderr);
  assert.doesNotMatch(run.stderr, /downloading/);
  assert.equal((JSON.parse(run.stdout) as { model: string }).model, 'test-org/tiny-qwen2');
});

test('a hub that is busy for a moment: the retry is shown on stderr, then the download completes', async () => {
  const run = await probe([], ['test-org/tiny-qwen2/tokenizer.json', 'busy']);
  assert.equal(run.status, 0, run.stderr);
  assert.match(
    run.stderr,
    /\nretrying in \d(\.\d)? s \(attempt 2 of 3\): The hub 127\.0\.0\.1:\d+ could not serve test-org\/tiny-qwen2\/tokenizer\.json now \(HTTP 503\)/,
  );
  assert.match(run.stderr, /downloading tokenizer\.json: .* \(100%\)\n/);
});
