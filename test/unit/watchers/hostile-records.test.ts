// Records written to break the readers: undecodable file URIs, edits that would blow up when
// applied, outputs shaped to make a pattern backtrack. Each is skipped or bounded, and the
// records after it are still read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentEvent } from '../../../src/core/events';
import { ClaudeCodeReader } from '../../../src/watchers/claude-code';
import { parseCodexOutput } from '../../../src/watchers/codex';
import { MAX_PARSED_OUTPUT_CHARS, SessionEmitter } from '../../../src/watchers/emitter';
import { readTranscript } from '../../../src/watchers/read-transcript';
import { createReader } from '../../../src/watchers/sources';
import { fill, slowdown } from '../../fuzz/linear-time';
import { edits, runs, tools, turns } from './fixtures';

const MALFORMED_URIS = ['file:///ws/%E0%A4%A', 'file://[bad', 'file:///ws/%'];

const claude = {
  base: { sessionId: 's', cwd: '/ws', timestamp: '2026-11-20T09:00:00.000Z' },
  use(uuid: string, id: string, name: string, input: object): string {
    return JSON.stringify({
      ...this.base,
      type: 'assistant',
      uuid,
      message: { role: 'assistant', content: [{ type: 'tool_use', id, name, input }] },
    });
  },
  result(uuid: string, id: string, content: string, toolUseResult?: object): string {
    return JSON.stringify({
      ...this.base,
      type: 'user',
      uuid,
      toolUseResult,
      message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content }] },
    });
  },
  say(uuid: string, text: string): string {
    return JSON.stringify({
      ...this.base,
      type: 'assistant',
      uuid,
      message: { role: 'assistant', content: [{ type: 'text', text }] },
    });
  },
};

function claudeReader(): { reader: ClaudeCodeReader; events: AgentEvent[] } {
  const events: AgentEvent[] = [];
  return {
    reader: new ClaudeCodeReader(
      new SessionEmitter({ source: 'claude-code', sessionId: 'x' }, (e) => events.push(e)),
      'f',
    ),
    events,
  };
}

