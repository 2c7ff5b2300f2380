// What a download says when the network is not simply working: a hub (or mirror) without the
// repository, a name that does not resolve, a refused connection, and proxies — downloads go
// through HTTP(S)_PROXY, and a proxy that wants credentials or cannot be reached says so, apart
// from "no such file". Every server here is a node:http server on 127.0.0.1.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { env } from '@huggingface/transformers';
import { resolveModel } from '../../../src/model-store/model-store';
import { ModelStoreError } from '../../../src/model-store/model-store-error';
import { startFakeHub, type FakeHub } from './fake-hub';

const work = mkdtempSync(join(tmpdir(), 'av-hubnet-'));
const timeouts = { headersMs: 5000, idleMs: 5000 };
const PROXY_VARIABLES = ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy'];
let hub: FakeHub;
let hubHost: string;
const servers: Server[] = [];

function makeRepo(): string {
  const dir = join(work, 'repo');
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ model_type: 'qwen2', num_hidden_layers: 2 }));
  writeFileSync(join(dir, 'tokenizer.json'), '{"model":{}}');
  writeFileSync(join(dir, 'tokenizer_config.json'), '{}');
  writeFileSync(join(dir, 'onnx', 'model.onnx'), Buffer.alloc(4096, 7));
  return dir;
}

async function listen(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

/**
 * A forward proxy: plain-HTTP requests in absolute form are passed on (after checking
 * credentials when `credentials` is set); CONNECT is answered with `connectStatus`.
 */
async function startProxy(opts: { credentials?: string; connectStatus?: number } = {}) {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url} auth=${req.headers['proxy-authorization'] ?? '-'}`);
    if (
      opts.credentials &&
      req.headers['proxy-authorization'] !== `Basic ${Buffer.from(opts.credentials).toString('base64')}`
    ) {
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="test"' }).end();
      return;
    }
    const target = new URL(req.url ?? '');
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        method: req.method,
        headers: { ...req.headers, host: target.host },
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.on('connect', (req, socket) => {
    seen.push(`CONNECT ${req.url} auth=${req.headers['proxy-authorization'] ?? '-'}`);
    socket.end(
      `HTTP/1.1 ${opts.connectStatus ?? 407} Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\n\r\n`,
    );
  });
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, seen };
}

/** A server that answers every request with `status` and `headers`, as a wrong mirror would. */
async function answering(status: number, headers: Record<string, string> = {}): Promise<string> {
  const port = await listen(createServer((_req, res) => res.writeHead(status, headers).end()));
  return `http://127.0.0.1:${port}/`;
}

function rejectsWith(kind: string, pattern: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof ModelStoreError, String(err));
    assert.equal(err.kind, kind, err.message);
    assert.match(err.message, pattern);
    return true;
  };
}

const cache = () => mkdtempSync(join(work, 'cache-'));

before(async () => {
  hub = await startFakeHub({ 'test-org/plain': makeRepo() });
  hubHost = new URL(hub.url).host;
});
afterEach(() => {
  for (const v of PROXY_VARIABLES) delete process.env[v];
  env.remoteHost = hub.url;
});
after(async () => {
  await hub.close();
  for (const s of servers) s.closeAllConnections();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  rmSync(work, { recursive: true, force: true });
});

test('a hub answering 404 says there is no such repository/file, naming host, repo and file', async () => {
  env.remoteHost = await answering(404);
  const host = new URL(env.remoteHost).host;
  await assert.rejects(
    resolveModel('test-org/absent', { cacheDir: cache(), timeouts }),
    rejectsWith(
      'model-not-found',
      new RegExp(
        `^No such repository/file on the hub \\(404\\): ${host} has no test-org/absent@main/config\\.json\\. Check the model id \\(and HF_ENDPOINT\\)\\.$`,
      ),
    ),
  );
});

test("the hub's RepoNotFound (its 401 for an unknown id) says there is no such repository", async () => {
  env.remoteHost = await answering(401, { 'x-error-code': 'RepoNotFound' });
  await assert.rejects(
    resolveModel('test-org/typo', { cacheDir: cache(), timeouts }),
    rejectsWith(
      'model-not-found',
      /^No such repository on the hub \(HTTP 401, RepoNotFound\): .* has no test-org\/typo\./,
    ),
  );
});

test('weights missing from a repo that exists are a 404 for that file, with the dtype named', async () => {
  await assert.rejects(
    resolveModel('test-org/plain', { cacheDir: cache(), dtype: 'q4', timeouts }),
    rejectsWith(
      'model-not-found',
      new RegExp(
        `^No such repository/file on the hub \\(404\\): ${hubHost} has no test-org/plain@main/onnx/model_q4\\.onnx\\. The repo may have no q4 weights \\(onnx/model_q4\\.onnx\\): try another dtype\\.$`,
      ),
    ),
  );
});

