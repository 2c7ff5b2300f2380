// The CLI's download progress: bytes of the total per file, rewritten in place on a terminal,
// a line per tenth (or per 50 MB without a size) in a log, and nothing under --json in a log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { downloadProgress, formatBytes } from '../../../src/cli/download-progress';

function stream(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, out: { isTTY, write: (t: string) => chunks.push(t) } };
}

/** The events the downloader sends for a file of `total` bytes read in `pieces` equal chunks. */
function events(file: string, total: number, pieces: number, announced = true) {
  return Array.from({ length: pieces }, (_, i) => {
    const loadedBytes = Math.round((total * (i + 1)) / pieces);
    return announced
      ? { file, loadedBytes, totalBytes: total, percent: Math.floor((loadedBytes / total) * 100) }
      : { file, loadedBytes };
  });
}

test('sizes read as people write them', () => {
  assert.deepEqual([512, 4096, 493_200_000, 1_990_000_000].map(formatBytes), [
    '512 B',
    '4.1 kB',
    '493.2 MB',
    '1.99 GB',
  ]);
});

test('in a log: one line per tenth of each file, bytes of the total', () => {
  const { chunks, out } = stream(false);
  const progress = downloadProgress(out, false)!;
  for (const e of [...events('config.json', 680, 1), ...events('onnx/model_quantized.onnx', 493_200_000, 400)])
    progress.update(e);
  progress.finish();
  assert.equal(chunks[0], 'downloading config.json: 680 B of 680 B (100%)\n');
  assert.equal(chunks[1], 'downloading onnx/model_quantized.onnx: 1.2 MB of 493.2 MB (0%)\n');
  assert.equal(chunks.at(-1), 'downloading onnx/model_quantized.onnx: 493.2 MB of 493.2 MB (100%)\n');
  assert.equal(chunks.length, 1 + 11);
});

test('in a log without a size from the hub: a line per 50 MB', () => {
  const { chunks, out } = stream(false);
  const progress = downloadProgress(out, false)!;
  for (const e of events('onnx/model.onnx', 120_000_000, 120, false)) progress.update(e);
  assert.deepEqual(chunks, [
    'downloading onnx/model.onnx: 1.0 MB\n',
    'downloading onnx/model.onnx: 50.0 MB\n',
    'downloading onnx/model.onnx: 100.0 MB\n',
  ]);
});

test('on a terminal: each file on one line rewritten in place, closed when done or when the next starts', () => {
  const { chunks, out } = stream(true);
  const progress = downloadProgress(out, true)!;
  for (const e of [...events('a.onnx', 2000, 2, false), ...events('b.json', 100, 2)]) progress.update(e);
  progress.finish();
  assert.equal(
    chunks.join(''),
    '\rdownloading a.onnx: 1.0 kB\x1b[K\rdownloading a.onnx: 2.0 kB\x1b[K\n\rdownloading b.json: 50 B of 100 B (50%)\x1b[K\rdownloading b.json: 100 B of 100 B (100%)\x1b[K\n',
  );
});

test('under --json: quiet in a log, shown on a terminal', () => {
  assert.equal(downloadProgress(stream(false).out, true), undefined);
  assert.ok(downloadProgress(stream(true).out, true));
});

test('a retry gets its own line with the wait, the attempt and the reason, closing an open line first', () => {
  const retry = { attempt: 2, attempts: 3, delayMs: 2300, reason: 'The hub could not serve it now (HTTP 503).' };
  const tty = stream(true);
  const onTerminal = downloadProgress(tty.out, false)!;
  onTerminal.update(events('a.onnx', 2000, 2)[0]);
  onTerminal.update({ file: 'a.onnx', loadedBytes: 1000, totalBytes: 2000, retry });
  onTerminal.finish();
  assert.equal(
    tty.chunks.join(''),
    '\rdownloading a.onnx: 1.0 kB of 2.0 kB (50%)\x1b[K\nretrying in 2 s (attempt 2 of 3): The hub could not serve it now (HTTP 503).\n',
  );
  const log = stream(false);
  downloadProgress(log.out, false)!.update({ file: 'a.onnx', loadedBytes: 0, retry: { ...retry, delayMs: 400 } });
  assert.deepEqual(log.chunks, ['retrying in 0.4 s (attempt 2 of 3): The hub could not serve it now (HTTP 503).\n']);
});
