// Which reader reads a file is decided by its content, never by its name alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTranscript } from '../../../src/watchers/read-transcript';
import { createReader } from '../../../src/watchers/sources';
import { readFixture, TRANSCRIPTS, turns } from './fixtures';

const REAL = join(TRANSCRIPTS, '../real-transcripts');

async function copyAs(source: string, name: string, transform: (text: string) => string = (t) => t): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'av-sources-'));
  const file = join(dir, name);
  await writeFile(file, transform(await readFile(source, 'utf8')));
  return file;
}

test('a Gemini session document named .jsonl is read as one JSON document (written here, and a real one)', async () => {
  for (const document of [
    'gemini/tmp/c0ffee/session-legacy-1.json',
    '../real-transcripts/gemini/session-2026-06-05T04-59-dcbe78d3.json',
  ]) {
    const original = await readFixture(document);
    const s = await readTranscript(await copyAs(join(TRANSCRIPTS, document), 'session-1.jsonl'));
    assert.equal(s?.source, 'gemini', document);
    assert.equal(s.skippedRecords, 0, document);
    assert.ok(turns(original.events).length > 0, document);
    assert.deepEqual(
      turns(s.events).map((t) => t.text),
      turns(original.events).map((t) => t.text),
      document,
    );
  }
});

test('an Aider history under another name is still an Aider history', async () => {
  const s = await readTranscript(await copyAs(join(REAL, 'aider/aider-ai-s11/.aider.chat.history.md'), 'history.txt'));
  assert.equal(s?.source, 'aider');
});

test('a real Claude Code session whose first record is over 64 KB is detected and read whole', async () => {
  const source = join(REAL, 'claude-code/5c0375b4-57a5-4f26-b12d-d022ee4e51b7.jsonl');
  const original = await readTranscript(source);
  // A long paste in the first message: the same session with 100 KB more text in its first record.
  const padded = await copyAs(source, 'padded.jsonl', (text) => {
    const [first, ...rest] = text.split('\n');
    const record = JSON.parse(first!) as { message: { content: string } };
    record.message.content += `\n${'pasted log line\n'.repeat(6_400)}`;
    return [JSON.stringify(record), ...rest].join('\n');
  });
  const s = await readTranscript(padded);
  assert.equal(s?.source, 'claude-code');
  assert.equal(turns(s.events).length, turns(original!.events).length);
  assert.ok(turns(s.events)[0]!.text.length > 100_000);
});

test('a Gemini file is read as JSONL unless it holds one document; only an empty file goes by its name', () => {
  const mode = (file: string, head: string) => createReader({ source: 'gemini', file, head, sink: () => {} }).mode;
  assert.equal(mode('/g/chats/session-1.jsonl', ''), 'lines'); // just created, nothing written yet
  assert.equal(mode('/g/chats/session-1.json', ''), 'document');
  assert.equal(
    mode('/g/chats/session-1.json', '{"sessionId":"s","projectHash":"h","kind":"main"}\n{"id":"u1","type":"user"'),
    'lines',
  );
  assert.equal(mode('/g/chats/session-1.jsonl', '{\n  "sessionId": "s",\n  "messages": ['), 'document');
  assert.equal(mode('/g/chats/session-1.jsonl', '{"sessionId":"s","messages":[]}'), 'document');
});
