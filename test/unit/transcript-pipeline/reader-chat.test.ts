import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AgentEvent, TurnEvent } from '../../../src/core/events';
import { ReaderChat, requestCharsFor, stepMessages } from '../../../src/transcript-pipeline/reader-chat';

const envelope = (seq: number) => ({
  source: 'codex' as const,
  sessionId: 's',
  seq,
  ts: new Date(seq * 1000).toISOString(),
});
const turn = (seq: number, role: TurnEvent['role'], text: string): TurnEvent => ({
  ...envelope(seq),
  type: 'turn',
  turnId: `t${seq}`,
  role,
  text,
});
const command = (seq: number, output: string, exitCode: number): AgentEvent => ({
  ...envelope(seq),
  type: 'tool-call',
  callId: `c${seq}`,
  rawName: 'shell',
  kind: 'shell',
  input: {},
  command: 'pytest',
  status: 'failed',
  output,
  exitCode,
  exitCodeSource: 'structured',
});

test('an assistant turn is read with the prompt and the tool calls since the last one, each in its own role', () => {
  const chat = new ReaderChat();
  assert.equal(chat.push(turn(1, 'user', 'Fix the failing test.')), null);
  assert.equal(chat.push(command(2, '1 failed', 1)), null);
  const step = chat.push(turn(3, 'assistant', 'The parser is off by one.'));
  assert.equal(step?.turn.turnId, 't3');
  assert.deepEqual(step?.context, [
    { role: 'user', content: 'Fix the failing test.' },
    { role: 'tool', content: '$ pytest\n1 failed\n(exit code 1)' },
  ]);
  assert.deepEqual(step?.message, { role: 'assistant', content: 'The parser is off by one.' });
  assert.deepEqual(chat.push(turn(4, 'assistant', 'Done.'))?.context, [], 'the next turn starts a fresh context');
  assert.equal(chat.push(turn(5, 'assistant', '  ')), null, 'an empty turn is not read');
});

test('a step keeps the newest context that fits one append beside its turn, and the turn always', () => {
  const contextLimit = 300;
  const budget = requestCharsFor(contextLimit);
  const context = [0, 1, 2].map((i) => ({ role: 'tool' as const, content: String(i).repeat(budget / 3) }));
  const message = { role: 'assistant' as const, content: 'x'.repeat(budget / 3) };
  const messages = stepMessages({ context, message }, contextLimit);
  assert.deepEqual(messages, [context[1], context[2], message]);
  assert.ok(messages.reduce((n, m) => n + m.content.length, 0) <= budget);
  const long = { role: 'assistant' as const, content: 'y'.repeat(10 * budget) };
  const [only] = stepMessages({ context, message: long }, contextLimit);
  assert.equal(only!.role, 'assistant');
  assert.ok(only!.content.length < long.content.length, 'a turn longer than the context is clipped');
});
