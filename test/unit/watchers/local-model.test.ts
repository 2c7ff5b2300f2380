// The served local model's own transcript, as SelfTranscript writes it, read back into turns that
// carry their own readings and steering; tool calls as requests only; hostile lines skipped and
// counted, with the records after them still read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SelfTranscript, type TurnRecord } from '../../../src/serve/self-transcript';
import { readTranscript } from '../../../src/watchers/read-transcript';
import { readFixture, tools, turns } from './fixtures';

const EMOTIONS = ['desperate', 'calm'];
const VALIDATED = { valid: true, why: 'validated on agent text (agent-turn check passed)' };

function turnRecord(
  id: string,
  overrides: Partial<Omit<TurnRecord, 'type' | 'time'>> = {},
): Omit<TurnRecord, 'type' | 'time'> {
  return {
    id,
    input: { role: 'user', content: 'The test still fails.' },
    content: 'I will fix add().',
    toolCalls: [],
    finishReason: 'stop',
    promptTokens: 12,
    cachedTokens: 0,
    steering: null,
    tokens: ['I', ' will', ' fix'],
    reading: {
      layer: 3,
      emotions: EMOTIONS,
      z: [
        [1, -1],
        [2, 0],
        [3, 1],
      ],
    },
    ...overrides,
  };
}

function withTranscript(write: (t: SelfTranscript) => void): { file: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'av-self-'));
  const file = join(dir, 'serve', 'transcripts', '2026-12-03T10-00-00-000Z.jsonl');
  write(new SelfTranscript(file, 'org/served-0.5b', new Date('2026-12-03T10:00:00Z'), VALIDATED));
  return { file, done: () => rmSync(dir, { recursive: true, force: true }) };
}

test('a served turn becomes the input turn and an assistant turn scored with its own per-token readings', async () => {
  const { file, done } = withTranscript((t) => {
    t.turn(turnRecord('chatcmpl-1'));
    t.turn(
      turnRecord('chatcmpl-2', {
        input: { role: 'tool', content: '1 failed' },
        steering: { emotion: 'calm', alpha: 0.1, layer: 3, scale: 2.5 },
      }),
    );
  });
  try {
    const s = (await readTranscript(file))!;
    assert.equal(s.source, 'local-model', 'detected by its session line');
    assert.equal(s.skippedRecords, 0);
    assert.deepEqual(
      turns(s.events).map((t) => [t.role, t.turnId, t.text]),
      [
        ['user', 'chatcmpl-1:input', 'The test still fails.'],
        ['assistant', 'chatcmpl-1', 'I will fix add().'],
        ['tool', 'chatcmpl-2:input', '1 failed'],
        ['assistant', 'chatcmpl-2', 'I will fix add().'],
      ],
    );
    const [first, second] = turns(s.events).filter((t) => t.role === 'assistant');
    assert.equal(first!.model, 'org/served-0.5b');
    assert.deepEqual(first!.own!.validity, VALIDATED);
    assert.deepEqual(
      first!.own!.tokens!.map((t) => [t.text, t.z.desperate, t.z.calm]),
      [
        ['I', 1, -1],
        [' will', 2, 0],
        [' fix', 3, 1],
      ],
    );
    assert.equal(first!.own!.steering, null);
    assert.deepEqual(second!.own!.steering, { emotion: 'calm', alpha: 0.1, layer: 3 });
  } finally {
    done();
  }
});

test('tool calls are requests, not runs: kind other, status unknown, no command, no edits or test runs', async () => {
  const call = {
    id: 'call_1',
    type: 'function' as const,
    function: { name: 'run_shell', arguments: '{"command":"pytest || true"}' },
  };
  const { file, done } = withTranscript((t) => t.turn(turnRecord('chatcmpl-1', { content: '', toolCalls: [call] })));
  try {
    const s = (await readTranscript(file))!;
    assert.deepEqual(
      tools(s.events).map((c) => [c.callId, c.rawName, c.kind, c.status, c.command]),
      [['call_1', 'run_shell', 'other', 'unknown', undefined]],
    );
    assert.deepEqual(
      s.events.map((e) => e.type),
      ['turn', 'turn', 'tool-call'],
    );
    // A reply of only tool calls keeps its reading: it is shown as the calls it made.
    const reply = turns(s.events).find((t) => t.role === 'assistant')!;
    assert.equal(reply.text, 'run_shell({"command":"pytest || true"})');
    assert.equal(reply.own!.tokens!.length, 3);
  } finally {
    done();
  }
});

