import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readFile, realpath, symlink, writeFile, rm, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestRunEvent } from '../../../src/core/events';
import { TamperEngine, type TamperFlag } from '../../../src/tamper/engine';
import { FlagStore } from '../../../src/tamper/flag-store';
import { FolderFlagStorage, nodeWorkspaceFiles } from '../../../src/tamper/node-storage';
import { flagsAfterFailingRun } from './failing-run-edit';
import { editHunk } from '../../../src/guard/guard-memory';

const BEFORE = "test('adds', () => {\n  expect(add(1, 2)).toBe(3);\n});\n";
const AFTER = "test.skip('adds', () => {\n  expect(add(1, 2)).toBe(3);\n});\n";

async function workspace(): Promise<{ root: string; storage: string; file: string }> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), 'av-flags-')));
  const root = join(dir, 'ws');
  await mkdir(join(root, 'test'), { recursive: true });
  const file = join(root, 'test', 'add.test.ts');
  await writeFile(file, AFTER);
  return { root, storage: join(dir, 'storage'), file };
}

/** `after` null: the edit deleted the file. */
const flagsFor = (path: string, seq = 2, before = BEFORE, after: string | null = AFTER): TamperFlag[] =>
  flagsAfterFailingRun({ path, op: after === null ? 'delete' : 'update', before, after: after ?? undefined, seq });

const yes = async (): Promise<boolean> => true;
const no = async (): Promise<boolean> => false;

test('flags survive reopening the store, in order, with their status', async () => {
  const ws = await workspace();
  const store = await FlagStore.open(new FolderFlagStorage(ws.storage));
  await store.upsert(flagsFor(ws.file, 4));
  await store.upsert(flagsFor(ws.file, 2));
  await store.dismiss(store.list()[1].id);
  const reopened = await FlagStore.open(new FolderFlagStorage(ws.storage));
  assert.deepEqual(
    reopened.list().map((f) => [f.editSeq, f.status]),
    [
      [2, 'open'],
      [4, 'dismissed'],
    ],
  );
  assert.deepEqual(reopened.list()[0].kinds, ['skip-added']);
  // A refreshed flag (e.g. after the next run) keeps the user's choice.
  await reopened.upsert(flagsFor(ws.file, 4));
  assert.equal(reopened.get(reopened.list()[1].id)?.status, 'dismissed');
});

test('mark as legitimate is remembered for the hunk, or for the whole file', async () => {
  const ws = await workspace();
  const store = await FlagStore.open(new FolderFlagStorage(ws.storage));
  const [first] = await store.upsert(flagsFor(ws.file, 2));
  await store.markLegitimate(first.id);
  const [sameHunk] = await store.upsert(flagsFor(ws.file, 4));
  assert.equal(sameHunk.status, 'legitimate');
  const otherEdit = flagsFor(ws.file, 6, BEFORE.replace('3);', '3);\n  expect(add(2, 2)).toBe(4);'), AFTER);
  const [other] = await store.upsert(otherEdit);
  assert.equal(other.status, 'open');
  await store.markLegitimate(other.id, 'file');
  const [later] = await store.upsert(flagsFor(ws.file, 8, BEFORE, BEFORE.replace("test('adds'", "test.only('adds'")));
  assert.equal(later.status, 'legitimate');
  const reopened = await FlagStore.open(new FolderFlagStorage(ws.storage));
  assert.equal(reopened.isLegitimate({ path: ws.file, hunk: 'anything' }), true);
});

test('a guard decision called legitimate marks the same hunk the flag of that edit has: its open flags follow, later ones arrive marked', async () => {
  const ws = await workspace();
  const store = await FlagStore.open(new FolderFlagStorage(ws.storage));
  const [open] = await store.upsert(flagsFor(ws.file, 2));
  // The hook remembers the edit it was asked about by the same fingerprint, from the same texts.
  const changed = await store.remember({ path: ws.file, hunk: editHunk(ws.file, BEFORE, AFTER) });
  assert.deepEqual(
    changed.map((f) => f.id),
    [open.id],
  );
  assert.equal(store.get(open.id)?.status, 'legitimate');
  const [later] = await store.upsert(flagsFor(ws.file, 4));
  assert.equal(later.status, 'legitimate');
  const [otherHunk] = await store.upsert(
    flagsFor(ws.file, 6, BEFORE, BEFORE.replace("test('adds'", "test.only('adds'")),
  );
  assert.equal(otherHunk.status, 'open');
});

test('revert writes the before-text only after confirmation', async () => {
  const ws = await workspace();
  const store = await FlagStore.open(new FolderFlagStorage(ws.storage));
  const [flag] = await store.upsert(flagsFor(ws.file));
  assert.deepEqual(await store.revert(flag.id, nodeWorkspaceFiles, ws.root, no), {
    reverted: false,
    reason: 'Revert cancelled.',
  });
  assert.equal(await readFile(ws.file, 'utf8'), AFTER);
  assert.deepEqual(await store.revert(flag.id, nodeWorkspaceFiles, ws.root, yes), { reverted: true });
  assert.equal(await readFile(ws.file, 'utf8'), BEFORE);
  assert.equal(store.get(flag.id)?.status, 'reverted');
});

