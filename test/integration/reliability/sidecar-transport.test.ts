// Attack repros for the sidecar's transport, against the real sidecar process: broken framing,
// a frame too large to buffer, bodies that are not JSON-RPC, parameters of the wrong type, a
// message far over the context, and a sidecar frozen (SIGSTOP) while it loads a model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { SidecarError } from '../../../src/contracts/rpc-errors';
import { Methods } from '../../../src/contracts/rpc-methods';
import { SidecarClient } from '../../../src/sidecar-client/sidecar-client';
import { FIXTURE } from '../sidecar/helpers';

const SIDECAR = 'src/sidecar/main.ts';

interface Reply {
  id: number | string | null;
  result?: unknown;
  error?: { code: number; message: string };
}

/** The sidecar on raw pipes: frames are written by hand, replies parsed from stdout. */
function rawSidecar() {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, ['--import', 'tsx', SIDECAR], {
    stdio: 'pipe',
  });
  let out = Buffer.alloc(0);
  let stderr = '';
  const replies: Reply[] = [];
  const waiters: (() => void)[] = [];
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.on('data', (d: Buffer) => {
    out = Buffer.concat([out, d]);
    for (;;) {
      const end = out.indexOf('\r\n\r\n');
      if (end < 0) break;
      const length = Number(/Content-Length: (\d+)/i.exec(out.toString('ascii', 0, end))![1]);
      if (out.length < end + 4 + length) break;
      const message = JSON.parse(out.toString('utf8', end + 4, end + 4 + length)) as Reply & { method?: string };
      out = out.subarray(end + 4 + length);
      if (message.method === undefined) replies.push(message);
    }
    waiters.splice(0).forEach((w) => w());
  });
  const frame = (body: string | Buffer) => {
    const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
    child.stdin.write(`Content-Length: ${bytes.length}\r\n\r\n`);
    child.stdin.write(bytes);
  };
  const request = (id: number, method: string, params?: unknown) =>
    frame(JSON.stringify({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) }));
  /** The next reply matching `match`, within `ms`. */
  const reply = async (match: (r: Reply) => boolean, ms = 20_000): Promise<Reply> => {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = replies.find(match);
      if (found) return found;
      if (Date.now() > deadline) assert.fail(`no reply within ${ms} ms (stderr: ${stderr.slice(-500)})`);
      await Promise.race([new Promise<void>((r) => waiters.push(r)), new Promise((r) => setTimeout(r, 100))]);
    }
  };
  /** Kills the sidecar and closes our ends of its pipes, so no handle keeps the test process alive. */
  const stop = async () => {
    const closed = child.exitCode === null && child.signalCode === null ? once(child, 'close') : Promise.resolve();
    child.kill('SIGKILL');
    for (const stream of [child.stdin, child.stdout, child.stderr]) stream.destroy();
    await closed;
  };
  return { child, frame, request, reply, stop, stderr: () => stderr };
}

test('bodies that are not JSON-RPC are answered (-32700 / -32600) and the transport reads on', async () => {
  const s = rawSidecar();
  try {
    s.frame('{"jsonrpc": "2.0", "id": 1, "method": "status"');
    const parse = await s.reply((r) => r.id === null && r.error?.code === -32700);
    assert.match(parse.error!.message, /not valid JSON/);
    s.frame('[1, 2, 3]');
    assert.match((await s.reply((r) => r.error?.code === -32600)).error!.message, /JSON-RPC 2\.0/);
    s.request(2, 'status');
    assert.ok((await s.reply((r) => r.id === 2)).result, 'a later request is answered');
  } finally {
    await s.stop();
  }
});

test('a frame over the size cap is skipped as it streams in, not buffered; the next request is answered', async () => {
  const s = rawSidecar();
  try {
    s.request(1, 'status');
    const before = (await s.reply((r) => r.id === 1)).result as { rssBytes: number };
    const size = 128 * 2 ** 20;
    s.child.stdin.write(`Content-Length: ${size}\r\n\r\n`);
    const refused = await s.reply((r) => r.id === null && r.error?.code === -32700);
    assert.match(refused.error!.message, new RegExp(`${size} bytes is over the .*limit`));
    const chunk = Buffer.alloc(2 ** 20, 0x20);
    for (let i = 0; i < size / chunk.length; i++) if (!s.child.stdin.write(chunk)) await once(s.child.stdin, 'drain');
    s.request(2, 'status');
    const after = (await s.reply((r) => r.id === 2)).result as { peakRssBytes: number };
    const grew = (after.peakRssBytes - before.rssBytes) / 2 ** 20;
    assert.ok(grew < 64, `peak RSS grew ${grew.toFixed(0)} MB while 128 MB streamed past`);
  } finally {
    await s.stop();
  }
});