async function readLines(name: string, lines: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'av-hostile-'));
  try {
    const file = join(dir, name);
    writeFileSync(file, lines.join('\n') + '\n');
    const session = await readTranscript(file);
    assert.ok(session, 'recognised as a transcript');
    return session;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('claude code: an edit of a malformed file:// path is skipped and counted, and the session reads on', async () => {
  const lines = MALFORMED_URIS.flatMap((uri, i) => [
    claude.use(`a${i}`, `t${i}`, 'Edit', { file_path: uri, old_string: 'a', new_string: 'b' }),
    claude.result(`r${i}`, `t${i}`, 'ok', { filePath: uri, originalFile: 'a' }),
  ]);
  lines.push(
    claude.use('a9', 't9', 'Edit', { file_path: 'file:///ws/ok%20name.ts', old_string: 'a', new_string: 'b' }),
    claude.result('r9', 't9', 'ok'),
  );
  lines.push(claude.say('z', 'still reading'));
  const session = await readLines('s.jsonl', lines);
  assert.equal(session.skippedRecords, MALFORMED_URIS.length);
  assert.deepEqual(
    edits(session.events).map((e) => e.path),
    ['/ws/ok name.ts'],
  );
  assert.deepEqual(
    turns(session.events).map((t) => t.text),
    ['still reading'],
  );
});

test('codex: an apply_patch naming a malformed file:// path is skipped and counted, and the session reads on', async () => {
  const record = (type: string, payload: object) =>
    JSON.stringify({ timestamp: '2026-11-21T10:00:00.000Z', type, payload });
  const lines = [
    record('session_meta', { id: 'c1', cwd: '/ws' }),
    ...MALFORMED_URIS.flatMap((uri, i) => [
      record('response_item', {
        type: 'custom_tool_call',
        name: 'apply_patch',
        call_id: `p${i}`,
        input: `*** Begin Patch\n*** Add File: ${uri}\n+x\n*** End Patch`,
      }),
      record('response_item', { type: 'custom_tool_call_output', call_id: `p${i}`, output: 'Success.' }),
    ]),
    record('response_item', {
      type: 'message',
      role: 'assistant',
      content: [{ type: 'output_text', text: 'still reading' }],
    }),
  ];
  const session = await readLines('rollout-x.jsonl', lines);
  assert.equal(session.skippedRecords, MALFORMED_URIS.length);
  assert.equal(edits(session.events).length, 0);
  assert.deepEqual(
    turns(session.events).map((t) => t.text),
    ['still reading'],
  );
});

test('every reader is total: a record whose events make a later stage throw is skipped and counted, the next is read', () => {
  const delivered: AgentEvent[] = [];
  const reader = createReader({
    source: 'claude-code',
    file: '/tmp/s.jsonl',
    head: '',
    sink: (event) => {
      if (event.type === 'turn' && event.text === 'poison') throw new RangeError('Invalid string length');
      delivered.push(event);
    },
  });
  assert.equal(reader.mode, 'lines');
  if (reader.mode !== 'lines') return;
  reader.line(claude.say('a', 'poison'), 0);
  reader.line(claude.say('b', 'after'), 1);
  assert.equal(reader.emitter.skippedRecords, 1);
  assert.deepEqual(
    turns(delivered).map((t) => t.text),
    ['after'],
  );
});

test('claude code: an Edit with an empty old_string and replace_all is not applied (a diff of what it carried instead)', () => {
  const { reader, events } = claudeReader();
  const original = 'x'.repeat(100_000);
  reader.line(
    claude.use('a', 't', 'Edit', {
      file_path: '/ws/a.test.ts',
      old_string: '',
      new_string: 'y'.repeat(100),
      replace_all: true,
    }),
    0,
  );
  reader.line(claude.result('r', 't', 'ok', { filePath: '/ws/a.test.ts', originalFile: original }), 1);
  const [edit] = edits(events);
  assert.ok(edit);
  assert.equal(edit.after, undefined);
  assert.equal(edit.before, undefined);
  assert.equal(edit.diff, `@@\n+${'y'.repeat(100)}`);
});

test('claude code: a replace_all whose result would outgrow its original many times over keeps only the diff', () => {
  const { reader, events } = claudeReader();
  const original = 'a'.repeat(200_000);
  reader.line(
    claude.use('a', 't', 'Edit', {
      file_path: '/ws/a.test.ts',
      old_string: 'a',
      new_string: 'b'.repeat(50),
      replace_all: true,
    }),
    0,
  );
  reader.line(claude.result('r', 't', 'ok', { filePath: '/ws/a.test.ts', originalFile: original }), 1);
  // A modest replace_all is still applied in full.
  reader.line(
    claude.use('c', 'u', 'Edit', {
      file_path: '/ws/b.test.ts',
      old_string: 'foo',
      new_string: 'barbaz',
      replace_all: true,
    }),
    2,
  );
  reader.line(claude.result('d', 'u', 'ok', { filePath: '/ws/b.test.ts', originalFile: 'foo(); foo();' }), 3);
  const [huge, modest] = edits(events);
  assert.equal(huge!.after, undefined);
  assert.equal(huge!.diff, `@@\n-a\n+${'b'.repeat(50)}`);
  assert.equal(modest!.after, 'barbaz(); barbaz();');
});

test('claude code: a huge old_string is searched in linear time', () => {
  const { reader, events } = claudeReader();
  const original = 'a'.repeat(1 << 20);
  const started = performance.now();
  reader.line(
    claude.use('a', 't', 'Edit', {
      file_path: '/ws/a.test.ts',
      old_string: 'a'.repeat(1 << 19) + 'b',
      new_string: '',
      replace_all: true,
    }),
    0,
  );
  reader.line(claude.result('r', 't', 'ok', { filePath: '/ws/a.test.ts', originalFile: original }), 1);
  assert.ok(performance.now() - started < 2_000);
  assert.equal(edits(events)[0]!.after, original);
});

test('claude code: a tool named after an Object.prototype member is an "other" tool', () => {
  const { reader, events } = claudeReader();
  reader.line(claude.use('a', 't', 'constructor', {}), 0);
  reader.line(claude.use('b', 'u', 'toString', {}), 1);
  assert.deepEqual(
    tools(events).map((t) => t.kind),
    ['other', 'other'],
  );
});

test('claude code: a BashOutput result full of unclosed <stdout> tags is read in linear time', () => {
  const result = (content: string) => {
    const { reader, events } = claudeReader();
    reader.line(claude.use('a1', 't1', 'Bash', { command: 'npx jest', run_in_background: true }), 0);
    reader.line(claude.result('r1', 't1', 'Command running in background with ID: bash_1'), 1);
    reader.line(claude.use('a2', 't2', 'BashOutput', { bash_id: 'bash_1' }), 2);
    reader.line(claude.result('r2', 't2', content), 3);
    return events;
  };
  const size = 160_000;
  const hostile = '<status>completed</status>\n' + '<stdout>\n'.repeat(size / 9);
  const benign = '<status>completed</status>\n<stdout>\n' + 'x'.repeat(hostile.length - 36) + '\n</stdout>';
  const ratio = slowdown(result, benign, hostile);
  assert.ok(ratio < 20, `unclosed tags took ${ratio.toFixed(1)}× the time of benign output`);
  // Both outputs still end the background command.
  assert.equal(
    runs(result('<status>completed</status>\n<exit_code>0</exit_code>\n<stdout>\nTests: 2 passed, 2 total\n</stdout>'))
      .length,
    1,
  );
});

test('codex: an output header of many ambiguous lines is parsed in linear time', () => {
  const hostile = 'A  x\n'.repeat(24) + 'no output marker';
  const benign = 'x'.repeat(hostile.length);
  const ratio = slowdown(parseCodexOutput, benign, hostile);
  assert.ok(ratio < 20, `header took ${ratio.toFixed(1)}× the time of plain text`);
  assert.deepEqual(parseCodexOutput('Exit code: 0\nWall time: 1.5 seconds\nOutput:\nok'), {
    output: 'ok',
    exitCode: 0,
    exitCodeSource: 'parsed',
    durationMs: 1500,
  });
});

test("a test command's output is cut before it is parsed: 32 times the clip costs what twice the clip costs, and a summary at the end still counts", () => {
  const finish = (output: string) => {
    const events: AgentEvent[] = [];
    new SessionEmitter({ source: 'claude-code', sessionId: 'x' }, (e) => events.push(e)).commandFinished({
      ts: '',
      command: 'pytest',
      output,
      origin: 'agent',
    });
    return events;
  };
  const flood = (size: number) => fill(' \n', size - 40) + '\n==== 1 failed, 2 passed in 0.12s ====\n';
  const ratio = slowdown(
    (text) => finish(text),
    flood(2 * MAX_PARSED_OUTPUT_CHARS),
    flood(32 * MAX_PARSED_OUTPUT_CHARS),
  );
  assert.ok(ratio < 4, `16 times the output took ${ratio.toFixed(1)}× as long to parse`);
  assert.deepEqual(
    runs(finish(flood(32 * MAX_PARSED_OUTPUT_CHARS))).map((r) => [r.passed, r.failed]),
    [[2, 1]],
  );
});