test('a model without vectors writes turns without readings: the turn has no score, and no reader fills it in', async () => {
  const { file, done } = withTranscript((t) => t.turn(turnRecord('chatcmpl-1', { reading: null })));
  try {
    const reply = turns((await readTranscript(file))!.events).find((t) => t.role === 'assistant')!;
    assert.deepEqual(reply.own, { tokens: null, steering: null, validity: VALIDATED });
  } finally {
    done();
  }
});

test('hostile lines are skipped and counted; the records after them are still read', async () => {
  const good = (id: string) => JSON.stringify({ type: 'turn', time: '2026-12-03T10:00:01.000Z', ...turnRecord(id) });
  const bad = (overrides: Record<string, unknown>) =>
    JSON.stringify({ type: 'turn', time: '2026-12-03T10:00:01.000Z', ...turnRecord('bad'), ...overrides });
  const reading = (emotions: unknown, z: unknown) => ({ reading: { layer: 3, emotions, z } });
  const hostile = [
    '{"type":"turn","id":"cut-off',
    '[1,2,3]',
    bad({ type: 'mystery' }),
    bad({ id: 7 }),
    bad({ content: { text: 'not a string' } }),
    bad(
      reading(
        ['__proto__', 'calm'],
        [
          [1, 2],
          [1, 2],
          [1, 2],
        ],
      ),
    ),
    bad(reading(['constructor'], [[1], [1], [1]])),
    bad(reading(EMOTIONS, [[1, 2]])), // fewer rows than tokens
    bad(reading(EMOTIONS, [[1], [2], [3]])), // rows shorter than the emotions
    bad(
      reading(EMOTIONS, [
        [1, 'x'],
        [1, 2],
        [1, 2],
      ]),
    ),
    bad(
      reading(
        ['desperate', 'desperate'],
        [
          [1, 2],
          [1, 2],
          [1, 2],
        ],
      ),
    ),
    bad(
      reading(
        Array.from({ length: 65 }, (_, i) => `e${i}`),
        [[], [], []],
      ),
    ),
    bad({ tokens: { length: 1e9 }, ...reading(EMOTIONS, { length: 1e9 }) }),
    bad({ steering: { emotion: 'calm', alpha: 5, layer: 3 } }),
    bad({ steering: { emotion: '__proto__', alpha: 0.1, layer: 3 } }),
    bad({ steering: { emotion: 'calm', alpha: 0.1, layer: -1 } }),
    bad({ steering: 'calm:+0.1' }),
  ];
  const { file, done } = withTranscript(() => undefined);
  appendFileSync(file, [...hostile, good('chatcmpl-after'), ''].join('\n'));
  try {
    const s = (await readTranscript(file))!;
    assert.equal(s.skippedRecords, hostile.length);
    assert.deepEqual(
      turns(s.events).map((t) => t.turnId),
      ['chatcmpl-after:input', 'chatcmpl-after'],
    );
    assert.equal(Object.getPrototypeOf({}), Object.prototype, 'no prototype was reached');
  } finally {
    done();
  }
});

test('a session line with a malformed report-card verdict leaves the readings unvalidated', async () => {
  const { file, done } = withTranscript(() => undefined);
  appendFileSync(
    file,
    `${JSON.stringify({ type: 'session', version: 1, model: 'm', source: 'own-activations', live: { valid: 'yes' } })}\n${JSON.stringify({ type: 'turn', time: '2026-12-03T10:00:01.000Z', ...turnRecord('t') })}\n`,
  );
  try {
    const reply = turns((await readTranscript(file))!.events).find((t) => t.role === 'assistant')!;
    assert.equal(reply.own!.validity.valid, false);
  } finally {
    done();
  }
});

test('the captured transcript of a real serve run reads as two scored replies, the second steered calm', async () => {
  const s = await readFixture('local-model/2026-12-03T16-11-55-087Z.jsonl');
  assert.equal(s.skippedRecords, 0);
  const replies = turns(s.events).filter((t) => t.role === 'assistant');
  assert.equal(replies.length, 2);
  for (const r of replies) assert.equal(r.own!.tokens!.length, 6);
  assert.deepEqual(
    replies.map((r) => r.own!.steering),
    [null, { emotion: 'calm', alpha: 0.1, layer: 3 }],
  );
  assert.equal(replies[0]!.own!.validity.valid, false, 'the demo model is never valid live');
  assert.equal(replies[0]!.model, 'fixture:emotion-tiny', 'a version-1 session line is still read');
});
