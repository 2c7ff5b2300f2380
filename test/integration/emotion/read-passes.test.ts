// Calibration reads a conversation in the same forward passes as a live reading of it, so on a
// dynamically quantised (q8) graph, whose activations depend on the pass they were computed in,
// the two give the same residuals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DialogueMessage } from '../../../src/corpus/format';
import { LoadedModel, toChatMessages } from '../../../src/model/loaded-model';
import { resolveModel } from '../../../src/model-store/model-store';
import { Conversation } from '../../../src/model/conversation';
import { READ_CHUNK_TOKENS } from '../../../src/contracts/reading';

const MODEL = 'fixture:tiny-qwen2';
const LAYER = 3;

test('q8: a conversation longer than one pass reads the same in calibration and live', async () => {
  const resolved = await resolveModel(MODEL, { dtype: 'q8' });
  const model = await LoadedModel.open(MODEL, resolved, {
    layers: [LAYER],
    threads: 1,
    cacheDir: mkdtempSync(join(tmpdir(), 'av-passes-')),
  });
  const reader = model.activationSource();
  try {
    const words = (n: number, seed: number) =>
      Array.from(
        { length: n },
        (_, i) => ['tests', 'fail', 'again', 'parser', 'fix', 'calm', 'step'][(i * seed) % 7],
      ).join(' ');
    const messages: DialogueMessage[] = [
      { role: 'user', text: words(220, 3) },
      { role: 'assistant', text: words(260, 5) },
    ];
    const calibration = await reader.readConversation(messages, [LAYER]);
    assert.ok(calibration.numTokens > READ_CHUNK_TOKENS, `${calibration.numTokens} tokens span more than one pass`);

    const conversation = new Conversation('live', model.probe, model.tokenizer, { contextLimit: 1 << 20 });
    const live = await conversation.append(toChatMessages(messages));
    conversation.dispose();
    assert.equal(live.totalTokens, calibration.numTokens);
    assert.deepEqual(live.activations.get(LAYER), calibration.layers.get(LAYER));

    // What makes this matter: one pass over the whole input reads differently on this graph.
    const ids = model.tokenizer.encode(model.tokenizer.render(toChatMessages(messages)));
    const whole = await model.probe.forward(ids);
    whole.past.dispose();
    assert.notDeepEqual(whole.activations.get(LAYER), calibration.layers.get(LAYER));
  } finally {
    await model.release();
  }
});
