// Attack repro: two processes filling one model cache at once (two windows' sidecars, or the CLI
// beside the extension) must both succeed and leave every entry; a damaged cache file is named,
// discarded and rebuilt instead of failing every later load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sourceDigest } from '../../../src/engine/graph/graph-cache';

const run = promisify(execFile);
const WRITER = join(__dirname, 'digest-writer.ts');
const PER_WRITER = 150;

test('two processes writing graphs/digests.json at once lose no entry', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'av-cache2-'));
  const cacheDir = join(dir, 'graphs');
  const started = Date.now();
  const writers = ['a', 'b'].map((name) =>
    run(process.execPath, ['--import', 'tsx', WRITER, cacheDir, dir, name, String(PER_WRITER)]),
  );
  const results = await Promise.allSettled(writers);
  for (const r of results)
    assert.equal(r.status, 'fulfilled', r.status === 'rejected' ? String((r.reason as Error).message) : '');
  const records = JSON.parse(readFileSync(join(cacheDir, 'digests.json'), 'utf8')) as Record<string, unknown>;
  const count = Object.keys(records).length;
  process.stdout.write(
    `two concurrent writers × ${PER_WRITER} files: ${count} of ${2 * PER_WRITER} entries kept, ${Date.now() - started} ms\n`,
  );
  assert.equal(count, 2 * PER_WRITER);
});

test('a damaged digests.json is named, discarded and rebuilt', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'av-cache2-'));
  const file = join(dir, 'model.onnx');
  writeFileSync(file, 'weights');
  const recordsPath = join(dir, 'digests.json');
  writeFileSync(recordsPath, '{"a": {"size": 1}} trailing');
  const warnings: string[] = [];
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string) => (warnings.push(String(chunk)), true)) as typeof process.stderr.write;
  let digest: string;
  try {
    digest = await sourceDigest(file, dir);
  } finally {
    process.stderr.write = write;
  }
  assert.match(digest, /^[0-9a-f]{64}$/);
  assert.ok(
    warnings.some((w) => w.includes(recordsPath) && /discarded/.test(w)),
    warnings.join(''),
  );
  assert.deepEqual(Object.keys(JSON.parse(readFileSync(recordsPath, 'utf8'))), [file]);
});
