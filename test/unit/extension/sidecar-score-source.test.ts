import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AgentEvent, AgentSource, TurnEvent } from '../../../src/core/events';
import { encodeFloat32 } from '../../../src/contracts/float32';
import type { RequestType } from 'vscode-jsonrpc';
import type { AppendResult, ChatMessage, ModelInfo } from '../../../src/contracts/rpc-methods';
import { SidecarError, type SidecarErrorData } from '../../../src/contracts/rpc-errors';
import { SidecarScoreSource } from '../../../src/extension/integration/sidecar-score-source';
import type { ModelLifecycle } from '../../../src/extension/integration/model-lifecycle';
import type { TurnScore } from '../../../src/contracts/reading';
import type { ScoringStatus } from '../../../src/contracts/sidebar-protocol';
import { FakeClock } from '../../support/fake-clock';

const EMOTIONS = ['desperate', 'calm'];

function turn(seq: number, role: 'user' | 'assistant', text: string, source: AgentSource = 'claude-code'): TurnEvent {
  return {
    type: 'turn',
    source,
    sessionId: 's',
    seq,
    ts: new Date(seq * 1000).toISOString(),
    turnId: `t${seq}`,
    role,
    text,
  };
}

/** A result whose assistant messages score desperate = their message index in the call. */
function fakeAppend(messages: ChatMessage[]): AppendResult {
  const scored = messages.flatMap((m, i) => (m.role === 'assistant' ? [i] : []));
  return {
    conversationId: 'c',
    totalTokens: 0,
    firstNewToken: 0,
    newTokenIds: [],
    spans: [],
    reusedTokens: 0,
    computedTokens: 0,
    layers: [1],
    hiddenSize: 4,
    scores: {
      layer: 1,
      emotions: EMOTIONS,
      messages: scored.map((i) => ({
        messageIndex: i,
        role: 'assistant',
        tokens: ['a', 'b'],
        summary: { desperate: { mean: i, p90: i, max: i + 1 }, calm: { mean: -i, p90: 0, max: 0 } },
        z: { desperate: encodeFloat32(Float32Array.of(i, i + 1)), calm: encodeFloat32(Float32Array.of(-i, 0)) },
      })),
    },
  };
}

/** What the fake host reports loaded; each test sets the context limit and the vectors. */
const MODEL_INFO: ModelInfo = {
  model: 'm',
  folder: '/m',
  onnxPath: '/m/model.onnx',
  dtype: 'fp32',
  numLayers: 2,
  hiddenSize: 4,
  layers: [1],
  contextLimit: 8192,
  weightBytes: 0,
  vectors: {
    path: '/v',
    layer: 1,
    layerReason: 'chosen',
    emotions: EMOTIONS,
    createdAt: '2026-11-27T10:00:00Z',
    live: { valid: false, why: 'not validated' },
  },
};

interface FakeModel {
  contextLimit: number;
  vectors: { layer: number; createdAt: string } | null;
}

function fakeHost(model: FakeModel) {
  const calls: { method: string; conversationId: string; messages: ChatMessage[] }[] = [];
  const gates: (() => void)[] = [];
  let holdNext = false;
  let crashNext = false;
  let reload: (() => void) | undefined;
  let statusListener: ((status: ScoringStatus) => void) | undefined;
  let modelRequests = 0;
  const client = {
    pid: 100 as number | undefined,
    async request<P, R>(type: RequestType<P, R, SidecarErrorData>, params: P): Promise<R> {
      const { conversationId, messages } = params as { conversationId: string; messages: ChatMessage[] };
      calls.push({ method: type.method, conversationId, messages });
      if (holdNext) {
        holdNext = false;
        await new Promise<void>((resolve) => gates.push(resolve));
      }
      if (crashNext) {
        crashNext = false;
        client.pid = undefined; // the process is gone; the restart brings another
        throw new SidecarError('sidecar-crashed', 'killed by SIGKILL');
      }
      return fakeAppend(messages) as R;
    },
  };
  const host: ModelLifecycle = {
    status: { kind: 'starting', modelId: 'm' },
    onStatus: (listener) => {
      statusListener = listener;
      return { dispose() {} };
    },
    onReloaded: (listener) => {
      reload = listener;
      return { dispose() {} };
    },
    ensureModel: async () => {
      modelRequests++;
      return {
        ...MODEL_INFO,
        contextLimit: model.contextLimit,
        vectors: model.vectors && { ...MODEL_INFO.vectors!, ...model.vectors },
      };
    },
    restart: async () => {},
    client,
  };
  return {
    host,
    calls,
    model,
    /** How often the model (and so the sidecar) was asked for. */
    modelRequests: () => modelRequests,
    hold: () => (holdNext = true),
    crash: () => (crashNext = true),
    release: () => gates.shift()?.(),
    ready: () =>
      statusListener?.({
        kind: 'ready',
        modelId: 'm',
        layer: 1,
        demo: false,
        live: { valid: false, why: 'not validated' },
      }),
    /** The sidecar came back (a new process) or new vectors loaded. */
    reload: (pid?: number) => {
      if (pid !== undefined) client.pid = pid;
      reload?.();
    },
  };
}