test('Content-Length: abc is answered with a parse error, and the sidecar exits saying why', async () => {
  const s = rawSidecar();
  try {
    s.request(1, 'status');
    await s.reply((r) => r.id === 1);
    const exited = once(s.child, 'exit');
    s.child.stdin.write('Content-Length: abc\r\n\r\n{"jsonrpc":"2.0","id":2,"method":"status"}');
    const answer = await s.reply((r) => r.id === null && r.error?.code === -32700);
    assert.match(answer.error!.message, /Content-Length 'abc'/);
    const [code] = (await Promise.race([
      exited,
      new Promise((_, reject) => setTimeout(() => reject(new Error('the sidecar kept running, silent')), 10_000)),
    ])) as [number];
    assert.equal(code, 1);
    assert.match(s.stderr(), /Content-Length 'abc'.*cannot be read/);
  } finally {
    await s.stop();
  }
});

test('parameters of the wrong type are invalid-params errors naming the field, not internal errors', async () => {
  const s = rawSidecar();
  try {
    const cases: [string, unknown, RegExp][] = [
      ['loadModel', { model: 123 }, /`model` must be a string, got number/],
      ['loadModel', null, /`model` is required/],
      ['appendMessages', { conversationId: 'c', messages: 'hi' }, /`messages` must be a list/],
      [
        'generate',
        { messages: [], maxNewTokens: 4, steering: [{ layer: 1, vector: 5, scale: 1 }] },
        /`steering\[0\]`: `vector` must be a string/,
      ],
      ['closeConversation', 'c', /needs an object of parameters, got a string|`conversationId` is required/],
      [
        'loadModel',
        { model: FIXTURE, executionProvider: 'tpu' },
        /Unknown execution provider 'tpu' \(cpu, cuda, dml, coreml\)/,
      ],
      // A provider onnxruntime-node does not build for the platform: the setting is what to change.
      ...(process.platform === 'linux'
        ? [
            [
              'loadModel',
              { model: FIXTURE, layers: [1], executionProvider: 'dml' },
              /DirectML execution provider is not part of onnxruntime-node/,
            ] as [string, unknown, RegExp],
          ]
        : []),
    ];
    cases.forEach(([method, params], i) => s.request(10 + i, method, params));
    for (const [i, [method, , pattern]] of cases.entries()) {
      const r = await s.reply((x) => x.id === 10 + i);
      assert.equal(r.error?.code, -32602, `${method}: ${r.error?.message}`);
      assert.match(r.error!.message, pattern);
    }
  } finally {
    await s.stop();
  }
});

test('a 50 MB message is refused from its length, before it is tokenized', async () => {
  const s = rawSidecar();
  try {
    s.request(1, 'loadModel', { model: FIXTURE, layers: [1], threads: 1 });
    assert.ok((await s.reply((r) => r.id === 1, 60_000)).result, 'the fixture loads');
    const started = Date.now();
    s.request(2, 'openConversation', {
      messages: [{ role: 'user', content: 'x'.repeat(50 * 2 ** 20) }],
      returns: 'none',
    });
    const r = await s.reply((x) => x.id === 2, 30_000);
    const ms = Date.now() - started;
    assert.match(r.error?.message ?? '', /52428800 characters.*more than the context limit/);
    assert.ok(ms < 5000, `refused in ${ms} ms`);
  } finally {
    await s.stop();
  }
});

test('a sidecar frozen (SIGSTOP) while loading a model is noticed and restarted; later requests are answered', async () => {
  const client = new SidecarClient({
    sidecarPath: SIDECAR,
    execArgv: ['--import', 'tsx'],
    crashPolicy: { initialDelayMs: 100 },
    hangTimeoutMs: 30_000,
    slowHangTimeoutMs: 1500,
  });
  try {
    await client.request(Methods.status);
    const load = client.request(Methods.loadModel, { model: FIXTURE, layers: [1], threads: 1 });
    process.kill(client.pid!, 'SIGSTOP');
    const started = Date.now();
    await assert.rejects(
      load,
      (e: unknown) => e instanceof SidecarError && e.kind === 'sidecar-crashed' && /stopped answering/.test(e.message),
    );
    assert.ok(Date.now() - started < 10_000);
    const status = await client.request(Methods.status);
    assert.equal(status.state, 'idle', 'the restarted sidecar answers');
  } finally {
    await client.stop();
  }
});
