import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AgentEvent, TurnEvent } from '../../../src/core/events';
import { encodeFloat32 } from '../../../src/protocol/float32';
import type { AppendResult, ChatMessage, ModelInfo } from '../../../src/protocol/methods';
import { SidecarScoreSource } from '../../../src/extension/integration/sidecarScoreSource';
import type { SidecarHost } from '../../../src/extension/sidecarHost';
import type { TurnScore } from '../../../src/extension/state/vitalsStore';

const EMOTIONS = ['desperate', 'calm'];

function turn(seq: number, role: 'user' | 'assistant', text: string): TurnEvent {
  return { type: 'turn', source: 'claude-code', sessionId: 's', seq, ts: new Date(seq * 1000).toISOString(), turnId: `t${seq}`, role, text };
}

/** A result whose assistant messages score desperate = their message index in the call. */
function fakeAppend(messages: ChatMessage[]): AppendResult {
  const scored = messages.flatMap((m, i) => (m.role === 'assistant' ? [i] : []));
  return {
    conversationId: 'c', totalTokens: 0, firstNewToken: 0, newTokenIds: [], spans: [], reusedTokens: 0, computedTokens: 0, layers: [1], hiddenSize: 4,
    scores: {
      layer: 1,
      emotions: EMOTIONS,
      messages: scored.map((i) => ({
        messageIndex: i, role: 'assistant', tokens: ['a', 'b'],
        summary: { desperate: { mean: i, p90: i, max: i + 1 }, calm: { mean: -i, p90: 0, max: 0 } },
        z: { desperate: encodeFloat32(Float32Array.of(i, i + 1)), calm: encodeFloat32(Float32Array.of(-i, 0)) },
      })),
    },
  };
}

function fakeHost(opts: { vectors: boolean }) {
  const calls: { method: string; messages: ChatMessage[] }[] = [];
  const gates: (() => void)[] = [];
  let holdNext = false;
  let reload: (() => void) | undefined;
  let modelRequests = 0;
  const host = {
    status: { kind: 'starting', modelId: 'm' },
    onStatus: () => ({ dispose() {} }),
    onReloaded: (listener: () => void) => {
      reload = listener;
      return { dispose() {} };
    },
    ensureModel: async () => (modelRequests++, { contextLimit: 8192, vectors: opts.vectors ? { layer: 1 } : null }) as unknown as ModelInfo,
    restart: async () => {},
    client: {
      request: async (type: { method: string }, params: { messages: ChatMessage[] }) => {
        calls.push({ method: type.method, messages: params.messages });
        if (holdNext) {
          holdNext = false;
          await new Promise<void>((resolve) => gates.push(resolve));
        }
        return fakeAppend(params.messages);
      },
    },
  };
  return { host: host as unknown as SidecarHost, calls, modelRequests: () => modelRequests, hold: () => (holdNext = true), release: () => gates.shift()?.(), reload: () => reload?.() };
}

const log = { error() {}, info() {}, warn() {}, debug() {} } as never;
const settle = () => new Promise((r) => setTimeout(r, 10));

test('the model is not asked for until an assistant turn needs scoring; earlier messages go with it as context', async () => {
  const fake = fakeHost({ vectors: true });
  const source = new SidecarScoreSource(fake.host, log);
  source.score('k', turn(1, 'user', 'fix it'));
  source.score('k', turn(2, 'user', 'still failing'));
  await settle();
  assert.equal(fake.modelRequests(), 0, 'no model (so no sidecar) for a user turn');
  assert.equal(fake.calls.length, 0);
  source.score('k', turn(3, 'assistant', 'running the tests'));
  await settle();
  assert.equal(fake.modelRequests(), 1);
  assert.deepEqual(fake.calls.map((c) => c.method), ['openConversation']);
  assert.equal(fake.calls[0].messages.at(-1)!.content, 'running the tests');
  assert.ok(fake.calls[0].messages.some((m) => m.content === 'fix it'), 'the waiting user turn is sent as context');
});

