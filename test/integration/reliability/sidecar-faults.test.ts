// The real sidecar (fixture model) behind the scoring queue, killed mid-score (SIGKILL), frozen
// (SIGSTOP: alive but silent) and run out of memory: the client notices (a hang within 5 s),
// restarts it, the model is reloaded, and every pending turn is scored exactly once — with the
// same values an undisturbed run gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { RequestType } from 'vscode-jsonrpc';
import { decodeFloat32 } from '../../../src/contracts/float32';
import { SidecarError, type SidecarErrorData } from '../../../src/contracts/rpc-errors';
import { Methods, type AppendResult } from '../../../src/contracts/rpc-methods';
import { SidecarClient, type CrashInfo, type DirectRequester } from '../../../src/sidecar-client/sidecar-client';
import { ConversationScorer } from '../../../src/scoring-queue/conversation-scorer';
import { TurnQueue } from '../../../src/scoring-queue/turn-queue';
import { FIXTURE, LAYERS } from '../sidecar/helpers';

const LOAD = { model: FIXTURE, layers: LAYERS, threads: 1 };
const RETRYABLE = new Set(['sidecar-crashed', 'conversation-not-found', 'no-model-loaded']);

/** The client, calling `beforeSend` once each conversation request is on the wire. */
function hooked(client: SidecarClient, beforeSend?: (call: number, pid: number | undefined) => void): DirectRequester {
  let calls = 0;
  return {
    get pid() {
      return client.pid;
    },
    request<P, R>(type: RequestType<P, R, SidecarErrorData>, params: P): Promise<R> {
      const pid = client.pid;
      const answer = client.request(type, params);
      if (type.method === Methods.openConversation.method || type.method === Methods.appendMessages.method)
        beforeSend?.(++calls, pid);
      return answer;
    },
  };
}

/** A message's score: its mean residual norm at the first probe layer. */
function meanNorm(result: AppendResult, messageIndex: number): number | null {
  const span = result.spans.find((s) => s.messageIndex === messageIndex);
  if (!span || !result.norms) return null;
  const norms = decodeFloat32(result.norms[String(LAYERS[0])]!);
  const slice = norms.subarray(span.start - result.firstNewToken, span.end - result.firstNewToken);
  return slice.reduce((a, b) => a + b, 0) / slice.length;
}

const TURNS = Array.from(
  { length: 12 },
  (_, i) =>
    `Turn ${i}: the test still fails with ${i} errors; I will ${i % 2 ? 'loosen the assertion' : 'read the stack trace again'}.`,
);

async function scoreAll(client: SidecarClient, beforeSend?: (call: number, pid: number | undefined) => void) {
  const delivered = new Map<string, number[]>();
  const failed: string[] = [];
  const scorer = new ConversationScorer<number>({
    sidecar: hooked(client, beforeSend),
    returns: 'norms',
    read: meanNorm,
    model: async () => {
      const { model } = await client.request(Methods.status);
      if (!model) throw new SidecarError('no-model-loaded', 'the restarted sidecar is still loading');
      return { contextLimit: model.contextLimit, scoresKey: 'fixture' };
    },
  });
  const queue = new TurnQueue<number>({
    score: (key, units) => scorer.score(key, units),
    isRetryable: (err) => err instanceof SidecarError && RETRYABLE.has(err.kind),
    retryDelayMs: () => 50,
    maxUnitsPerRequest: 1, // one turn per request, so faults land between and inside turns
    deliver: (unit, score) => unit.turnIds.forEach((id) => delivered.set(id, [...(delivered.get(id) ?? []), score])),
    fail: (unit) => failed.push(...unit.turnIds),
  });
  TURNS.forEach((text, i) => queue.push({ sessionKey: 'claude:s1', turnId: `t${i}`, text }));
  await queue.idle();
  queue.close();
  return { delivered, failed };
}