const log = { error() {} };
const VECTORS = { layer: 1, createdAt: '2026-11-27T10:00:00Z' };

/** A score source on a fake clock; `settle` lets 20 ms pass (retries due by then run). */
function source(fake: ReturnType<typeof fakeHost>, retryDelayMs: (attempt: number) => number = () => 5) {
  const clock = new FakeClock();
  const s = new SidecarScoreSource(fake.host, log, retryDelayMs, clock);
  const got: [string, string, TurnScore][] = [];
  s.onScore((k, id, score) => got.push([k, id, score]));
  return { s, got, ids: () => got.map((g) => g[1]), settle: () => clock.advance(20) };
}

test("the served local model's turns carry their own activations: the reader model never reads them", async () => {
  const fake = fakeHost({ contextLimit: 8192, vectors: VECTORS });
  const { s, got, settle } = source(fake);
  s.replay('local-model:a', turn(1, 'user', 'fix it', 'local-model'));
  s.score('local-model:a', turn(2, 'user', 'still failing', 'local-model'));
  s.score('local-model:a', turn(3, 'assistant', 'running the tests', 'local-model'));
  await settle();
  assert.equal(fake.calls.length, 0);
  assert.equal(fake.modelRequests(), 0, 'the reader model is not even loaded for them');
  assert.equal(got.length, 0);
});

test('assistant turns are scored under their turn ids; user turns go with the next assistant turn, unscored', async () => {
  const fake = fakeHost({ contextLimit: 8192, vectors: VECTORS });
  const { s, got, settle } = source(fake);
  s.score('k', turn(1, 'user', 'fix it'));
  await settle();
  assert.equal(fake.calls.length, 0, 'a user turn alone is not sent');
  assert.equal(fake.modelRequests(), 0, 'nor is the model (so the sidecar) asked for');
  s.score('k', turn(2, 'assistant', 'running the tests'));
  await settle();
  assert.deepEqual(
    fake.calls.map((c) => c.method),
    ['openConversation'],
  );
  assert.deepEqual(fake.calls[0].messages, [
    { role: 'user', content: 'fix it' },
    { role: 'assistant', content: 'running the tests' },
  ]);
  assert.equal(got.length, 1);
  assert.equal(got[0][1], 't2');
  // The assistant message is at index 1 of the request: the fake scores desperate = index.
  assert.deepEqual(
    got[0][2].tokens!.map((t) => t.z.desperate),
    [1, 2],
  );
  s.score('k', turn(3, 'user', 'and now?'));
  s.score('k', turn(4, 'assistant', 'done'));
  await settle();
  assert.deepEqual(
    fake.calls.map((c) => c.method),
    ['openConversation', 'appendMessages'],
  );
  assert.equal(fake.calls[1].conversationId, fake.calls[0].conversationId);
  assert.deepEqual(
    got.map((g) => g[1]),
    ['t2', 't4'],
  );
});

test('turns arriving during an append wait in the queue and go together in the next one', async () => {
  const fake = fakeHost({ contextLimit: 8192, vectors: VECTORS });
  const { s, ids, settle } = source(fake);
  fake.hold();
  s.score('k', turn(1, 'assistant', 'go'));
  await settle();
  for (let i = 2; i <= 11; i++) s.score('k', turn(i, i % 2 ? 'user' : 'assistant', `message ${i}`));
  await settle();
  assert.equal(fake.calls.length, 1, 'nothing else is sent while the first append runs');
  fake.release();
  await settle();
  assert.equal(fake.calls.length, 2);
  // t2, t3+t4, t5+t6, t7+t8, t9+t10 (t11, a user turn, waits for the next assistant turn).
  assert.deepEqual(
    fake.calls[1].messages.map((m) => m.content),
    [2, 3, 4, 5, 6, 7, 8, 9, 10].map((i) => `message ${i}`),
  );
  assert.deepEqual(ids(), ['t1', 't2', 't4', 't6', 't8', 't10']);
});

test('without vectors turns wait; calibration scores them, a sidecar restart reopens without scoring any turn twice', async () => {
  const fake = fakeHost({ contextLimit: 8192, vectors: null });
  const { s, ids, settle } = source(fake);
  for (const e of [
    turn(1, 'user', 'a'),
    turn(2, 'assistant', 'b'),
    turn(3, 'user', 'c'),
    turn(4, 'assistant', 'd'),
  ] as AgentEvent[])
    s.score('k', e);
  await settle();
  assert.equal(fake.calls.length, 0);
  // Calibration finished: the host now has vectors and fires a reload.
  fake.model.vectors = VECTORS;
  fake.reload();
  await settle();
  assert.equal(fake.calls.length, 1);
  assert.deepEqual(
    fake.calls[0].messages.map((m) => m.content),
    ['a', 'b', 'c', 'd'],
  );
  assert.deepEqual(ids(), ['t2', 't4']);
  // The sidecar restarted (another process): the next turn reopens the conversation from its
  // history (unscored), then is appended; history turns are not delivered again.
  fake.reload(200);
  s.score('k', turn(5, 'assistant', 'e'));
  await settle();
  assert.deepEqual(
    fake.calls.slice(1).map((c) => [c.method, c.messages.map((m) => m.content).join('')]),
    [
      ['openConversation', 'abcd'],
      ['appendMessages', 'e'],
    ],
  );
  assert.notEqual(fake.calls[1].conversationId, fake.calls[0].conversationId);
  assert.deepEqual(ids(), ['t2', 't4', 't5']);
});

