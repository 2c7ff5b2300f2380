import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentTurnSource, turnConversation } from '../../../src/transcript-pipeline/validation-turns';

test('a validation turn is read after its context, tool output clipped as live reading clips it', () => {
  const messages = turnConversation({
    id: 'x',
    label: 'composed',
    split: 'report',
    context: [
      { role: 'user', content: 'go' },
      { role: 'tool', content: 'y'.repeat(5000) },
    ],
    text: 'done',
  });
  assert.deepEqual(
    messages.map((m) => m.role),
    ['user', 'tool', 'assistant'],
  );
  assert.ok(messages[1].content.length < 2000 && messages[1].content.includes('…'));
  assert.equal(messages[2].content, 'done');
});

test('a corpus folder without agent turns has no validation set', () => {
  const unused = {
    encoder: { layers: [], forward: () => Promise.reject(new Error('not read')) },
    tokenizer: {} as never,
    contextLimit: 512,
  };
  assert.equal(agentTurnSource(mkdtempSync(join(tmpdir(), 'av-no-turns-')), unused, 0), null);
});
