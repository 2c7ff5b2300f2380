// Privacy: replaying a whole agent session through the host's pieces (watchers, tamper rules,
// scoring queue) and the real sidecar (fixture model) makes no network connection, opens no
// listening port and resolves no host name; `agent-vitals serve` speaks stdio only; a model
// download the user asked for reaches the configured hub and nothing else.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import type { AgentEvent } from '../../../src/core/events';
import { Methods } from '../../../src/contracts/rpc-methods';
import { SidecarClient } from '../../../src/sidecar-client/sidecar-client';
import { ConversationScorer } from '../../../src/scoring-queue/conversation-scorer';
import { TurnQueue } from '../../../src/scoring-queue/turn-queue';
import { classifyEdit } from '../../../src/tamper/classify';
import { TranscriptWatchManager } from '../../../src/watchers/watch-manager';
import { startFakeHub } from '../model-store/fake-hub';

const work = mkdtempSync(join(tmpdir(), 'av-nonet-'));
const LOG = join(work, 'net.jsonl');
const RECORDER = resolve(__dirname, 'net-recorder.cjs');
process.env.AV_NET_LOG = LOG;
createRequire(__filename)(RECORDER); // this process is the host
after(() => rmSync(work, { recursive: true, force: true }));

interface NetEntry {
  pid: number;
  kind: 'connect' | 'listen' | 'dns';
  host?: string;
  port?: number;
}
const entries = (): NetEntry[] =>
  existsSync(LOG)
    ? readFileSync(LOG, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as NetEntry)
    : [];
const clearLog = () => rmSync(LOG, { force: true });

function sidecar(env: NodeJS.ProcessEnv = {}) {
  return new SidecarClient({
    sidecarPath: 'dist/sidecar.js',
    execArgv: ['--require', RECORDER],
    env: { ...process.env, AV_NET_LOG: LOG, ...env },
  });
}

test('a replayed session through watchers, tamper rules, scoring and the sidecar touches no network', async () => {
  clearLog();
  const claudeRoot = join(work, 'claude', 'projects');
  const project = join(claudeRoot, '-home-dev-shop');
  mkdirSync(project, { recursive: true });
  cpSync(join(__dirname, '../../fixtures/transcripts/claude-code/-home-dev-shop'), project, { recursive: true });
  const events: AgentEvent[] = [];
  const manager = new TranscriptWatchManager({
    workspaceRoot: '/home/dev/shop',
    sources: ['claude-code'],
    locations: {
      claudeProjectDirs: [claudeRoot],
      codexSessions: join(work, 'none'),
      geminiTmp: join(work, 'none'),
      vscodeUser: join(work, 'none'),
    },
    sink: (e) => void events.push(e),
  });
  const client = sidecar();
  try {
    await manager.start();
    for (let i = 0; i < 100 && !events.some((e) => e.type === 'file-edit'); i++)
      await new Promise((r) => setTimeout(r, 50));
    assert.ok(
      events.some((e) => e.type === 'turn'),
      'the session was read',
    );
    for (const e of events)
      if (e.type === 'file-edit')
        classifyEdit({
          path: e.path,
          op: e.op,
          ...(e.before !== undefined ? { before: e.before } : {}),
          ...(e.after !== undefined ? { after: e.after } : {}),
          ...(e.diff !== undefined ? { diff: e.diff } : {}),
        });
    const info = await client.request(Methods.loadModel, {
      model: 'fixture:tiny-qwen2',
      layers: [1],
      threads: 1,
      offline: true,
    });
    let scored = 0;
    const scorer = new ConversationScorer<number>({
      sidecar: client,
      returns: 'norms',
      read: (r) => r.totalTokens,
      model: async () => ({ contextLimit: info.contextLimit, scoresKey: info.model }),
    });
    const queue = new TurnQueue<number>({
      score: (key, units) => scorer.score(key, units),
      deliver: (unit) => void (scored += unit.turnIds.length),
      fail: (_unit, err) => assert.fail(String(err)),
      isRetryable: () => false,
    });
    for (const e of events)
      if (e.type === 'turn' && e.role === 'assistant')
        queue.push({ sessionKey: e.sessionId, turnId: e.turnId, text: e.text });
    await queue.idle();
    assert.ok(scored > 0);
  } finally {
    manager.dispose();
    await client.stop();
  }
  assert.deepEqual(entries(), [], 'no connection, listening socket or DNS lookup');
});

test('`agent-vitals serve` answers on stdio and opens no port', async () => {
  clearLog();
  // Without the test runner's marker, which would make the child report to it on stdout.
  const { NODE_TEST_CONTEXT: _runner, ...env } = process.env;
  const child = spawn(process.execPath, ['--require', RECORDER, 'dist/cli.js', 'serve'], {
    env: { ...env, AV_NET_LOG: LOG },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const connection = createMessageConnection(
    new StreamMessageReader(child.stdout),
    new StreamMessageWriter(child.stdin),
  );
  connection.listen();
  try {
    const status = await connection.sendRequest(Methods.status);
    assert.equal(status.pid, child.pid);
    const exited = once(child, 'exit');
    void connection.sendRequest(Methods.shutdown).catch(() => undefined); // it may exit before answering
    await exited;
  } finally {
    connection.dispose();
    child.kill();
  }
  assert.deepEqual(entries(), []);
});

test('a model download the user asked for reaches the configured hub and nothing else', async () => {
  clearLog();
  const hub = await startFakeHub({ 'test-org/tiny-qwen2': join(__dirname, '../../fixtures/models/tiny-qwen2') });
  const client = sidecar({ HF_ENDPOINT: hub.url });
  try {
    const info = await client.request(Methods.loadModel, {
      model: 'test-org/tiny-qwen2',
      layers: [1],
      threads: 1,
      cacheDir: join(work, 'cache'),
    });
    assert.deepEqual(info.layers, [1]);
  } finally {
    await client.stop();
    await hub.close();
  }
  const port = Number(new URL(hub.url).port);
  const seen = entries().filter((e) => e.pid !== process.pid); // this process only runs the stand-in hub here
  assert.ok(
    seen.some((e) => e.kind === 'connect'),
    'the download did connect',
  );
  assert.deepEqual(
    seen.filter((e) => !(e.kind === 'connect' && e.host === '127.0.0.1' && e.port === port)),
    [],
    'only the configured hub',
  );
});