test('a refused connection and a name that does not resolve are told apart, each with a retry', async () => {
  env.remoteHost = `http://127.0.0.1:${await closedPort()}/`;
  await assert.rejects(
    resolveModel('test-org/plain', { cacheDir: cache(), timeouts }),
    rejectsWith('download-failed', /: the connection was refused \(ECONNREFUSED\)\. .*and retry/),
  );
  env.remoteHost = 'http://hub.invalid/';
  await assert.rejects(
    resolveModel('test-org/plain', { cacheDir: cache(), timeouts }),
    rejectsWith(
      'download-failed',
      /^Cannot reach the model hub hub\.invalid: its name does not resolve \(DNS (ENOTFOUND|EAI_AGAIN)\).*and retry/,
    ),
  );
});

test('downloads go through HTTP_PROXY, redirects included, with its credentials', async () => {
  const proxy = await startProxy({ credentials: 'ann:s3cret' });
  process.env.HTTP_PROXY = proxy.url.replace('http://', 'http://ann:s3cret@');
  const cacheDir = cache();
  const model = await resolveModel('test-org/plain', { cacheDir, timeouts });
  assert.ok(existsSync(model.onnxPath));
  const auth = `auth=Basic ${Buffer.from('ann:s3cret').toString('base64')}`;
  assert.ok(
    proxy.seen.includes(`GET ${hub.url}test-org/plain/resolve/main/config.json ${auth}`),
    proxy.seen.join('\n'),
  );
  assert.ok(
    proxy.seen.some((r) => r.startsWith(`GET ${hub.url}cdn/`)),
    'the redirect to the CDN went through the proxy too',
  );
});

test('NO_PROXY keeps the hub off the proxy', async () => {
  const proxy = await startProxy();
  process.env.HTTP_PROXY = proxy.url;
  process.env.NO_PROXY = 'example.org,127.0.0.1';
  await resolveModel('test-org/plain', { cacheDir: cache(), timeouts });
  assert.deepEqual(proxy.seen, []);
});

test('a proxy that wants credentials says so (plain HTTP and CONNECT), not "no such file"', async () => {
  const proxy = await startProxy({ credentials: 'ann:s3cret' });
  process.env.HTTP_PROXY = proxy.url;
  await assert.rejects(
    resolveModel('test-org/plain', { cacheDir: cache(), timeouts }),
    rejectsWith(
      'download-failed',
      new RegExp(
        `^The proxy ${proxy.url} \\(from HTTP_PROXY\\) asked for credentials \\(HTTP 407 Proxy Authentication Required\\): put them in HTTP_PROXY \\(http://user:password@host:port\\) and retry`,
      ),
    ),
  );
  env.remoteHost = 'https://hub.example/';
  process.env.HTTPS_PROXY = proxy.url.replace('http://', 'http://bob:pw@');
  await assert.rejects(
    resolveModel('test-org/plain', { cacheDir: cache(), timeouts }),
    rejectsWith(
      'download-failed',
      new RegExp(`^The proxy ${proxy.url} \\(from HTTPS_PROXY\\) asked for credentials \\(HTTP 407`),
    ),
  );
  assert.equal(proxy.seen.at(-1), `CONNECT hub.example:443 auth=Basic ${Buffer.from('bob:pw').toString('base64')}`);
});

test('a proxy that refuses the tunnel, or is not there, is named as the problem', async () => {
  const proxy = await startProxy({ connectStatus: 403 });
  env.remoteHost = 'https://hub.example/';
  process.env.HTTPS_PROXY = proxy.url;
  await assert.rejects(
    resolveModel('test-org/plain', { cacheDir: cache(), timeouts }),
    rejectsWith(
      'download-failed',
      new RegExp(
        `^The proxy ${proxy.url} \\(from HTTPS_PROXY\\) would not connect to hub\\.example: the proxy answered HTTP 403 .*to CONNECT hub\\.example:443\\..*and retry`,
      ),
    ),
  );
  const gone = `http://127.0.0.1:${await closedPort()}`;
  process.env.HTTPS_PROXY = gone;
  await assert.rejects(
    resolveModel('test-org/plain', { cacheDir: cache(), timeouts }),
    rejectsWith(
      'download-failed',
      new RegExp(
        `^The proxy ${gone} \\(from HTTPS_PROXY\\) is not reachable: ECONNREFUSED\\. Check the variable \\(or add hub\\.example to NO_PROXY\\) and retry`,
      ),
    ),
  );
});
