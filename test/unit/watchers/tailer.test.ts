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
  return {
    dir,
    file,
    lines,
    tailer,
    restarts: () => restarts,
    done: () => rmSync(dir, { recursive: true, force: true }),
  };
}

test('tailer: reads appended lines by byte offset and holds back a partial last line', async () => {
  const t = setup();
  try {
    assert.equal(await t.tailer.readAvailable(), 'missing');
    writeFileSync(t.file, 'one\ntwo\nthr');
    assert.equal(await t.tailer.readAvailable(), 'read');
    assert.deepEqual(t.lines, [
      ['one', 0],
      ['two', 4],
    ]);
    assert.equal(await t.tailer.readAvailable(), 'unchanged');
    appendFileSync(t.file, 'ee\r\nfour\n');
    await t.tailer.readAvailable();
    assert.deepEqual(t.lines.slice(2), [
      ['three', 8],
      ['four', 15],
    ]);
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
    assert.deepEqual(t.lines, [
      ['ñandú — 🦆', 0],
      ['ok', Buffer.byteLength('ñandú — 🦆\n')],
    ]);
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
    assert.deepEqual(
      t.lines.map((l) => l[0]),
      ['a1', 'a2', 'b1'],
    );
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

test('tailer: any split of appends and any read chunk size yield the same lines and byte offsets', async () => {
  const fc = await import('fast-check');
  const dir = mkdtempSync(join(tmpdir(), 'av-tail-prop-'));
  let run = 0;
  try {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.string({ unit: fc.constantFrom('a', 'é', '🦆', ' ', '{', '"'), maxLength: 12 }), {
          minLength: 1,
          maxLength: 12,
        }),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.integer({ min: 1, max: 16 }),
        async (lines, cuts, chunkBytes) => {
          const file = join(dir, `f${run++}.jsonl`);
          const data = Buffer.from(lines.map((l) => l + '\n').join(''));
          const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
          const seen: [string, number][] = [];
          const tailer = new LineTailer(file, (l, o) => seen.push([l, o]), { chunkBytes });
          writeFileSync(file, '');
          let from = 0;
          for (const to of [...points, data.length]) {
            appendFileSync(file, data.subarray(from, to));
            from = to;
            await tailer.readAvailable();
          }
          let offset = 0;
          const expected = lines.map((l) => {
            const entry: [string, number] = [l, offset];
            offset += Buffer.byteLength(l) + 1;
            return entry;
          });
          assert.deepEqual(seen, expected);
        },
      ),
      { numRuns: 150 },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('tailer: a file truncated and regrown past its old size between two reads is read again from the start', async () => {
  const t = setup();
  try {
    writeFileSync(t.file, '{"n":1}\n{"n":2}\n');
    await t.tailer.readAvailable();
    // Same inode, and by the next read longer than before: only its contents tell it apart.
    truncateSync(t.file, 0);
    appendFileSync(t.file, '{"m":1}\n{"m":2}\n{"m":3}\n');
    assert.equal(await t.tailer.readAvailable(), 'restarted');
    assert.deepEqual(
      t.lines.map((l) => l[0]),
      ['{"n":1}', '{"n":2}', '{"m":1}', '{"m":2}', '{"m":3}'],
    );
    assert.equal(t.restarts(), 1);
    // Plain appends are not mistaken for a rewrite.
    appendFileSync(t.file, '{"m":4}\n');
    assert.equal(await t.tailer.readAvailable(), 'read');
    assert.equal(t.restarts(), 1);
  } finally {
    t.done();
  }
});

test('tailer: a line whose handler throws does not stall the tailer; the next read goes on after it', async () => {
  const t = setup();
  try {
    const lines: string[] = [];
    const tailer = new LineTailer(
      t.file,
      (l) => {
        if (l === 'bad') throw new Error('handler failed');
        lines.push(l);
      },
      { chunkBytes: 5 },
    );
    writeFileSync(t.file, 'ok1\n');
    await tailer.readAvailable();
    appendFileSync(t.file, 'bad\nok2\n');
    await assert.rejects(tailer.readAvailable(), /handler failed/);
    await tailer.readAvailable();
    appendFileSync(t.file, 'ok3\n');
    await tailer.readAvailable();
    assert.deepEqual(lines, ['ok1', 'ok2', 'ok3']);
    assert.equal(tailer.offset, 16);
  } finally {
    t.done();
  }
});

test('tailer: an oversized last line without a final newline is reported when the file ends', async () => {
  const t = setup();
  try {
    const dropped: [number, number][] = [];
    const tailer = new LineTailer(t.file, () => {}, {
      chunkBytes: 8,
      maxLineBytes: 16,
      onOversizedLine: (o, b) => void dropped.push([o, b]),
    });
    writeFileSync(t.file, 'short\n' + 'x'.repeat(100));
    await tailer.readAvailable();
    tailer.flushPartial();
    assert.deepEqual(dropped, [[6, 100]]);
  } finally {
    t.done();
  }
});
