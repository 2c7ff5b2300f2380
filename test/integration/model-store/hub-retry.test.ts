// Retries of hub requests against a node:http hub that fails its first requests on purpose: a
// connection reset mid-transfer (resumed with a Range request), a stalled body, 429 with
// Retry-After, 502/503/504 — and what is never retried: other 4xx and 500, a hub that never
// answers, a cancellation. Backoff settings are tiny so that the tests stay fast.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { env } from '@huggingface/transformers';
import { downloadFile, probeRemoteFile, type FileProgress } from '../../../src/model-store/hub-download';
import type { RetryPolicy } from '../../../src/model-store/hub-retry';
import { ModelStoreError } from '../../../src/model-store/model-store-error';

const work = mkdtempSync(join(tmpdir(), 'av-hubretry-'));
const BODY = randomBytes(256 * 1024);
const SHA = createHash('sha256').update(BODY).digest('hex');
const FILE = 'onnx/model.onnx';
const retry: RetryPolicy = { attempts: 3, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 40 };
const timeouts = { headersMs: 2000, idleMs: 2000 };

/** How the hub treats one request: a status to answer with, or a way to fail, or serving the file. */
type Behaviour =
  | { status: number; headers?: Record<string, string> }
  | 'reset-before'
  | 'reset-mid'
  | 'stall'
  | 'hang'
  | 'ignore-range'
  | 'changed'
  | 'serve';
/** Behaviours for the coming requests, in order; once used up, the file is served. */
let script: Behaviour[] = [];
/** Every request, as `METHOD range` (range `-` when none). */
let seen: string[] = [];
let server: Server;

function serve(req: IncomingMessage, res: ServerResponse, honourRange: boolean, body = BODY): void {
  const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  const from = honourRange && range ? Number(range[1]) : 0;
  const headers = {
    'content-length': String(BODY.length - from),
    ...(from ? { 'content-range': `bytes ${from}-${BODY.length - 1}/${BODY.length}` } : {}),
  };
  res.writeHead(from ? 206 : 200, headers);
  res.end(req.method === 'HEAD' ? undefined : body.subarray(from));
}

