import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Conversation } from '../../../src/model/conversation';
import { ConversationStore } from '../../../src/sidecar/conversation-store';
import { SidecarError } from '../../../src/contracts/rpc-errors';
import { assertClose, fullEncode, loadFixture, LAYERS, TRANSCRIPT } from './helpers';

const fixture = loadFixture();
after(async () => (await fixture).probe.release());

const limits = { contextLimit: 512, chunkTokens: 1024 };

test('appending reuses the cache and matches a full re-encode', async () => {
  const { probe, tokenizer } = await fixture;
  const conversation = new Conversation('c', probe, tokenizer, limits);
  let total = 0;
  for (const [from, to] of [
    [0, 2],
    [2, 3],
    [3, 5],
    [5, 6],
  ]) {
    const added = TRANSCRIPT.slice(from, to);
    const out = await conversation.append(added);
    const reference = await fullEncode(probe, tokenizer, TRANSCRIPT.slice(0, to));
    assert.equal(out.reusedTokens, total, 'only new tokens are computed');
    assert.equal(out.firstNewToken, total);
    assert.equal(out.totalTokens, reference.ids.length);
    assert.deepEqual(out.newTokenIds, reference.ids.slice(total));
    assert.equal(out.rebuilt, undefined);
    // Spans tile the new tokens, one per appended message, and end where the message text ends.
    assert.equal(out.spans.length, added.length);
    assert.equal(out.spans[0].start, total);
    assert.equal(out.spans.at(-1)!.end, reference.ids.length);
    out.spans.forEach((s, k) => {
      assert.equal(s.role, added[k].role);
      if (k > 0) assert.equal(s.start, out.spans[k - 1].end);
      assert.match(tokenizer.decode(reference.ids.slice(s.start, s.end)), new RegExp(added[k].content.slice(0, 12)));
      // The content tokens are exactly the message's text; the template's tokens lie around them.
      assert.equal(tokenizer.decode(reference.ids.slice(s.contentStart, s.contentEnd)), added[k].content);
      assert.ok(s.start < s.contentStart && s.contentEnd < s.end);
    });
    const hidden = probe.shape.hiddenSize;
    for (const layer of LAYERS) {
      assertClose(
        out.activations.get(layer)!,
        reference.activations.get(layer)!.subarray(total * hidden),
        1e-4,
        `layer ${layer} after ${to} messages`,
      );
    }
    total = reference.ids.length;
  }
  assert.equal(conversation.cachedTokens, total);
  assert.ok(conversation.cacheBytes > 0);
  conversation.dispose();
});

test('long inputs run in chunks on top of the cache with the same result', async () => {
  const { probe, tokenizer } = await fixture;
  const conversation = new Conversation('chunks', probe, tokenizer, { contextLimit: 512, chunkTokens: 7 });
  const out = await conversation.append(TRANSCRIPT);
  const reference = await fullEncode(probe, tokenizer, TRANSCRIPT);
  for (const layer of LAYERS)
    assertClose(out.activations.get(layer)!, reference.activations.get(layer)!, 1e-4, `layer ${layer}`);
  conversation.dispose();
});

test('past the context limit the oldest turns are dropped and the cache rebuilt', async () => {
  const { probe, tokenizer } = await fixture;
  const all = (await fullEncode(probe, tokenizer, TRANSCRIPT)).ids.length;
  const limit = all - 10;
  const conversation = new Conversation('limit', probe, tokenizer, { contextLimit: limit, chunkTokens: 1024 });
  await conversation.append(TRANSCRIPT.slice(0, 5));
  const out = await conversation.append(TRANSCRIPT.slice(5));
  assert.equal(out.rebuilt?.reason, 'context-limit');
  const dropped = out.rebuilt!.droppedMessages;
  assert.ok(dropped >= 1);
  assert.equal(out.reusedTokens, 0);
  // The system message stays; the oldest turns after it go until three quarters of the limit.
  assert.ok(out.totalTokens <= Math.floor(limit * 0.75), `${out.totalTokens} tokens kept`);
  const kept = [TRANSCRIPT[0], ...TRANSCRIPT.slice(1 + dropped)];
  const reference = await fullEncode(probe, tokenizer, kept);
  assert.equal(out.totalTokens, reference.ids.length);
  const fewer = [TRANSCRIPT[0], ...TRANSCRIPT.slice(dropped)];
  assert.ok(
    (await fullEncode(probe, tokenizer, fewer)).ids.length > Math.floor(limit * 0.75),
    'no more turns dropped than needed',
  );
  const firstNew = out.firstNewToken * probe.shape.hiddenSize;
  for (const layer of LAYERS)
    assertClose(
      out.activations.get(layer)!,
      reference.activations.get(layer)!.subarray(firstNew),
      1e-4,
      `layer ${layer}`,
    );

  const tiny = new Conversation('tiny', probe, tokenizer, { contextLimit: 8, chunkTokens: 1024 });
  await assert.rejects(
    tiny.append([TRANSCRIPT[1]]),
    (err: unknown) => err instanceof SidecarError && err.kind === 'context-overflow',
  );
  conversation.dispose();
});

test('least recently used caches are evicted under the memory budget, and rebuilt on use', async () => {
  const { probe, tokenizer } = await fixture;
  const probeOne = new Conversation('size', probe, tokenizer, limits);
  await probeOne.append(TRANSCRIPT.slice(0, 3));
  const oneCache = probeOne.cacheBytes;
  probeOne.dispose();

  // Room for two conversations of this size, not three.
  const store = new ConversationStore(
    Math.floor(oneCache * 2.5),
    (id) => new Conversation(id, probe, tokenizer, limits),
  );
  for (const id of ['a', 'b', 'c']) {
    store.openConversation(id);
    await store.use(id).append(TRANSCRIPT.slice(0, 3));
    store.enforceBudget(id);
  }
  const byId = Object.fromEntries(store.status().map((s) => [s.conversationId, s]));
  assert.equal(byId.a.cacheBytes, 0, 'a, least recently used, lost its cache');
  assert.equal(byId.a.tokens, byId.b.tokens, 'but kept its transcript');
  assert.ok(byId.b.cacheBytes > 0 && byId.c.cacheBytes > 0);
  assert.ok(store.cacheBytes <= Math.floor(oneCache * 2.5));

  const out = await store.use('a').append(TRANSCRIPT.slice(3, 4));
  store.enforceBudget('a');
  assert.deepEqual(out.rebuilt, { reason: 'evicted', droppedMessages: 0 });
  assert.equal(out.reusedTokens, 0);
  const reference = await fullEncode(probe, tokenizer, TRANSCRIPT.slice(0, 4));
  const firstNew = out.firstNewToken * probe.shape.hiddenSize;
  for (const layer of LAYERS)
    assertClose(
      out.activations.get(layer)!,
      reference.activations.get(layer)!.subarray(firstNew),
      1e-4,
      `layer ${layer}`,
    );
  const after = Object.fromEntries(store.status().map((s) => [s.conversationId, s]));
  assert.equal(after.b.cacheBytes, 0, 'b is now the least recently used and made room for a');
  store.closeAll();
});
