import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderSegments, type ChatRenderer } from '../../../src/sidecar/chat-segments';
import type { ChatMessage } from '../../../src/protocol/methods';

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
  assert.deepEqual(r.segments, messages.map((m) => chatml.render([m])));
});

test('appending reuses earlier boundaries instead of re-rendering each prefix', () => {
  let renders = 0;
  const counting: ChatRenderer = { render: (m) => (renders++, chatml.render(m)) };
  const first = renderSegments(counting, messages);
  renders = 0;
  const more = [...messages, { role: 'assistant' as const, content: 'done' }, { role: 'user' as const, content: 'thanks' }];
  const second = renderSegments(counting, more, first);
  assert.equal(renders, 2, 'the full text plus one prefix for the first new message');
  assert.deepEqual(second.segments.slice(0, 3), first.segments);
  assert.equal(second.segments.join(''), second.text);
});

test('a template that rewrites earlier turns falls back to locating each message', () => {
  // Renders only the latest assistant turn in full, like templates that strip old reasoning.
  const stripping: ChatRenderer = {
    render: (ms) => ms.map((m, i) => `[${m.role}]${m.role === 'assistant' && i < ms.length - 2 ? '…' : m.content}\n`).join(''),
  };
  const convo: ChatMessage[] = [...messages, { role: 'assistant', content: 'patched' }, { role: 'user', content: 'ok' }];
  const r = renderSegments(stripping, convo);
  assert.equal(r.segments.join('') + r.tail, r.text);
  assert.equal(r.segments.length, convo.length);
  r.segments.slice(2).forEach((s, k) => assert.ok(s.includes(convo[k + 2].content), s));
});
