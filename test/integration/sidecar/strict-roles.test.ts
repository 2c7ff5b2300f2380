// Chat templates that demand alternating user/assistant turns (Gemma's) render agent
// conversations (tool output, consecutive assistant turns, an opening assistant turn) once roles
// are reshaped, with each message's content tokens still exactly its own words; lenient
// templates (ChatML, Llama 3, Qwen) render exactly as before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AutoTokenizer } from '@huggingface/transformers';
import type { ChatMessage } from '../../../src/contracts/rpc-methods';
import { OPENING_USER_TURN } from '../../../src/model/chat-roles';
import { encodeChat } from '../../../src/model/chat-segments';
import { ModelTokenizer } from '../../../src/model/chat-tokenizer';
import { Conversation } from '../../../src/model/conversation';
import type { KvCacheHandle, ResidualEncoder } from '../../../src/model/residual-encoder';
import { DEMO_MODEL_FOLDER, llama3TokenizerFolder, templatedTokenizerFolder, TRANSCRIPT } from './helpers';

const ALTERNATION_ERROR = 'Conversation roles must alternate user/assistant/user/assistant/...';
const GEMMA_SPECIALS = ['<bos>', '<start_of_turn>', '<end_of_turn>'];

/** Gemma 3's role rules, written for this test: a leading system message is folded into the
 *  first turn, the rest must alternate starting with the user (else raise), assistant renders
 *  as "model", content is trimmed. */
const GEMMA3_STYLE =
  "{{- bos_token }}{%- if messages[0]['role'] == 'system' %}{%- set opening = messages[0]['content'] + '\\n\\n' %}{%- set turns = messages[1:] %}" +
  "{%- else %}{%- set opening = '' %}{%- set turns = messages %}{%- endif %}" +
  "{%- for message in turns %}{%- if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{- raise_exception('" +
  ALTERNATION_ERROR +
  "') }}{%- endif %}" +
  "{{- '<start_of_turn>' + ('model' if message['role'] == 'assistant' else message['role']) + '\\n' + (opening if loop.first else '') + message['content'] | trim + '<end_of_turn>\\n' }}{%- endfor %}" +
  "{%- if add_generation_prompt %}{{- '<start_of_turn>model\\n' }}{%- endif %}";

/** Gemma 2's rules: the same alternation, and a system message is an error. */
const GEMMA2_STYLE =
  "{%- if messages[0]['role'] == 'system' %}{{- raise_exception('System role not supported') }}{%- endif %}" +
  GEMMA3_STYLE;

/** Qwen's layout: a default system message when there is none, tool output inside a user turn. */
const QWEN_STYLE =
  "{%- if messages[0]['role'] != 'system' %}{{- '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' }}{%- endif %}" +
  "{%- for message in messages %}{%- if message['role'] == 'tool' %}{{- '<|im_start|>user\\n<tool_response>\\n' + message['content'] + '\\n</tool_response><|im_end|>\\n' }}" +
  "{%- else %}{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}{%- endif %}{%- endfor %}" +
  "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}";

const gemmaFolder = (template: string) =>
  templatedTokenizerFolder(GEMMA_SPECIALS, { bos_token: '<bos>', eos_token: '<end_of_turn>', chat_template: template });

/** An agent's conversation: tool output, two assistant messages in a row, a closing user turn. */
const AGENT: ChatMessage[] = [
  ...TRANSCRIPT.slice(0, 5),
  { role: 'assistant', content: 'Patched src/parser.ts; rerunning the suite.' },
  TRANSCRIPT[5]!,
];

const countingEncoder: ResidualEncoder = {
  layers: [0],
  async forward(ids: number[], past?: KvCacheHandle) {
    return {
      activations: new Map([[0, new Float32Array(ids.length)]]),
      past: { length: (past?.length ?? 0) + ids.length, bytes: 0, dispose() {} },
    };
  },
};

const TEMPLATE_TEXT = /<start_of_turn>|<end_of_turn>|<bos>|Tool output:|Continue\./;

