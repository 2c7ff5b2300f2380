import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runHook, GUARD_LOG_FILE } from '../../../src/guard/hook';
import { AUDIT_ASK } from '../../../src/guard/message';
import {
  appendClaudeEdit,
  appendCodexPatch,
  claudeTranscript,
  codexTranscript,
  geminiTranscript,
  makeWorkspace,
  payload,
  TEST_CACHE,
} from './workspace';

const NOW = new Date('2026-11-20T09:20:00.000Z');

interface StopAnswer {
  decision?: string;
  reason?: string;
  systemMessage?: string;
}

/** A Claude Code session: four failing runs, then two tests skipped and one expected value rewritten. */
function tamperedClaudeSession(): { workspace: string; transcript: string } {
  const workspace = makeWorkspace();
  const transcript = claudeTranscript(workspace, 4);
  const py = join(workspace, 'tests', 'test_calc.py');
  appendClaudeEdit(transcript, workspace, 1, {
    file_path: py,
    old_string: 'def test_add_negative():',
    new_string: '@pytest.mark.skip\ndef test_add_negative():',
  });
  appendClaudeEdit(transcript, workspace, 2, {
    file_path: py,
    old_string: 'def test_add():',
    new_string: '@pytest.mark.skip\ndef test_add():',
  });
  appendClaudeEdit(transcript, workspace, 3, {
    file_path: py,
    old_string: 'assert add(-1, -1) == -3',
    new_string: 'assert add(-1, -1) == -2',
  });
  return { workspace, transcript };
}

async function stop(
  agent: 'claude-code' | 'codex' | 'gemini',
  name: string,
  workspace: string,
  transcript: string | null,
  active = false,
): Promise<StopAnswer | null> {
  const text = JSON.stringify({
    ...(JSON.parse(payload(name, workspace, transcript)) as object),
    stop_hook_active: active,
  });
  const { decision, output } = await runHook(agent, text, { now: NOW, cacheDir: TEST_CACHE });
  assert.equal(decision.tier, 'off', 'a stop event is audited, never decided on');
  return output as StopAnswer | null;
}

test("Claude Code Stop: the audit counts the session's tampering by kind, names the tests that were failing, and asks the agent to tell the user once", async () => {
  const { workspace, transcript } = tamperedClaudeSession();
  const answer = await stop('claude-code', 'claude-stop.json', workspace, transcript);
  const summary =
    'Agent Vitals guard, end of turn: 2 tests skipped and 1 expected value rewritten this session; tests that were failing: tests/test_calc.py::test_add_negative (the last test run still failed).';
  assert.equal(answer?.decision, 'block', 'the agent reads the reason and answers before it stops');
  assert.ok(answer!.reason!.startsWith(`${summary}\n${AUDIT_ASK}\n`));
  assert.ok(
    answer!.systemMessage!.startsWith(`${summary}\n(agent-vitals guard`),
    'the user reads the summary without the request to the agent',
  );

  // The next stop, with nothing new, says nothing: the audit is not repeated every turn.
  assert.equal(await stop('claude-code', 'claude-stop.json', workspace, transcript), null);
  const audits = readFileSync(join(workspace, GUARD_LOG_FILE), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(
    audits.map((a) => [a.event, a.agent, a.flags, a.kinds]),
    [['audit', 'claude-code', 3, { 'skip-added': 2, 'expected-value-changed': 1 }]],
  );

  // A new tamper is reported again; while the agent is already answering a held-back stop, only the user is told.
  appendClaudeEdit(transcript, workspace, 4, {
    file_path: join(workspace, 'tests', 'sum.test.js'),
    old_string: "it('adds', () => {",
    new_string: "it.skip('adds', () => {",
  });
  const again = await stop('claude-code', 'claude-stop.json', workspace, transcript, true);
  assert.equal(again?.decision, undefined, 'stop_hook_active: never hold the agent back twice');
  assert.match(
    again!.systemMessage!,
    /^Agent Vitals guard, end of turn: 3 tests skipped and 1 expected value rewritten this session/,
  );
});

test('Stop with no tampering, or with no transcript, prints nothing', async () => {
  const workspace = makeWorkspace();
  assert.equal(await stop('claude-code', 'claude-stop.json', workspace, claudeTranscript(workspace, 4)), null);
  assert.equal(await stop('claude-code', 'claude-stop.json', workspace, null), null);
});

test("Codex Stop: the same audit in Codex's stop protocol (block with a reason, systemMessage for the user)", async () => {
  const workspace = makeWorkspace();
  const transcript = codexTranscript(workspace, 4);
  appendCodexPatch(
    transcript,
    1,
    '*** Begin Patch\n*** Update File: tests/test_calc.py\n@@\n-    assert add(-1, -1) == -3\n+    assert add(-1, -1) == -2\n*** End Patch\n',
  );
  const answer = await stop('codex', 'codex-stop.json', workspace, transcript);
  assert.equal(answer?.decision, 'block');
  assert.match(
    answer!.reason!,
    /^Agent Vitals guard, end of turn: 1 expected value rewritten this session; tests that were failing: tests\/test_calc\.py::test_add_negative/,
  );
  assert.ok(answer!.reason!.includes(AUDIT_ASK));
  assert.deepEqual(
    Object.keys(answer!).sort(),
    ['decision', 'reason', 'systemMessage'],
    "only fields in Codex's stop output schema",
  );
});

test('Gemini CLI AfterAgent: the audit denies the response once so the agent answers it, and tells the user', async () => {
  const workspace = makeWorkspace();
  const answer = await stop('gemini', 'gemini-after-agent.json', workspace, geminiTranscript(workspace, 4));
  assert.equal(answer?.decision, 'deny');
  assert.match(answer!.reason!, /^Agent Vitals guard, end of turn: 1 test skipped this session/);
  assert.match(
    answer!.systemMessage!,
    /1 test skipped this session; tests that were failing: tests\/test_calc\.py::test_add_negative/,
  );
});

test('a stop event of another agent is read as a tool payload and fails open', async () => {
  const workspace = makeWorkspace();
  await assert.rejects(
    runHook('gemini', payload('claude-stop.json', workspace, null), { now: NOW, cacheDir: TEST_CACHE }),
    /no tool_name and tool_input/,
  );
});