test('revert refuses when the file no longer holds the after-text', async () => {
  const ws = await workspace();
  const store = await FlagStore.open(new FolderFlagStorage(ws.storage));
  const [flag] = await store.upsert(flagsFor(ws.file));
  await writeFile(ws.file, AFTER + '// later work\n');
  let asked = false;
  const outcome = await store.revert(flag.id, nodeWorkspaceFiles, ws.root, async () => (asked = true));
  assert.equal(outcome.reverted, false);
  assert.match(outcome.reverted ? '' : outcome.reason, /changed since this edit/);
  assert.equal(asked, false, 'no confirmation is asked for a revert that cannot happen');
  assert.equal(await readFile(ws.file, 'utf8'), AFTER + '// later work\n');
});

test('revert refuses paths outside the workspace, symlinks included', async () => {
  const ws = await workspace();
  const outside = join(ws.storage, '..', 'outside.test.ts');
  await writeFile(outside, AFTER);
  const link = join(ws.root, 'test', 'linked.test.ts');
  await symlink(outside, link);
  const store = await FlagStore.open(new FolderFlagStorage(ws.storage));
  for (const path of [outside, link]) {
    const [flag] = await store.upsert(flagsFor(path, path === link ? 4 : 2));
    const outcome = await store.revert(flag.id, nodeWorkspaceFiles, ws.root, yes);
    assert.equal(outcome.reverted, false);
    assert.match(outcome.reverted ? '' : outcome.reason, /outside the workspace/);
  }
  assert.equal(await readFile(outside, 'utf8'), AFTER);
});

test('reverting a deleted test file puts it back; a recreated file blocks it', async () => {
  const ws = await workspace();
  await rm(ws.file);
  const store = await FlagStore.open(new FolderFlagStorage(ws.storage));
  const [flag] = await store.upsert(flagsFor(ws.file, 2, BEFORE, null));
  assert.deepEqual(flag.kinds, ['test-file-deleted']);
  await writeFile(ws.file, 'new content');
  const blocked = await store.revert(flag.id, nodeWorkspaceFiles, ws.root, yes);
  assert.equal(blocked.reverted, false);
  await rm(ws.file);
  assert.deepEqual(await store.revert(flag.id, nodeWorkspaceFiles, ws.root, yes), { reverted: true });
  assert.equal(await readFile(ws.file, 'utf8'), BEFORE);
  await access(ws.file);
});

test('unreadable or malformed records are skipped and counted, the others load', async () => {
  const ws = await workspace();
  const storage = new FolderFlagStorage(ws.storage);
  const store = await FlagStore.open(storage);
  await store.upsert(flagsFor(ws.file));
  await storage.write('flags', 'cut-short', '{"id":"x","path":');
  await storage.write('flags', 'not-a-flag', JSON.stringify({ id: 3 }));
  await storage.write('legitimate', 'null', 'null');
  const partial = await FlagStore.open(storage);
  assert.equal(partial.list().length, 1);
  assert.equal(partial.skippedOnLoad, 3);
  await assert.rejects(partial.dismiss('nope'), /No flag with id nope/);
});

test('a flag about a test command cannot be reverted', async () => {
  const ws = await workspace();
  const engine = new TamperEngine();
  const runEvent = (seq: number, command: string, failed: number): TestRunEvent => ({
    source: 'codex',
    sessionId: 's',
    seq,
    ts: `2026-01-01T00:00:0${seq}Z`,
    type: 'test-run',
    command,
    framework: 'jest',
    exitCode: failed ? 1 : 0,
    passed: 1,
    failed,
    skipped: 0,
    failingIds: [],
    origin: 'agent',
    workspaceRoot: ws.root,
  });
  engine.observe(runEvent(1, 'npx jest', 1));
  const flags = engine.observe(runEvent(2, 'npx jest || true', 0));
  const store = await FlagStore.open(new FolderFlagStorage(ws.storage));
  const [flag] = await store.upsert(flags);
  const outcome = await store.revert(flag.id, nodeWorkspaceFiles, ws.root, yes);
  assert.match(outcome.reverted ? '' : outcome.reason, /test command/);
});

test('an edit recorded only as a diff is shown but not reverted', async () => {
  const ws = await workspace();
  const engine = new TamperEngine();
  const diff = "@@\n-test('adds', () => {\n+test.skip('adds', () => {\n   expect(add(1, 2)).toBe(3);";
  engine.observe({
    source: 'roo',
    sessionId: 's',
    seq: 1,
    ts: '2026-01-01T00:00:01Z',
    type: 'test-run',
    command: 'jest',
    framework: 'jest',
    exitCode: 1,
    passed: 0,
    failed: 1,
    skipped: 0,
    failingIds: ['adds'],
    origin: 'agent',
  });
  const flags = engine.observe({
    source: 'roo',
    sessionId: 's',
    seq: 2,
    ts: '2026-01-01T00:00:02Z',
    type: 'file-edit',
    path: ws.file,
    op: 'update',
    diff,
    origin: 'tool',
    isTestPath: true,
  });
  assert.deepEqual(flags[0].kinds, ['skip-added']);
  assert.equal(flags[0].wholeFile, false);
  const store = await FlagStore.open(new FolderFlagStorage(ws.storage));
  const [flag] = await store.upsert(flags);
  const outcome = await store.revert(flag.id, nodeWorkspaceFiles, ws.root, yes);
  assert.match(outcome.reverted ? '' : outcome.reason, /Only a diff/);
  assert.equal(await readFile(ws.file, 'utf8'), AFTER);
});

