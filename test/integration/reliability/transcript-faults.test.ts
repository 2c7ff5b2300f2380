// Transcripts that go wrong while followed: malformed JSON, non-UTF-8 bytes, a line cut short,
// rotation, deletion, a line longer than memory should hold, and a large file read with flat
// memory. Nothing crashes, every readable turn arrives once, every unreadable record is counted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  appendFileSync,
  mkdtempSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeFileSync,
  openSync,
  writeSync,
  closeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentEvent, TurnEvent } from '../../../src/core/events';
import { TranscriptFollower } from '../../../src/watchers/follower';
import { readTranscript } from '../../../src/watchers/read-transcript';
import { createReader } from '../../../src/watchers/sources';
import { LineTailer } from '../../../src/watchers/tailer';
import { assistantLine } from './claude-lines';

function follow(file: string) {
  const events: AgentEvent[] = [];
  const skips: number[] = [];
  const errors: unknown[] = [];
  const reader = createReader({ source: 'claude-code', file, head: '', sink: (e) => void events.push(e) });
  const follower = new TranscriptFollower(
    file,
    reader,
    (e) => void errors.push(e),
    (n) => void skips.push(n),
  );
  const turnIds = () =>
    events.filter((e): e is TurnEvent => e.type === 'turn').map((t) => t.turnId.replace(/^soak-/, ''));
  return { follower, reader, events, skips, errors, turnIds };
}

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'av-faults-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('malformed JSON, non-UTF-8 bytes and a cut-short line: turns arrive once, bad records are counted and reported', async (t) => {
  const file = join(tempDir(t), 'session.jsonl');
  writeFileSync(
    file,
    [assistantLine(0), '{"type":"assistant", "message": {', 'not json at all', assistantLine(1), ''].join('\n'),
  );
  appendFileSync(
    file,
    Buffer.concat([
      Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x0a]),
      Buffer.from(assistantLine(2).replace('Turn 2', 'Turn 2 \udcff')),
    ]),
  );
  const f = follow(file);
  await f.follower.poke();
  // The last line has no newline yet: it waits rather than being read half-written.
  assert.deepEqual(f.turnIds(), ['a-0', 'a-1']);
  assert.equal(f.reader.emitter.skippedRecords, 3);
  assert.deepEqual(f.skips, [3]);
  appendFileSync(file, '\n' + assistantLine(3) + '\n');
  await f.follower.poke();
  await f.follower.poke();
  assert.deepEqual(f.turnIds(), ['a-0', 'a-1', 'a-2', 'a-3']);
  assert.deepEqual(f.errors, []);
});

test('a rotated file starts over, a deleted one is not an error, a recreated one is read again', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'session.jsonl');
  writeFileSync(file, [assistantLine(0), assistantLine(1), ''].join('\n'));
  const f = follow(file);
  await f.follower.poke();
  renameSync(file, join(dir, 'session.jsonl.1'));
  writeFileSync(file, [assistantLine(10), ''].join('\n'));
  await f.follower.poke();
  assert.deepEqual(f.turnIds(), ['a-0', 'a-1', 'a-10']);
  unlinkSync(file);
  await f.follower.poke();
  writeFileSync(file, [assistantLine(20), ''].join('\n'));
  await f.follower.poke();
  assert.deepEqual(f.turnIds(), ['a-0', 'a-1', 'a-10', 'a-20']);
  assert.deepEqual(f.errors, []);
});

test('a line longer than the limit is dropped and counted without ever being held whole', async (t) => {
  const file = join(tempDir(t), 'huge-line.jsonl');
  const limit = 256 * 1024;
  const fd = openSync(file, 'w');
  writeSync(fd, assistantLine(0) + '\n{"type":"assistant","message":{"content":"');
  const block = Buffer.alloc(64 * 1024, 'x');
  for (let i = 0; i < 64; i++) writeSync(fd, block); // 4 MiB in one line, read in 64 KiB chunks
  writeSync(fd, '"}}\n' + assistantLine(1) + '\n');
  closeSync(fd);
  const dropped: [number, number][] = [];
  const lines: string[] = [];
  const tailer = new LineTailer(file, (l) => void lines.push(l), {
    chunkBytes: 64 * 1024,
    maxLineBytes: limit,
    onOversizedLine: (o, b) => void dropped.push([o, b]),
  });
  await tailer.readAvailable();
  assert.equal(lines.length, 2);
  assert.equal(dropped.length, 1);
  const [offset, bytes] = dropped[0]!;
  assert.equal(offset, Buffer.byteLength(assistantLine(0)) + 1);
  assert.equal(offset + bytes + Buffer.byteLength(assistantLine(1)) + 1, tailer.offset);
});

test('a large transcript streams with flat memory (bounded by the chunk, not the file)', async (t) => {
  const file = join(tempDir(t), 'large.jsonl');
  const targetBytes = Number(process.env.AV_LARGE_TRANSCRIPT_MB ?? 32) * 1024 * 1024;
  const fd = openSync(file, 'w');
  let written = 0;
  let n = 0;
  const batch: string[] = [];
  while (written < targetBytes) {
    const line =
      n % 97 === 0
        ? '{"broken": '
        : assistantLine(n, `Turn ${n}: ${'still failing, trying another approach. '.repeat(8)}`);
    batch.push(line);
    written += Buffer.byteLength(line) + 1;
    n++;
    if (batch.length === 2000) writeSync(fd, batch.splice(0).join('\n') + '\n');
  }
  writeSync(fd, batch.join('\n') + '\n');
  closeSync(fd);
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let peak = rssBefore;
  let turns = 0;
  const started = performance.now();
  const session = await readTranscript(file, {
    source: 'claude-code',
    onEvent: (e) => {
      if (e.type === 'turn') turns++;
      if (turns % 5000 === 0) peak = Math.max(peak, process.memoryUsage().rss);
    },
  });
  const seconds = (performance.now() - started) / 1000;
  const growthMb = (peak - rssBefore) / 2 ** 20;
  t.diagnostic(
    `${(written / 2 ** 20).toFixed(0)} MB, ${n} records in ${seconds.toFixed(1)} s (${(written / 2 ** 20 / seconds).toFixed(0)} MB/s), RSS growth ${growthMb.toFixed(0)} MB`,
  );
  const broken = Math.ceil(n / 97);
  assert.equal(turns, n - broken);
  assert.equal(session?.skippedRecords, broken);
  // The file is 32 MB by default (AV_LARGE_TRANSCRIPT_MB); memory growth must not scale with it.
  assert.ok(growthMb < 48, `RSS grew ${growthMb.toFixed(0)} MB while streaming ${(written / 2 ** 20).toFixed(0)} MB`);
});
