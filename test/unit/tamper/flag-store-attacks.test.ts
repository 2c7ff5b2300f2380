// Attack repros for revert and the flag store: a link swapped in while the confirmation is open,
// a relative path from a transcript without a working folder, a confirmation that does not show
// what will be written, and two stores on one folder overwriting each other.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readFile, realpath, rename, symlink, writeFile, rm, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FileEditEvent } from '../../../src/core/events';
import type { TamperFlag } from '../../../src/tamper/engine';
import { FlagStore } from '../../../src/tamper/flag-store';
import { FolderFlagStorage, nodeWorkspaceFiles } from '../../../src/tamper/node-storage';
import { flagsAfterFailingRun } from './failing-run-edit';

const BEFORE = "test('adds', () => {\n  expect(add(1, 2)).toBe(3);\n});\n";
const AFTER = "test.skip('adds', () => {\n  expect(add(1, 2)).toBe(3);\n});\n";

async function workspace(): Promise<{ dir: string; root: string; storage: string; file: string; outside: string }> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), 'av-flagx-')));
  const root = join(dir, 'ws');
  await mkdir(join(root, 'test'), { recursive: true });
  await mkdir(join(dir, 'outside'));
  const file = join(root, 'test', 'add.test.ts');
  await writeFile(file, AFTER);
  return { dir, root, storage: join(dir, 'storage'), file, outside: join(dir, 'outside', 'add.test.ts') };
}

/** A flag on a file the edit created (the classifier's reasons do not matter to the store). */
function createdFlag(path: string, seq: number): TamperFlag[] {
  const [flag] = flagsFor(path, 'update', seq);
  return [{ ...flag!, op: 'create', before: null, after: AFTER }];
}

const flagsFor = (
  path: string,
  op: FileEditEvent['op'] = 'update',
  seq = 2,
  before: string | undefined = BEFORE,
  after: string | undefined = AFTER,
): TamperFlag[] => flagsAfterFailingRun({ path, op, before, after, seq });

test('a symlink swapped in while the confirmation is open is refused, not followed', async () => {
  const ws = await workspace();
  await writeFile(ws.outside, AFTER); // same content: only the file's identity tells them apart
  const store = await FlagStore.open(new FolderFlagStorage(ws.storage));
  const [flag] = await store.upsert(flagsFor(ws.file));
  const outcome = await store.revert(flag.id, nodeWorkspaceFiles, ws.root, async () => {
    await rm(ws.file);
    await symlink(ws.outside, ws.file);
    return true;
  });
  assert.equal(outcome.reverted, false);
  assert.match(outcome.reverted ? '' : outcome.reason, /symbolic link.*nothing was written/);
  assert.equal(await readFile(ws.outside, 'utf8'), AFTER, 'the outside file is untouched');
  assert.equal(store.get(flag.id)?.status, 'open');
});

test('a folder swapped for a link while the confirmation is open is refused: nothing outside is written or deleted', async () => {
  for (const op of ['update', 'create'] as const) {
    const ws = await workspace();
    await writeFile(ws.outside, AFTER);
    const store = await FlagStore.open(new FolderFlagStorage(ws.storage));
    const [flag] = await store.upsert(op === 'create' ? createdFlag(ws.file, 2) : flagsFor(ws.file));
    const outcome = await store.revert(flag.id, nodeWorkspaceFiles, ws.root, async () => {
      await rename(join(ws.root, 'test'), join(ws.dir, 'moved'));
      await symlink(join(ws.dir, 'outside'), join(ws.root, 'test'));
      return true;
    });
    assert.equal(outcome.reverted, false, op);
    assert.match(
      outcome.reverted ? '' : outcome.reason,
      /changed while the confirmation was open.*nothing was written/,
      op,
    );
    assert.equal(
      await readFile(ws.outside, 'utf8'),
      AFTER,
      `${op}: the outside file is neither overwritten nor deleted`,
    );
  }
});

test('a file changed while the confirmation is open is not overwritten', async () => {
  const ws = await workspace();
  const store = await FlagStore.open(new FolderFlagStorage(ws.storage));
  const [flag] = await store.upsert(flagsFor(ws.file));
  const outcome = await store.revert(flag.id, nodeWorkspaceFiles, ws.root, async () => {
    await writeFile(ws.file, AFTER + '// typed meanwhile\n');
    return true;
  });
  assert.equal(outcome.reverted, false);
  assert.equal(await readFile(ws.file, 'utf8'), AFTER + '// typed meanwhile\n');
});