test('new vectors score the kept history again: earlier turns get fresh scores, replacing the old', async () => {
  const fake = fakeHost({ contextLimit: 8192, vectors: VECTORS });
  const { s, ids, settle } = source(fake);
  s.score('k', turn(1, 'user', 'a'));
  s.score('k', turn(2, 'assistant', 'b'));
  await settle();
  fake.model.vectors = { layer: 2, createdAt: '2026-11-27T11:00:00Z' };
  fake.reload();
  s.score('k', turn(3, 'assistant', 'c'));
  await settle();
  assert.deepEqual(
    fake.calls.map((c) => c.method),
    ['openConversation', 'openConversation', 'appendMessages'],
  );
  assert.deepEqual(ids(), ['t2', 't2', 't3']);
});

test('a sidecar killed mid-append: the turns are sent again after the restart, each delivered once, in order', async () => {
  const fake = fakeHost({ contextLimit: 8192, vectors: VECTORS });
  const { s, ids, settle } = source(fake);
  s.score('k', turn(1, 'assistant', 'one'));
  await settle();
  fake.crash();
  s.score('k', turn(2, 'assistant', 'two'));
  s.score('k', turn(3, 'assistant', 'three'));
  await settle();
  fake.reload(300);
  await settle();
  await s.idle();
  assert.deepEqual(ids(), ['t1', 't2', 't3']);
  const after = fake.calls.slice(2);
  assert.equal(after[0].method, 'openConversation', 'reopened in the new process');
  assert.deepEqual(
    after.flatMap((c) => c.messages.map((m) => m.content)),
    ['one', 'two', 'three'],
  );
});

test('a burst larger than the context is sent in requests that fit, oversized messages clipped, nothing dropped', async () => {
  const fake = fakeHost({ contextLimit: 200, vectors: VECTORS });
  const { s, ids, settle } = source(fake);
  fake.hold();
  s.score('k', turn(1, 'assistant', 'go'));
  await settle();
  for (let i = 2; i <= 21; i++)
    s.score('k', turn(i, i % 2 ? 'user' : 'assistant', `${'x'.repeat(i === 2 ? 5000 : 40)} ${i}`));
  fake.release();
  await settle();
  await s.idle();
  const sent = fake.calls.slice(1).map((c) => c.messages);
  assert.ok(sent.length > 1, 'split into several appends');
  // A request holds whole turns within a third of the context (200 tokens at ~3 characters each).
  for (const batch of sent)
    assert.ok(
      batch.length <= 2 || batch.reduce((n, m) => n + m.content.length, 0) <= 200,
      `request of ${batch.length} messages`,
    );
  assert.ok(sent.flat()[0].content.length <= 310, 'the 5,000-character message was clipped to half the context');
  assert.equal(sent.flat().length, 19, 'every message but the last user turn was sent');
  assert.equal(ids().length, 11);
});

test('events replayed from a resumed transcript open the conversation as context and are not scored again', async () => {
  const fake = fakeHost({ contextLimit: 8192, vectors: VECTORS });
  const { s, ids, settle } = source(fake);
  s.replay('k', turn(1, 'user', 'fix the total'));
  s.replay('k', turn(2, 'assistant', 'scored before the reload'));
  await settle();
  assert.equal(fake.calls.length, 0, 'replayed events alone send nothing');
  s.score('k', turn(3, 'assistant', 'after the reload'));
  await settle();
  assert.deepEqual(
    fake.calls.map((c) => [c.method, c.messages.map((m) => m.content)]),
    [
      ['openConversation', ['fix the total', 'scored before the reload']],
      ['appendMessages', ['after the reload']],
    ],
  );
  assert.deepEqual(ids(), ['t3']);
});

test('turns waiting for a model go as soon as the host says it is ready, not after the backoff', async () => {
  const fake = fakeHost({ contextLimit: 8192, vectors: null });
  const { s, ids, settle } = source(fake, () => 60_000);
  s.score('k', turn(1, 'assistant', 'waiting'));
  await settle();
  assert.deepEqual(ids(), []);
  // The model was downloaded (already calibrated): no reload event, only the ready status.
  fake.model.vectors = VECTORS;
  fake.ready();
  await settle();
  assert.deepEqual(ids(), ['t1']);
  s.dispose();
});