before(async () => {
  server = createServer((req, res) => {
    seen.push(`${req.method} ${req.headers.range ?? '-'}`);
    const behaviour = script.shift() ?? 'serve';
    if (typeof behaviour === 'object') return void res.writeHead(behaviour.status, behaviour.headers).end();
    if (behaviour === 'reset-before') return void req.socket.destroy();
    if (behaviour === 'hang') return;
    if (behaviour === 'reset-mid' || behaviour === 'stall') {
      res.writeHead(200, { 'content-length': String(BODY.length) });
      // Sent, then the connection is dropped (or goes quiet): the client has a prefix of the file.
      res.write(BODY.subarray(0, 100_000), () => behaviour === 'reset-mid' && res.destroy());
      return;
    }
    // `changed`: the file changed on the hub between the two requests.
    serve(req, res, behaviour !== 'ignore-range', behaviour === 'changed' ? randomBytes(BODY.length) : BODY);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  env.remoteHost = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(work, { recursive: true, force: true });
});
beforeEach(() => {
  script = [];
  seen = [];
});

function download(opts: { policy?: RetryPolicy; sha256?: string | null; signal?: AbortSignal; idleMs?: number } = {}) {
  const dest = join(mkdtempSync(join(work, 'cache-')), FILE);
  const notices: NonNullable<FileProgress['retry']>[] = [];
  const facts = { size: BODY.length, sha256: opts.sha256 === null ? undefined : (opts.sha256 ?? SHA) };
  const done = downloadFile('test-org/tiny', 'main', FILE, dest, facts, {
    retry: opts.policy ?? retry,
    timeouts: { ...timeouts, idleMs: opts.idleMs ?? timeouts.idleMs },
    signal: opts.signal,
    onProgress: (p) => p.retry && notices.push(p.retry),
  });
  return { dest, notices, done };
}

async function failure(promise: Promise<unknown>): Promise<ModelStoreError> {
  const err = await promise.then(
    () => assert.fail('expected a failure'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ModelStoreError, `expected a ModelStoreError, got ${String(err)}`);
  return err;
}

test('a connection reset mid-transfer is retried, asking only for the rest, and the joined file checks out', async () => {
  script = ['reset-mid'];
  const { dest, notices, done } = download();
  assert.deepEqual(await done, { bytes: BODY.length, sha256: SHA });
  assert.deepEqual(readFileSync(dest), BODY);
  assert.equal(seen.length, 2);
  assert.equal(seen[0], 'GET -');
  const resumedAt = Number(/^GET bytes=(\d+)-$/.exec(seen[1])?.[1]);
  assert.ok(resumedAt > 0 && resumedAt <= 100_000, `resumed at ${seen[1]}`);
  assert.equal(notices.length, 1);
  assert.equal(notices[0].attempt, 2);
  assert.equal(notices[0].attempts, 3);
  assert.match(notices[0].reason, /failed after \d+ bytes/);
  assert.equal(existsSync(`${dest}.part`), false);
});

test('without a sha256 to check the joined bytes, a retry starts the file again', async () => {
  script = ['reset-mid'];
  const { dest, done } = download({ sha256: null });
  await done;
  assert.deepEqual(readFileSync(dest), BODY);
  assert.deepEqual(seen, ['GET -', 'GET -']);
});

test('a hub that ignores the Range request sends the whole file again, which replaces the prefix', async () => {
  script = ['reset-mid', 'ignore-range'];
  const { dest, done } = download();
  assert.deepEqual(await done, { bytes: BODY.length, sha256: SHA });
  assert.deepEqual(readFileSync(dest), BODY);
  assert.equal(seen.length, 2);
  assert.match(seen[1], /^GET bytes=/);
});

test('a resumed file whose rest does not match is refused by its sha256, and removed', async () => {
  script = ['reset-mid', 'changed'];
  const { dest, done } = download();
  const err = await failure(done);
  assert.equal(err.kind, 'integrity-failed');
  assert.match(err.message, /sha256/);
  assert.match(seen[1], /^GET bytes=/);
  assert.equal(existsSync(`${dest}.part`), false);
});

test('a connection dropped before the answer, and a stalled body, are retried', async () => {
  script = ['reset-before', 'stall'];
  const { dest, notices, done } = download({ idleMs: 200 });
  await done;
  assert.deepEqual(readFileSync(dest), BODY);
  assert.equal(seen.length, 3);
  assert.deepEqual(
    notices.map((n) => n.attempt),
    [2, 3],
  );
  assert.match(notices[1].reason, /sent nothing for 0\.2 s \(downloading onnx\/model\.onnx\)/);
});

for (const status of [502, 503, 504]) {
  test(`HTTP ${status} is retried`, async () => {
    script = [{ status }];
    const { dest, notices, done } = download();
    await done;
    assert.deepEqual(readFileSync(dest), BODY);
    assert.equal(seen.length, 2);
    assert.match(notices[0].reason, new RegExp(`HTTP ${status}`));
  });
}

test("429 waits for the hub's Retry-After, capped", async () => {
  script = [{ status: 429, headers: { 'retry-after': '3600' } }];
  const { notices, done } = download();
  await done;
  assert.equal(notices[0].delayMs, retry.maxRetryAfterMs);
  assert.equal(seen.length, 2);
});

test('a hub that keeps failing: the error says how many attempts were made, and no partial file stays', async () => {
  script = ['reset-mid', { status: 503 }, 'reset-mid'];
  const { dest, notices, done } = download();
  const err = await failure(done);
  assert.equal(err.kind, 'download-failed');
  assert.match(err.message, /\(failed after 3 attempts\)$/);
  assert.equal(seen.length, 3);
  assert.equal(notices.length, 2);
  assert.equal(existsSync(`${dest}.part`), false);
  assert.equal(existsSync(dest), false);
});

for (const status of [400, 403, 404, 500]) {
  test(`HTTP ${status} is not retried`, async () => {
    script = [{ status }];
    const { notices, done } = download();
    const err = await failure(done);
    assert.doesNotMatch(err.message, /attempts/);
    assert.deepEqual(seen, ['GET -']);
    assert.equal(notices.length, 0);
  });
}

test('a hub that never answers is not waited for again', async () => {
  script = ['hang'];
  const dest = join(mkdtempSync(join(work, 'cache-')), FILE);
  const err = await failure(
    downloadFile(
      'test-org/tiny',
      'main',
      FILE,
      dest,
      { size: BODY.length, sha256: SHA },
      { retry, timeouts: { headersMs: 200, idleMs: 200 } },
    ),
  );
  assert.match(err.message, /did not answer within 0\.2 s/);
  assert.equal(seen.length, 1);
});

test('cancelling during the wait before a retry ends the download at once, without another request', async () => {
  script = [{ status: 503 }];
  const controller = new AbortController();
  const slow: RetryPolicy = { ...retry, baseDelayMs: 30_000, maxDelayMs: 30_000 };
  const dest = join(mkdtempSync(join(work, 'cache-')), FILE);
  const started = Date.now();
  const done = downloadFile(
    'test-org/tiny',
    'main',
    FILE,
    dest,
    { size: BODY.length, sha256: SHA },
    { retry: slow, timeouts, signal: controller.signal, onProgress: (p) => p.retry && controller.abort() },
  );
  const err = await failure(done);
  assert.equal(err.kind, 'cancelled');
  assert.ok(Date.now() - started < 5000, 'did not sit out the backoff');
  assert.deepEqual(seen, ['GET -']);
});

test("the probe for a file's size and hash is retried too", async () => {
  script = [{ status: 503 }, 'reset-before'];
  const notices: NonNullable<FileProgress['retry']>[] = [];
  const facts = await probeRemoteFile('test-org/tiny', 'main', 'config.json', {
    retry,
    timeouts,
    onProgress: (p) => p.retry && notices.push(p.retry),
  });
  assert.equal(facts?.size, BODY.length);
  assert.deepEqual(seen, ['HEAD -', 'HEAD -', 'HEAD -']);
  assert.deepEqual(
    notices.map((n) => `${n.attempt} of ${n.attempts}`),
    ['2 of 3', '3 of 3'],
  );
});
