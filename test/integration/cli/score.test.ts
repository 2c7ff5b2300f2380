import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summarize } from '../../../src/emotion/reading';

const dir = mkdtempSync(join(tmpdir(), 'av-cli-score-'));
const env = { ...process.env, AGENT_VITALS_CACHE: dir };

interface ScoreJson {
  emotions: string[];
  tokens: { text: string; z: Record<string, number> }[];
  summary: Record<string, { mean: number; p90: number; max: number }>;
}

test("score --json on the demo model reads the assistant's own tokens only, not the chat template's", () => {
  const messages = [
    { role: 'user', content: 'The tests fail again.' },
    { role: 'assistant', content: 'I will read the stack trace and fix the parser.' },
  ];
  const file = join(dir, 'conversation.json');
  writeFileSync(file, JSON.stringify(messages));
  const run = spawnSync(
    process.execPath,
    ['dist/cli.js', 'score', '--model', 'fixture:emotion-tiny', '--conversation', file, '--json'],
    { env, encoding: 'utf8' },
  );
  assert.equal(run.status, 0, run.stderr);
  const out = JSON.parse(run.stdout) as ScoreJson;
  const texts = out.tokens.map((t) => t.text);
  assert.equal(texts.join(''), messages[1].content);
  assert.ok(!texts.some((t) => /<\|im_(start|end)\|>|^assistant$|^\n$/.test(t)), texts.join('|'));
  // The summary is over exactly those tokens.
  for (const e of out.emotions) {
    const expected = summarize(out.tokens.map((t) => t.z[e]));
    assert.ok(
      Math.abs(out.summary[e].mean - expected.mean) < 1e-9 && Math.abs(out.summary[e].max - expected.max) < 1e-9,
      e,
    );
  }
});
