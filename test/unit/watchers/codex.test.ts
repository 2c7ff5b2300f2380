import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AgentEvent } from '../../../src/core/events';
import { CodexReader, commandText, parseCodexOutput } from '../../../src/watchers/codex';
import { SessionEmitter } from '../../../src/watchers/emitter';
import { parseApplyPatch } from '../../../src/watchers/apply-patch';
import { edits, readFixture, runSummary, tools, turns } from './fixtures';

const ROLLOUT = 'codex/2026/11/21/rollout-2026-11-21T10-00-00-0199a3c2-7e41-7b10-9c55-3f2e1d0b9a77.jsonl';

test('codex: session id, messages without injected context, shell calls in every shape', async () => {
  const s = await readFixture(ROLLOUT);
  assert.equal(s.sessionId, '0199a3c2-7e41-7b10-9c55-3f2e1d0b9a77');
  assert.deepEqual(
    turns(s.events).map((t) => [t.role, t.text.slice(0, 20)]),
    [
      ['user', 'Make the cart tests '],
      ['assistant', 'One expectation is o'],
      ['assistant', 'Python tests pass; t'],
    ],
  );
  assert.equal(turns(s.events)[1]!.model, 'gpt-5-codex');
  const done = tools(s.events).filter((t) => t.status !== 'started');
  assert.deepEqual(
    done.map((t) => [t.rawName, t.kind, t.command, t.exitCode, t.exitCodeSource]),
    [
      ['shell', 'shell', 'python -m pytest tests', 1, 'structured'],
      ['apply_patch', 'edit', undefined, 0, 'structured'],
      ['shell_command', 'shell', 'python -m pytest tests', 0, 'parsed'],
      ['apply_patch', 'edit', undefined, 0, 'structured'],
      ['local_shell', 'shell', 'go test ./...', 1, 'parsed'],
    ],
  );
  assert.equal(done[0]!.durationMs, 900);
  assert.deepEqual(runSummary(s.events), [
    ['pytest', 1, 2, 1],
    ['pytest', 0, 3, 0],
    ['go', 1, null, 1],
  ]);
  assert.equal(s.skippedRecords, 3);
});

test('codex: apply_patch becomes add/update/delete edits resolved against the cwd', async () => {
  const s = await readFixture(ROLLOUT);
  assert.deepEqual(
    edits(s.events).map((e) => [e.op, e.path, e.isTestPath]),
    [
      ['update', '/home/dev/shop/tests/test_cart.py', true],
      ['create', '/home/dev/shop/tests/test_rounding.py', true],
      ['delete', '/home/dev/shop/tests/test_legacy.py', true],
      ['update', '/home/dev/shop/shop/cart.py', false],
    ],
  );
  const [update, create] = edits(s.events);
  assert.match(update!.diff!, /^- {4}assert .* == 8\.0$/m);
  assert.match(update!.diff!, /^\+ {4}assert .* == 8\.5$/m);
  assert.equal(
    create!.after,
    'from shop.cart import total\n\ndef test_rounding():\n    assert total([(0.1, 3)]) == 0.3\n',
  );
});

test('codex: output formats by version', () => {
  assert.deepEqual(parseCodexOutput('{"output":"hi\\n","metadata":{"exit_code":2,"duration_seconds":1.5}}'), {
    output: 'hi\n',
    exitCode: 2,
    exitCodeSource: 'structured',
    durationMs: 1500,
  });
  assert.deepEqual(
    parseCodexOutput('Exit code: 127\nWall time: 0.1 seconds\nTotal output lines: 1\nOutput:\nnope: not found'),
    {
      output: 'nope: not found',
      exitCode: 127,
      exitCodeSource: 'parsed',
      durationMs: 100,
    },
  );
  assert.deepEqual(parseCodexOutput('plain text'), { output: 'plain text', exitCodeSource: 'none' });
  assert.deepEqual(parseCodexOutput('{"not":"an output"}'), { output: '{"not":"an output"}', exitCodeSource: 'none' });
});

test('codex: command arrays unwrap shell -lc and quote other arguments', () => {
  assert.equal(commandText(['bash', '-lc', 'npm test']), 'npm test');
  assert.equal(commandText(['zsh', '-c', 'go test']), 'go test');
  assert.equal(commandText(['rg', '-n', 'two words']), "rg -n 'two words'");
  assert.equal(commandText('cargo test'), 'cargo test');
  assert.equal(commandText([1, 2]), undefined);
});

