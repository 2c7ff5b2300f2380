import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  contentRange,
  encodeChat,
  renderSegments,
  type ChatRenderer,
  type ChatTokenizer,
} from '../../../src/model/chat-segments';
import type { ChatMessage } from '../../../src/contracts/rpc-methods';

const chatml: ChatRenderer = {
  render: (messages) => messages.map((m) => `<|im_start|>${m.role}\n${m.content}<|im_end|>\n`).join(''),
};

const messages: ChatMessage[] = [
  { role: 'user', content: 'run the tests' },
  { role: 'assistant', content: 'they fail' },
  { role: 'user', content: 'fix them' },
];

test('one segment per message, tiling the rendered text', () => {
  const r = renderSegments(chatml, messages);
  assert.equal(r.segments.join('') + r.tail, r.text);
  assert.deepEqual(
    r.segments,
    messages.map((m) => chatml.render([m])),
  );
});

test('appending reuses earlier boundaries instead of re-rendering each prefix', () => {
  let renders = 0;
  const counting: ChatRenderer = { render: (m) => (renders++, chatml.render(m)) };
  const first = renderSegments(counting, messages);
  renders = 0;
  const more = [
    ...messages,
    { role: 'assistant' as const, content: 'done' },
    { role: 'user' as const, content: 'thanks' },
  ];
  const second = renderSegments(counting, more, first);
  assert.equal(renders, 2, 'the full text plus one prefix for the first new message');
  assert.deepEqual(second.segments.slice(0, 3), first.segments);
  assert.equal(second.segments.join(''), second.text);
});

test('a template that rewrites earlier turns falls back to locating each message', () => {
  // Renders only the latest assistant turn in full, like templates that strip old reasoning.
  const stripping: ChatRenderer = {
    render: (ms) =>
      ms.map((m, i) => `[${m.role}]${m.role === 'assistant' && i < ms.length - 2 ? '…' : m.content}\n`).join(''),
  };
  const convo: ChatMessage[] = [
    ...messages,
    { role: 'assistant', content: 'patched' },
    { role: 'user', content: 'ok' },
  ];
  const r = renderSegments(stripping, convo);
  assert.equal(r.segments.join('') + r.tail, r.text);
  assert.equal(r.segments.length, convo.length);
  r.segments.slice(2).forEach((s, k) => assert.ok(s.includes(convo[k + 2].content), s));
});

/** Llama 3's layout: BOS before the first message, role headers, trimmed content, an end-of-turn token. */
const llama3: ChatRenderer = {
  render: (ms) =>
    '<|begin_of_text|>' +
    ms.map((m) => `<|start_header_id|>${m.role}<|end_header_id|>\n\n${m.content.trim()}<|eot_id|>`).join(''),
};

/** Qwen2.5's layout: a default system message is added when the chat has none. */
const qwenWithDefaultSystem: ChatRenderer = {
  render: (ms) =>
    (ms[0]?.role === 'system' ? '' : '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n') +
    chatml.render(ms),
};

function contentOf(renderer: ChatRenderer, convo: ChatMessage[]): string[] {
  const r = renderSegments(renderer, convo);
  let at = 0;
  return r.segments.map((segment, i) => {
    const range = contentRange(renderer, convo, i, at, segment);
    at += segment.length;
    assert.ok(range, `message ${i} located`);
    return segment.slice(range.from, range.to);
  });
}

test("content ranges leave out each template's headers, footers and added preamble", () => {
  const convo: ChatMessage[] = [...messages, { role: 'assistant', content: '  assistant  ' }];
  for (const renderer of [chatml, qwenWithDefaultSystem])
    assert.deepEqual(
      contentOf(renderer, convo),
      convo.map((m) => m.content),
    );
  // Llama 3 trims: the range is what the template wrote, and the role word in the header is not taken for content.
  assert.deepEqual(
    contentOf(llama3, convo),
    convo.map((m) => m.content.trim()),
  );
});

test('a template that rewrites the content falls back to finding the text, or gives up', () => {
  const quoting: ChatRenderer = {
    render: (ms) => ms.map((m) => `[${m.role}] "${m.content.toUpperCase()}"\n`).join(''),
  };
  const convo: ChatMessage[] = [
    { role: 'user', content: 'OK 42' },
    { role: 'assistant', content: 'done' },
  ];
  const r = renderSegments(quoting, convo);
  const first = contentRange(quoting, convo, 0, 0, r.segments[0]);
  assert.deepEqual(first && r.segments[0].slice(first.from, first.to), 'OK 42');
  assert.equal(contentRange(quoting, convo, 1, r.segments[0].length, r.segments[1]), null);
});

/** Special tokens as single ids, every other character as its code: enough to see boundaries. */
function charTokenizer(renderer: ChatRenderer): ChatTokenizer & { decode(ids: number[]): string } {
  const specials = [
    '<|im_start|>',
    '<|im_end|>',
    '<|begin_of_text|>',
    '<|start_header_id|>',
    '<|end_header_id|>',
    '<|eot_id|>',
  ];
  return {
    longestTokenChars: Math.max(...specials.map((t) => t.length)),
    render: (ms, prompt) => renderer.render(ms) + (prompt ? '<|im_start|>assistant\n' : ''),
    encode: (text) => {
      const ids: number[] = [];
      for (let at = 0; at < text.length;) {
        const special = specials.findIndex((t) => text.startsWith(t, at));
        if (special >= 0) {
          ids.push(-1 - special);
          at += specials[special].length;
        } else ids.push(text.charCodeAt(at++));
      }
      return ids;
    },
    decode: (ids) => ids.map((id) => (id < 0 ? specials[-1 - id] : String.fromCharCode(id))).join(''),
  };
}

test('a whole chat encodes as its rendering does, and only message content counts as content', () => {
  for (const renderer of [chatml, qwenWithDefaultSystem, llama3]) {
    const tokenizer = charTokenizer(renderer);
    for (const prompt of [false, true]) {
      const chat = encodeChat(tokenizer, messages, prompt);
      assert.deepEqual(chat.ids, tokenizer.encode(tokenizer.render(messages, prompt)));
      assert.equal(
        tokenizer.decode(chat.contentTokens.map((t) => chat.ids[t])),
        messages.map((m) => m.content).join(''),
      );
      assert.ok(
        chat.contentTokens.every((t, k) => k === 0 || t > chat.contentTokens[k - 1]),
        'content tokens in order',
      );
    }
  }
});