test('a relative flag path never resolves against the process working folder', async () => {
  const ws = await workspace();
  const cwd = process.cwd();
  process.chdir(join(ws.root, 'test'));
  try {
    const store = await FlagStore.open(new FolderFlagStorage(ws.storage));
    const [flag] = await store.upsert(flagsFor('add.test.ts'));
    const outcome = await store.revert(flag.id, nodeWorkspaceFiles, ws.root, async () => true);
    assert.equal(outcome.reverted, false);
    assert.match(outcome.reverted ? '' : outcome.reason, /without the folder it is relative to/);
  } finally {
    process.chdir(cwd);
  }
  assert.equal(await readFile(ws.file, 'utf8'), AFTER);
});

test('the confirmation is shown the text that will be written (null: the file will be deleted)', async () => {
  const ws = await workspace();
  const store = await FlagStore.open(new FolderFlagStorage(ws.storage));
  const [flag] = await store.upsert(flagsFor(ws.file));
  const shown: (string | null)[] = [];
  await store.revert(flag.id, nodeWorkspaceFiles, ws.root, async (_flag, text) => (shown.push(text), false));
  const [created] = await store.upsert(createdFlag(ws.file, 4));
  assert.deepEqual(
    await store.revert(created.id, nodeWorkspaceFiles, ws.root, async (_flag, text) => (shown.push(text), true)),
    { reverted: true },
  );
  assert.deepEqual(shown, [BEFORE, null]);
  await assert.rejects(access(ws.file));
});

test("two stores on one folder keep each other's flags and actions", async () => {
  const ws = await workspace();
  const [a, b] = await Promise.all([
    FlagStore.open(new FolderFlagStorage(ws.storage)),
    FlagStore.open(new FolderFlagStorage(ws.storage)),
  ]);
  await a.upsert(flagsFor(ws.file, 'update', 2));
  await b.upsert(flagsFor(ws.file, 'update', 4));
  await a.dismiss(a.list()[0]!.id);
  await b.upsert(flagsFor(ws.file, 'update', 6));
  const reopened = await FlagStore.open(new FolderFlagStorage(ws.storage));
  assert.deepEqual(
    reopened.list().map((f) => [f.editSeq, f.status]),
    [
      [2, 'dismissed'],
      [4, 'open'],
      [6, 'open'],
    ],
  );
});

test('a flag on a 1 MB file keeps a few hundred bytes, and the diff comes back whole while the file holds the edit', async () => {
  const ws = await workspace();
  const filler = Array.from(
    { length: 20_000 },
    (_, i) => `test('case ${i}', () => { expect(f(${i})).toBe(${i}); });\n`,
  ).join('');
  const before = filler + BEFORE + filler;
  const after = filler + AFTER + filler;
  assert.ok(after.length > 1_000_000);
  await writeFile(ws.file, after);
  const store = await FlagStore.open(new FolderFlagStorage(ws.storage));
  // The store is under test, not the classifier (seconds on a 1 MB file): the edit is classified
  // on its own lines, and the store is handed the whole texts it came from.
  const [classified] = flagsFor(ws.file, 'update', 2);
  const [flag] = await store.upsert([{ ...classified!, before, after }]);
  assert.ok(store.sizeBytes < 4096, `the flag takes ${store.sizeBytes} bytes`);
  assert.deepEqual(await store.texts(flag.id, nodeWorkspaceFiles), { before, after });
  assert.deepEqual(await store.revert(flag.id, nodeWorkspaceFiles, ws.root, async () => true), { reverted: true });
  assert.equal(await readFile(ws.file, 'utf8'), before);
});

test('a store at its budget keeps new flags without their text and says so once', async () => {
  const ws = await workspace();
  const warnings: string[] = [];
  const store = await FlagStore.open(new FolderFlagStorage(ws.storage), {
    budgetBytes: 6000,
    warn: (m) => warnings.push(m),
  });
  for (let seq = 2; seq < 9; seq += 2)
    await store.upsert(flagsFor(ws.file, 'update', seq, BEFORE + 'x'.repeat(1500 * seq), AFTER));
  assert.equal(store.list().length, 4);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, new RegExp(`flag store in ${ws.storage} has reached its .* budget`));
  const last = store.list().at(-1)!;
  const outcome = await store.revert(last.id, nodeWorkspaceFiles, ws.root, async () => true);
  assert.match(outcome.reverted ? '' : outcome.reason, /more than the .* a flag keeps/);
});
