// The endpoint file: what the running endpoint serves and which transcript it writes, for the
// extension; removed on exit only by the start that wrote it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  endpointFilePath,
  readEndpointFile,
  removeEndpointFile,
  writeEndpointFile,
} from '../../../src/storage/serve-endpoint';

const ENDPOINT = {
  url: 'http://127.0.0.1:8765/v1',
  pid: 4242,
  model: 'org/m',
  transcript: '/c/serve/transcripts/t.jsonl',
  startedAt: '2026-12-03T10:00:00.000Z',
};

test('written owner-only, read back, and removed only by the process it names', () => {
  const root = mkdtempSync(join(tmpdir(), 'av-endpoint-'));
  const dir = join(root, 'serve');
  try {
    assert.equal(readEndpointFile(dir), undefined);
    writeEndpointFile(dir, ENDPOINT);
    assert.equal(statSync(endpointFilePath(dir)).mode & 0o777, 0o600);
    assert.deepEqual(readEndpointFile(dir), ENDPOINT);
    removeEndpointFile(dir, 1);
    assert.deepEqual(readEndpointFile(dir), ENDPOINT, 'another start left it alone');
    removeEndpointFile(dir, ENDPOINT.pid);
    assert.equal(readEndpointFile(dir), undefined);
    for (const bad of [
      '{',
      '[]',
      JSON.stringify({ ...ENDPOINT, pid: '4242' }),
      JSON.stringify({ ...ENDPOINT, transcript: 1 }),
      // Valid, but padded past what serve ever writes: not read whole into memory.
      JSON.stringify(ENDPOINT) + ' '.repeat(64 * 1024),
    ]) {
      writeFileSync(endpointFilePath(dir), bad);
      assert.equal(readEndpointFile(dir), undefined, bad.slice(0, 80));
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