test('concurrent actions are saved in order and nothing is lost', async () => {
  const ws = await workspace();
  const store = await FlagStore.open(new FolderFlagStorage(ws.storage));
  const flags = [2, 4, 6, 8].flatMap((seq) => flagsFor(ws.file, seq));
  await store.upsert(flags);
  const ids = store.list().map((f) => f.id);
  await Promise.all([
    store.dismiss(ids[0]),
    store.markLegitimate(ids[1], 'hunk'),
    store.dismiss(ids[3]),
    store.upsert(flagsFor(ws.file, 9)),
  ]);
  const reopened = await FlagStore.open(new FolderFlagStorage(ws.storage));
  assert.equal(reopened.list().length, 5);
  assert.equal(reopened.get(ids[0])?.status, 'dismissed');
  assert.equal(reopened.get(ids[3])?.status, 'dismissed');
  assert.equal(reopened.get(ids[1])?.status, 'legitimate');
});

test("an earlier version's single-file store is imported once, statuses and marks kept", async () => {
  const ws = await workspace();
  const [flag] = flagsFor(ws.file);
  await mkdir(ws.storage, { recursive: true });
  const legacy = join(ws.storage, 'agentVitals.flags.json');
  await writeFile(
    legacy,
    JSON.stringify({
      version: 1,
      flags: [{ ...flag, status: 'dismissed' }, { id: 3 }],
      legitimate: [{ path: ws.file, hunk: null }],
    }),
  );
  const store = await FlagStore.open(new FolderFlagStorage(ws.storage));
  assert.deepEqual(
    store.list().map((f) => [f.id, f.status]),
    [[flag!.id, 'dismissed']],
  );
  assert.equal(store.isLegitimate({ path: ws.file, hunk: 'any' }), true);
  assert.deepEqual(await store.texts(flag!.id, nodeWorkspaceFiles), { before: BEFORE, after: AFTER });
  await assert.rejects(access(legacy));
  await access(`${legacy}.imported`);
  const reopened = await FlagStore.open(new FolderFlagStorage(ws.storage));
  assert.equal(reopened.list().length, 1);
});

test('windows sharing the store show the reason of whichever recorded the flag first, until its severity rises', async () => {
  const ws = await workspace();
  const [a, b] = await Promise.all([
    FlagStore.open(new FolderFlagStorage(ws.storage)),
    FlagStore.open(new FolderFlagStorage(ws.storage)),
  ]);
  const [raised] = flagsFor(ws.file, 2);
  const said = (reason: string, severity = raised!.severity): TamperFlag[] => [{ ...raised!, reason, severity }];
  // Both windows see the edit at once; creation is exclusive, so exactly one reason is stored.
  const [fromA, fromB] = await Promise.all([
    a.upsert(said('reason of window A')),
    b.upsert(said('reason of window B')),
  ]);
  assert.equal(fromA[0]!.reason, fromB[0]!.reason);
  const stored = fromA[0]!.reason;
  // A later window raising it again at the same severity adopts the stored words.
  const c = await FlagStore.open(new FolderFlagStorage(ws.storage));
  const [again] = await c.upsert(said('reason of window C'));
  assert.equal(again!.reason, stored);
  assert.equal((await b.upsert(said('window B, later')))[0]!.reason, stored);
  // A rise in severity is news: its words replace the stored ones, for every store that reads it.
  const [critical] = await b.upsert(said('critical now', 'critical'));
  assert.equal(critical!.reason, 'critical now');
  const reopened = await FlagStore.open(new FolderFlagStorage(ws.storage));
  assert.equal(reopened.get(raised!.id)?.reason, 'critical now');
});

test("a flag's notification is claimed once per workspace and severity: across windows and reopening", async () => {
  const ws = await workspace();
  const [a, b] = await Promise.all([
    FlagStore.open(new FolderFlagStorage(ws.storage)),
    FlagStore.open(new FolderFlagStorage(ws.storage)),
  ]);
  const claims = await Promise.all([
    a.claimNotification('f1', 'warning'),
    b.claimNotification('f1', 'warning'),
    a.claimNotification('f1', 'warning'),
  ]);
  assert.deepEqual(claims.filter(Boolean).length, 1);
  const reopened = await FlagStore.open(new FolderFlagStorage(ws.storage));
  assert.equal(await reopened.claimNotification('f1', 'warning'), false);
  assert.equal(await reopened.claimNotification('f2', 'warning'), true);
  // Escalated to critical: announced once more, at the new severity only.
  assert.equal(await reopened.claimNotification('f1', 'critical'), true);
  assert.equal(await b.claimNotification('f1', 'critical'), false);
});