test('assistant turns are scored and reported under their turn ids; user turns only extend the chat', async () => {
  const fake = fakeHost({ vectors: true });
  const source = new SidecarScoreSource(fake.host, log);
  const got: [string, string, TurnScore][] = [];
  source.onScore((k, id, s) => got.push([k, id, s]));
  source.score('k', turn(1, 'user', 'fix it'));
  await settle();
  source.score('k', turn(2, 'assistant', 'running the tests'));
  await settle();
  source.score('k', turn(3, 'user', 'and now?'));
  await settle();
  assert.deepEqual(fake.calls.map((c) => c.method), ['openConversation', 'appendMessages']);
  assert.equal(got.length, 1);
  assert.equal(got[0][1], 't2');
  // The assistant turn was message 1 of the first call (after the user turn).
  assert.deepEqual(got[0][2].tokens!.map((t) => t.z.desperate), [1, 2]);
  assert.equal(got[0][2].emotions.calm.mean, -1);
});

test('messages arriving during an append are coalesced into the next one', async () => {
  const fake = fakeHost({ vectors: true });
  const source = new SidecarScoreSource(fake.host, log);
  const got: string[] = [];
  source.onScore((_k, id) => got.push(id));
  fake.hold();
  source.score('k', turn(1, 'assistant', 'go'));
  await settle();
  for (let i = 2; i <= 11; i++) source.score('k', turn(i, i % 2 ? 'user' : 'assistant', `message ${i}`));
  await settle();
  assert.equal(fake.calls.length, 1, 'nothing else is sent while the first append runs');
  fake.release();
  await settle();
  assert.equal(fake.calls.length, 2);
  assert.equal(fake.calls[1].messages.length, 10);
  assert.deepEqual(got, ['t1', 't2', 't4', 't6', 't8', 't10']);
});

test('without vectors messages wait; after a reload the whole history is resent and scored again', async () => {
  const fake = fakeHost({ vectors: false });
  const source = new SidecarScoreSource(fake.host, log);
  const got: string[] = [];
  source.onScore((_k, id) => got.push(id));
  const events: AgentEvent[] = [turn(1, 'user', 'a'), turn(2, 'assistant', 'b'), turn(3, 'user', 'c')];
  for (const e of events) source.score('k', e);
  await settle();
  assert.equal(fake.calls.length, 0);
  // Calibration finished: the host now has vectors and fires a reload.
  (fake.host as unknown as { ensureModel: () => Promise<unknown> }).ensureModel = async () => ({ contextLimit: 8192, vectors: { layer: 1 } });
  fake.reload();
  await settle();
  assert.equal(fake.calls.length, 1);
  assert.deepEqual(fake.calls[0].messages.map((m) => m.content), ['a', 'b', 'c']);
  assert.deepEqual(got, ['t2']);
  // A sidecar restart: the same history goes again, the same turn is scored again (replaced, not added).
  fake.reload();
  await settle();
  assert.equal(fake.calls[1].method, 'openConversation');
  assert.equal(fake.calls[1].messages.length, 3);
  assert.deepEqual(got, ['t2', 't2']);
});

test('a burst larger than the context is sent in batches that fit, oversized messages clipped', async () => {
  const fake = fakeHost({ vectors: true });
  (fake.host as unknown as { ensureModel: () => Promise<unknown> }).ensureModel = async () => ({ contextLimit: 600, vectors: { layer: 1 } });
  const source = new SidecarScoreSource(fake.host, log);
  const got: string[] = [];
  source.onScore((_k, id) => got.push(id));
  fake.hold();
  source.score('k', turn(1, 'assistant', 'go'));
  await settle();
  for (let i = 2; i <= 21; i++) source.score('k', turn(i, i % 2 ? 'user' : 'assistant', `${'x'.repeat(i === 2 ? 5000 : 40)} ${i}`));
  fake.release();
  await settle();
  const sent = fake.calls.slice(1).map((c) => c.messages);
  assert.ok(sent.length > 1, 'split into several appends');
  for (const batch of sent) assert.ok(batch.length === 1 || batch.reduce((n, m) => n + m.content.length + 24, 0) <= 200, 'each batch fits a third of the context');
  assert.ok(sent.flat()[0].content.length <= 310, 'the 5,000-character message was clipped');
  assert.equal(sent.flat().length, 20, 'nothing dropped');
  assert.equal(got.length, 11);
});