function newClient(extra: Partial<ConstructorParameters<typeof SidecarClient>[0]> = {}) {
  return new SidecarClient({
    sidecarPath: 'dist/sidecar.js',
    crashPolicy: { initialDelayMs: 100 },
    onRestarted: async (c) => void (await c.request(Methods.loadModel, LOAD)),
    ...extra,
  });
}

test('SIGKILL mid-score and a frozen sidecar: restarted, reloaded, every turn scored once with undisturbed values', async (t) => {
  const baselineClient = newClient();
  await baselineClient.request(Methods.loadModel, LOAD);
  const baseline = await scoreAll(baselineClient);
  await baselineClient.stop();
  assert.equal(baseline.delivered.size, TURNS.length);

  const client = newClient();
  const crashes: (CrashInfo & { at: number })[] = [];
  client.on('crash', (c) => crashes.push({ ...c, at: performance.now() }));
  const restartedAt: number[] = [];
  client.on('restarted', () => restartedAt.push(performance.now()));
  await client.request(Methods.loadModel, LOAD);
  let frozenAt = 0;
  let killed: number | undefined;
  try {
    const run = await scoreAll(client, (call, pid) => {
      if (!pid) return; // a request sent while the sidecar restarts waits for the new one
      if (call >= 4 && !killed) {
        killed = pid;
        process.kill(pid, 'SIGKILL'); // the request is on the wire, its answer is not
      } else if (call >= 9 && killed && pid !== killed && !frozenAt) {
        // Counted in calls, not time: retries during a slow restart add calls.
        frozenAt = performance.now();
        process.kill(pid, 'SIGSTOP'); // alive, silent: only the watchdog can tell
      }
    });
    assert.deepEqual(run.failed, []);
    assert.equal(run.delivered.size, TURNS.length, 'no turn lost');
    for (const [id, scores] of run.delivered) {
      assert.equal(scores.length, 1, `${id} scored once`);
      const expected = baseline.delivered.get(id)![0]!;
      assert.ok(
        Math.abs(scores[0]! - expected) <= 1e-3 * Math.abs(expected),
        `${id}: ${scores[0]} vs undisturbed ${expected}`,
      );
    }
    assert.equal(crashes.length, 2);
    assert.match(crashes[0]!.reason, /killed by SIGKILL/);
    assert.match(crashes[1]!.reason, /stopped answering/);
    const hangNoticedMs = crashes[1]!.at - frozenAt;
    assert.ok(hangNoticedMs < 5000, `hang noticed after ${hangNoticedMs.toFixed(0)} ms`);
    const recoveryMs = restartedAt.map((r, i) => r - crashes[i]!.at);
    t.diagnostic(
      `hang noticed in ${hangNoticedMs.toFixed(0)} ms; restart + model reload took ${recoveryMs.map((m) => m.toFixed(0)).join(' ms, ')} ms`,
    );
  } finally {
    await client.stop();
  }
});

test('a sidecar that runs out of memory mid-request is restarted and says why; the request that caused it is not replayed', async () => {
  const client = newClient({
    execArgv: ['--max-old-space-size=48'],
    resendAfterRestart: (method, params) => method === 'appendMessages' && JSON.stringify(params).length < 100_000,
  });
  try {
    await client.request(Methods.loadModel, LOAD);
    await client.request(Methods.openConversation, {
      conversationId: 'c',
      messages: [{ role: 'user', content: 'hello' }],
      returns: 'none',
    });
    const crash = once(client, 'crash') as Promise<[CrashInfo]>;
    const huge = client.request(Methods.appendMessages, {
      conversationId: 'c',
      messages: Array.from({ length: 24 }, () => ({ role: 'assistant' as const, content: 'x'.repeat(1 << 20) })),
      returns: 'activations',
    });
    const [info] = await crash;
    assert.match(info.stderrTail + info.reason, /heap|memory/i);
    await assert.rejects(huge, (err: unknown) => err instanceof SidecarError && err.kind === 'sidecar-crashed');
    await once(client, 'restarted');
    const status = await client.request(Methods.status);
    assert.equal(status.state, 'ready', 'the model was reloaded');
  } finally {
    await client.stop();
  }
});