test('apply_patch: move, end-of-file marker and text before the envelope', () => {
  const patch =
    "cat <<'EOF'\n*** Begin Patch\n*** Update File: a.py\n*** Move to: b.py\n@@\n-x\n+y\n*** End of File\n*** End Patch\nEOF";
  assert.deepEqual(parseApplyPatch(patch), [{ op: 'update', path: 'a.py', movedTo: 'b.py', diff: '@@\n-x\n+y' }]);
  assert.deepEqual(parseApplyPatch('no patch here'), []);
});

test('codex: early rollouts without the envelope (meta line, bare items, state records)', async () => {
  const s = await readFixture('codex/legacy/rollout-2025-05-14-5a7c0e2d.jsonl');
  assert.equal(s.source, 'codex');
  assert.equal(s.sessionId, '5a7c0e2d-91b3-4f0a-8c44-0d6e2b1f9e10');
  assert.deepEqual(
    turns(s.events).map((t) => [t.role, t.ts]),
    [
      ['user', '2025-05-14T16:20:00.000Z'],
      ['assistant', '2025-05-14T16:20:00.000Z'],
    ],
  );
  assert.deepEqual(runSummary(s.events), [['pytest', 1, 2, 1]]);
  assert.equal(s.skippedRecords, 0);
});

test('codex: unified exec output headers, and a still-running process without an exit code', () => {
  assert.deepEqual(
    parseCodexOutput(
      'Chunk ID: 7f2a\nWall time: 2.0 seconds\nProcess exited with code 1\nOriginal token count: 40\nOutput:\nFAILED x',
    ),
    { output: 'FAILED x', exitCode: 1, exitCodeSource: 'parsed', durationMs: 2000 },
  );
  assert.deepEqual(
    parseCodexOutput('Chunk ID: 7f2b\nWall time: 10.0 seconds\nProcess running with session ID 3\nOutput:\nwatching…'),
    {
      output: 'watching…',
      exitCodeSource: 'none',
      durationMs: 10000,
    },
  );
  assert.deepEqual(parseCodexOutput('Note: this is text\nOutput:\nnot a header'), {
    output: 'Note: this is text\nOutput:\nnot a header',
    exitCodeSource: 'none',
  });
});

test('codex: a command that failed in the sandbox has its exit code, and a patch that failed there is no edit', () => {
  // Codex writes a sandbox failure's error text as the call's output (the Display and the older Debug form).
  assert.deepEqual(
    parseCodexOutput(
      'failed in sandbox LinuxSeccomp with execution error: sandbox denied exec error, exit code: 2, stdout: , stderr: patch rejected',
    ),
    {
      output:
        'failed in sandbox LinuxSeccomp with execution error: sandbox denied exec error, exit code: 2, stdout: , stderr: patch rejected',
      exitCode: 2,
      exitCodeSource: 'parsed',
    },
  );
  assert.equal(
    parseCodexOutput(
      'failed in sandbox MacosSeatbelt with execution error: Denied { output: ExecToolCallOutput { exit_code: 1, stdout: "" } }',
    ).exitCode,
    1,
  );
  const events: AgentEvent[] = [];
  const reader = new CodexReader(
    new SessionEmitter({ source: 'codex', sessionId: 's' }, (e) => events.push(e)),
    '/r.jsonl',
  );
  const record = (payload: object) =>
    JSON.stringify({ timestamp: '2026-11-21T10:00:00.000Z', type: 'response_item', payload });
  reader.line(
    JSON.stringify({ timestamp: '2026-11-21T10:00:00.000Z', type: 'session_meta', payload: { id: 's', cwd: '/w' } }),
    0,
  );
  reader.line(
    record({
      type: 'function_call',
      name: 'shell',
      call_id: 'c1',
      arguments: JSON.stringify({
        command: ['apply_patch', '*** Begin Patch\n*** Update File: t_test.py\n@@\n-a\n+b\n*** End Patch'],
      }),
    }),
    1,
  );
  reader.line(
    record({
      type: 'function_call_output',
      call_id: 'c1',
      output:
        'failed in sandbox LinuxSeccomp with execution error: sandbox denied exec error, exit code: 2, stdout: , stderr: ',
    }),
    2,
  );
  reader.end();
  assert.deepEqual(edits(events), []);
  const done = tools(events).filter((t) => t.status !== 'started');
  assert.deepEqual(
    done.map((t) => [t.rawName, t.status, t.exitCode]),
    [['apply_patch', 'failed', 2]],
  );
});