for (const [name, template] of [
  ['Gemma 3', GEMMA3_STYLE],
  ['Gemma 2', GEMMA2_STYLE],
] as const) {
  test(`${name}-style template: the template itself raises on agent conversations`, async () => {
    const raw = await AutoTokenizer.from_pretrained(gemmaFolder(template), { local_files_only: true });
    const render = (messages: ChatMessage[]) => raw.apply_chat_template(messages, { tokenize: false });
    for (const messages of [[AGENT[2]!], AGENT.slice(1, 4), [AGENT[1]!, AGENT[2]!, AGENT[5]!]]) {
      assert.throws(
        () => render(messages),
        (e: unknown) => e instanceof Error && e.message.includes(ALTERNATION_ERROR),
      );
    }
    assert.match(render(AGENT.slice(1, 3)) as string, /<start_of_turn>user\n.*<end_of_turn>\n<start_of_turn>model\n/s);
  });

  test(`${name}-style template: an agent conversation renders, and each message's content tokens are its own words`, async () => {
    const tokenizer = await ModelTokenizer.load(gemmaFolder(template));
    const conversation = new Conversation('c', countingEncoder, tokenizer, { contextLimit: 4096, chunkTokens: 512 });
    // Appended in parts, as a watcher does: the part boundaries fall between assistant turns too.
    for (const part of [AGENT.slice(0, 3), AGENT.slice(3, 5), AGENT.slice(5)]) {
      const out = await conversation.append(part);
      const pieces = tokenizer.pieces(out.newTokenIds);
      out.spans.forEach((span, k) => {
        const content = pieces
          .slice(span.contentStart - out.firstNewToken, span.contentEnd - out.firstNewToken)
          .join('');
        assert.equal(content, part[k]!.content.trim(), `${part[k]!.role} message`);
        assert.doesNotMatch(content, TEMPLATE_TEXT);
      });
    }
    const text = tokenizer.render(AGENT);
    assert.match(text, /<start_of_turn>user\nTool output:\nFAIL/, 'tool output is a user turn that says what it is');
    assert.match(
      text,
      /fix the parser, not the test\.\n\nPatched src/,
      'consecutive assistant messages are one model turn',
    );
    assert.equal(text.match(/<start_of_turn>/g)!.length, 5);
    conversation.dispose();
  });

  test(`${name}-style template: a lone assistant turn gets a minimal user turn that is not content`, async () => {
    const tokenizer = await ModelTokenizer.load(gemmaFolder(template));
    const turn: ChatMessage = { role: 'assistant', content: 'I will just skip that test for now.' };
    const chat = encodeChat(tokenizer, [turn]);
    const pieces = tokenizer.pieces(chat.ids);
    assert.ok(
      pieces.join('').startsWith(`<bos><start_of_turn>user\n${OPENING_USER_TURN}<end_of_turn>\n<start_of_turn>model\n`),
      pieces.join(''),
    );
    assert.equal(chat.contentTokens.map((t) => pieces[t]).join(''), turn.content);
  });
}

test('a template that rejects only the system role gets the system text in the first user turn', async () => {
  const noSystem =
    "{%- if messages[0]['role'] == 'system' %}{{- raise_exception('System role not supported') }}{%- endif %}" +
    QWEN_STYLE;
  const tokenizer = await ModelTokenizer.load(templatedTokenizerFolder([], { chat_template: noSystem }));
  const text = tokenizer.render(TRANSCRIPT.slice(0, 3));
  assert.match(
    text,
    /^<\|im_start\|>system\nYou are a helpful assistant\.<\|im_end\|>\n<\|im_start\|>user\nYou are a careful coding agent\.\n\nThe build is red/,
  );
  const chat = encodeChat(tokenizer, TRANSCRIPT.slice(0, 3));
  const pieces = tokenizer.pieces(chat.ids);
  assert.equal(
    chat.contentTokens.map((t) => pieces[t]).join(''),
    TRANSCRIPT.slice(0, 3)
      .map((m) => m.content)
      .join(''),
  );
});

for (const [name, folder] of [
  ['ChatML', DEMO_MODEL_FOLDER],
  ['Llama 3', llama3TokenizerFolder()],
  ['Qwen', templatedTokenizerFolder([], { chat_template: QWEN_STYLE })],
] as const) {
  test(`${name} template: conversations render exactly as the template renders them`, async () => {
    const tokenizer = await ModelTokenizer.load(folder);
    const raw = await AutoTokenizer.from_pretrained(folder, { local_files_only: true });
    for (const messages of [AGENT, [AGENT[2]!], AGENT.slice(2, 6)]) {
      for (const prompt of [false, true]) {
        assert.equal(
          tokenizer.render(messages, prompt),
          raw.apply_chat_template(messages, { tokenize: false, add_generation_prompt: prompt }),
        );
      }
    }
  });
}
