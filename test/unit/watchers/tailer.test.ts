import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LineTailer } from '../../../src/watchers/tailer';

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'av-tail-'));
  const file = join(dir, 's.jsonl');
  const lines: [string, number][] = [];
  let restarts = 0;
  const tailer = new LineTailer(file, (l, o) => lines.push([l, o]), { chunkBytes: 7, onRestart: () => restarts++ });
  return { dir, file, lines, tailer, restarts: () => restarts, done: () => rmSync(dir, { recursive: true, force: true }) };
}

test('tailer: reads appended lines by byte offset and holds back a partial last line', async () => {
  const t = setup();
  try {
    assert.equal(await t.tailer.readAvailable(), 'missing');
    writeFileSync(t.file, 'one\ntwo\nthr');
    assert.equal(await t.tailer.readAvailable(), 'read');
    assert.deepEqual(t.lines, [['one', 0], ['two', 4]]);
    assert.equal(await t.tailer.readAvailable(), 'unchanged');
    appendFileSync(t.file, 'ee\r\nfour\n');
    await t.tailer.readAvailable();
    assert.deepEqual(t.lines.slice(2), [['three', 8], ['four', 15]]);
    assert.equal(t.tailer.offset, 20);
  } finally {
    t.done();
  }
});

test('tailer: multi-byte characters split across read chunks stay intact, offsets are bytes', async () => {
  const t = setup();
  try {
    writeFileSync(t.file, 'ñandú — 🦆\nok\n');
    await t.tailer.readAvailable();
    assert.deepEqual(t.lines, [['ñandú — 🦆', 0], ['ok', Buffer.byteLength('ñandú — 🦆\n')]]);
  } finally {
    t.done();
  }
});

test('tailer: truncation and replacement restart from the beginning', async () => {
  const t = setup();
  try {
    writeFileSync(t.file, 'a1\na2\n');
    await t.tailer.readAvailable();
    truncateSync(t.file, 0);
    appendFileSync(t.file, 'b1\n');
    assert.equal(await t.tailer.readAvailable(), 'restarted');
    assert.deepEqual(t.lines.map((l) => l[0]), ['a1', 'a2', 'b1']);
    // Rotation: a new file (new inode) appears under the same name, even one that is longer.
    const other = t.file + '.new';
    writeFileSync(other, 'c1\nc2\nc3\nc4\n');
    renameSync(other, t.file);
    assert.equal(await t.tailer.readAvailable(), 'restarted');
    assert.deepEqual(t.lines.map((l) => l[0]).slice(3), ['c1', 'c2', 'c3', 'c4']);
    assert.equal(t.restarts(), 2);
    rmSync(t.file);
    assert.equal(await t.tailer.readAvailable(), 'missing');
  } finally {
    t.done();
  }
});

test('tailer: resumes from a saved offset and coalesces concurrent reads', async () => {
  const t = setup();
  try {
    writeFileSync(t.file, 'old\nnew\n');
    const lines: string[] = [];
    const resumed = new LineTailer(t.file, (l) => lines.push(l), { startOffset: 4 });
    await Promise.all([resumed.readAvailable(), resumed.readAvailable(), resumed.readAvailable()]);
    assert.deepEqual(lines, ['new']);
    appendFileSync(t.file, 'tail');
    await resumed.readAvailable();
    resumed.flushPartial();
    assert.deepEqual(lines, ['new', 'tail']);
  } finally {
    t.done();
  }
});
