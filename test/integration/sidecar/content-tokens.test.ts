// Which tokens of a conversation are the messages' own content, with real tokenizers and chat
// templates: the demo model's ChatML, and a Llama 3 layout (BOS, role headers, trimmed content,
// end-of-turn token) on the same vocabulary. No model runs: the encoder only counts tokens.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ModelTokenizer } from '../../../src/model/chat-tokenizer';
import { Conversation } from '../../../src/model/conversation';
import type { KvCacheHandle, ResidualEncoder } from '../../../src/model/residual-encoder';
import { DEMO_MODEL_FOLDER, llama3TokenizerFolder, TRANSCRIPT } from './helpers';

/** Counts tokens like the engine's cache, computing nothing. */
const countingEncoder: ResidualEncoder = {
  layers: [0],
  async forward(ids: number[], past?: KvCacheHandle) {
    return {
      activations: new Map([[0, new Float32Array(ids.length)]]),
      past: { length: (past?.length ?? 0) + ids.length, bytes: 0, dispose() {} },
    };
  },
};

const TEMPLATE_PIECE = /<\|[a-z_]+\|>|^(system|user|assistant|tool)$/;

for (const [name, folder, templateText] of [
  ['ChatML (the demo model)', DEMO_MODEL_FOLDER, /<\|im_(start|end)\|>/],
  ['Llama 3', llama3TokenizerFolder(), /<\|(begin_of_text|start_header_id|end_header_id|eot_id)\|>/],
] as const) {
  test(`${name}: each appended message's content tokens are its text, the template's tokens lie outside`, async () => {
    const tokenizer = await ModelTokenizer.load(folder);
    assert.match(tokenizer.render(TRANSCRIPT.slice(0, 1)), templateText);
    const conversation = new Conversation('c', countingEncoder, tokenizer, { contextLimit: 4096, chunkTokens: 512 });
    for (const part of [TRANSCRIPT.slice(0, 3), TRANSCRIPT.slice(3)]) {
      const out = await conversation.append(part);
      const pieces = tokenizer.pieces(out.newTokenIds);
      out.spans.forEach((span, k) => {
        const content = pieces.slice(span.contentStart - out.firstNewToken, span.contentEnd - out.firstNewToken);
        assert.equal(content.join(''), part[k].content.trim());
        assert.ok(!content.some((p) => TEMPLATE_PIECE.test(p)), content.join('|'));
        const template = [
          ...pieces.slice(span.start - out.firstNewToken, span.contentStart - out.firstNewToken),
          ...pieces.slice(span.contentEnd - out.firstNewToken, span.end - out.firstNewToken),
        ];
        assert.match(template.join(''), templateText, 'the header and footer are still fed to the model');
        assert.ok(template.join('').includes(part[k].role), `${part[k].role} header`);
      });
    }
    conversation.dispose();
  });
}
