import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readFile, writeFile, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adoptEarlierStore, flagStoreDir } from '../../../src/extension/flags/flag-store-dir';

test('every window on a workspace gets the same flag store; another workspace gets its own', () => {
  const a = flagStoreDir('/g', ['/w/api', '/w/web']);
  assert.equal(flagStoreDir('/g', ['/w/web', '/w/api']), a, 'folder order does not matter');
  assert.notEqual(flagStoreDir('/g', ['/w/api']), a);
  assert.ok(a.startsWith(join('/g', 'workspaces')));
});

test('the store an earlier version kept per window moves once, and never over a newer store', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'av-flagdir-'));
  const earlier = join(dir, 'window-storage', 'flags');
  await mkdir(join(earlier, 'flags'), { recursive: true });
  await writeFile(join(earlier, 'flags', 'f1.json'), '{"old":true}');
  const to = flagStoreDir(join(dir, 'global'), ['/w']);
  await Promise.all([adoptEarlierStore(earlier, to), adoptEarlierStore(earlier, to)]);
  assert.equal(await readFile(join(to, 'flags', 'f1.json'), 'utf8'), '{"old":true}');
  await assert.rejects(access(earlier));
  // A second window's earlier store does not replace the shared one.
  const other = join(dir, 'window-storage-1', 'flags');
  await mkdir(join(other, 'flags'), { recursive: true });
  await writeFile(join(other, 'flags', 'f2.json'), '{}');
  await adoptEarlierStore(other, to);
  await assert.rejects(access(join(to, 'flags', 'f2.json')));
  await adoptEarlierStore(join(dir, 'nowhere'), flagStoreDir(join(dir, 'global'), ['/v']));
});
