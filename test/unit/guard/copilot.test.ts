import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { hookMain } from '../../../src/cli/hook';
import { GUARD_LOG_FILE } from '../../../src/guard/hook';
import {
  applyPlan,
  backupFile,
  installState,
  planInstall,
  planUninstall,
  settingsFile,
  SettingsFileError,
} from '../../../src/guard/install';
import { AUDIT_ASK, CANNOT_ASK, HONEST_WAY_OUT } from '../../../src/guard/message';
import { copilotTranscript, makeWorkspace, payload, TEST_CACHE } from './workspace';

const COMMAND = 'node "/opt/agent-vitals/dist/hook.js" copilot';

interface PreToolAnswer {
  hookSpecificOutput?: {
    hookEventName?: string;
    permissionDecision?: string;
    permissionDecisionReason?: string;
    additionalContext?: string;
  };
}

/** Runs `agent-vitals hook copilot` on a recorded payload; the parsed answer, or null when it printed nothing. */
async function hook(text: string): Promise<{ answer: object | null; stderr: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  assert.equal(await hookMain('copilot', PassThrough.from([text]), out, err, { cacheDir: TEST_CACHE }), 0);
  const printed = out.read() as Buffer | null;
  return { answer: printed ? (JSON.parse(String(printed)) as object) : null, stderr: String(err.read() ?? '') };
}

async function ask(name: string, pressured: boolean, workspace = makeWorkspace()): Promise<PreToolAnswer | null> {
  const transcript = pressured ? copilotTranscript(workspace, 4) : null;
  const { answer, stderr } = await hook(payload(name, workspace, transcript));
  assert.equal(stderr, '', 'the guard answered without failing open');
  if (answer) assert.equal((answer as PreToolAnswer).hookSpecificOutput?.hookEventName, 'PreToolUse');
  return answer as PreToolAnswer | null;
}

test('Copilot: a skip added by replace_string_in_file with no failing runs is let through with a message for the agent', async () => {
  const h = (await ask('copilot-replace-skip.json', false))!.hookSpecificOutput!;
  assert.equal(h.permissionDecision, undefined, 'warn must not grant or refuse permission');
  assert.match(h.additionalContext!, /skips a test \(test `test_add_negative`\)/);
  assert.match(h.additionalContext!, /Pressure: none seen/);
});

test("Copilot: the same skip after four failing runs in VS Code's session transcript asks the user, naming the pressure and the way out", async () => {
  const h = (await ask('copilot-replace-skip.json', true))!.hookSpecificOutput!;
  assert.equal(h.permissionDecision, 'ask', 'VS Code can ask: the ask is not held back');
  assert.match(h.permissionDecisionReason!, /test `test_add_negative`, failing in the last run/);
  assert.match(h.permissionDecisionReason!, /4 failing runs in a row/);
  assert.ok(h.permissionDecisionReason!.includes(HONEST_WAY_OUT));
  assert.ok(!h.permissionDecisionReason!.includes(CANNOT_ASK));
});

test('Copilot: focusing a JS test is denied whatever the pressure', async () => {
  for (const pressured of [false, true]) {
    const h = (await ask('copilot-replace-js-only.json', pressured))!.hookSpecificOutput!;
    assert.equal(h.permissionDecision, 'deny');
    assert.match(h.permissionDecisionReason!, /sum\.test\.js/);
    assert.match(h.permissionDecisionReason!, /\[focus-added\]/);
  }
});

test('Copilot: multi_replace_string_in_file, apply_patch and run_in_terminal are read from their arguments and the file on disk', async () => {
  const expected = (await ask('copilot-multi-replace-expected.json', true))!.hookSpecificOutput!;
  assert.equal(expected.permissionDecision, 'ask');
  assert.match(expected.permissionDecisionReason!, /expected -3 → -2 \(the value the last failing run reported\)/);
  assert.equal(
    (await ask('copilot-multi-replace-expected.json', false))!.hookSpecificOutput!.permissionDecision,
    undefined,
  );
  const patch = (await ask('copilot-apply-patch-skip.json', true))!.hookSpecificOutput!;
  assert.equal(patch.permissionDecision, 'ask');
  assert.match(patch.permissionDecisionReason!, /\[skip-added\]/);
  const sed = (await ask('copilot-terminal-sed.json', true))!.hookSpecificOutput!;
  assert.equal(sed.permissionDecision, 'ask');
  assert.match(sed.permissionDecisionReason!, /\[expected-value-changed\]/);
});

test("Copilot: creating a test file, running the tests and insert_edit_into_file's sketch are let through without a word", async () => {
  const workspace = makeWorkspace();
  for (const name of ['copilot-create-add-test.json', 'copilot-terminal-pytest.json', 'copilot-insert-edit-skip.json'])
    assert.equal(await ask(name, true, workspace), null, name);
  assert.ok(!existsSync(join(workspace, GUARD_LOG_FILE)), 'nothing was decided, so nothing was logged');
});

/** A session of four failing runs in which replace_string_in_file then skipped the failing test. */
function skippedSession(): { workspace: string; transcript: string } {
  const workspace = makeWorkspace();
  const transcript = copilotTranscript(workspace, 4);
  const args = {
    filePath: join(workspace, 'tests', 'test_calc.py'),
    oldString: 'def test_add_negative():',
    newString: '@pytest.mark.skip\ndef test_add_negative():',
  };
  const toolCallId = 'call_edit_1';
  const ts = '2026-11-25T11:06:00.000Z';
  const lines = [
    { type: 'tool.execution_start', data: { toolCallId, toolName: 'replace_string_in_file', arguments: args } },
    {
      type: 'tool.execution_complete',
      data: { toolCallId, success: true, result: { content: 'The file was edited.' } },
    },
  ].map((e, i) => JSON.stringify({ ...e, id: `edit-${i}`, timestamp: ts, parentId: null }));
  writeFileSync(transcript, `${readFileSync(transcript, 'utf8')}${lines.join('\n')}\n`);
  return { workspace, transcript };
}

test('Copilot Stop: the audit holds the agent back once inside hookSpecificOutput, tells the user, and says nothing new twice', async () => {
  const { workspace, transcript } = skippedSession();
  const first = (await hook(payload('copilot-stop.json', workspace, transcript))).answer as {
    hookSpecificOutput?: { hookEventName?: string; decision?: string; reason?: string };
    systemMessage?: string;
  };
  assert.equal(first.hookSpecificOutput?.hookEventName, 'Stop');
  assert.equal(first.hookSpecificOutput?.decision, 'block');
  assert.ok(first.hookSpecificOutput!.reason!.includes(AUDIT_ASK));
  assert.match(first.systemMessage!, /1 test skipped/);
  assert.match(first.systemMessage!, /tests\/test_calc\.py::test_add_negative/);
  assert.equal((await hook(payload('copilot-stop.json', workspace, transcript))).answer, null, 'nothing new to report');

  const { workspace: active, transcript: again } = skippedSession();
  const text = JSON.stringify({
    ...(JSON.parse(payload('copilot-stop.json', active, again)) as object),
    stop_hook_active: true,
  });
  const answer = (await hook(text)).answer as { hookSpecificOutput?: object; systemMessage?: string };
  assert.equal(answer.hookSpecificOutput, undefined, 'never held back twice in a row');
  assert.match(answer.systemMessage!, /1 test skipped/);
});

test("Copilot install writes the guard's own hook file in VS Code's format; uninstall removes it; a file there is kept byte for byte", () => {
  const dir = mkdtempSync(join(tmpdir(), 'av-copilot-install-'));
  const file = settingsFile('copilot', 'project', dir);
  assert.equal(file, join(dir, '.github', 'hooks', 'agent-vitals-guard.json'));
  assert.equal(
    settingsFile('copilot', 'user', dir, '/home/u'),
    join('/home/u', '.copilot', 'hooks', 'agent-vitals-guard.json'),
  );
  const plan = planInstall('copilot', file, COMMAND);
  assert.equal(plan.before, null);
  applyPlan(plan);
  assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), {
    hooks: {
      PreToolUse: [{ type: 'command', command: COMMAND, timeout: 10 }],
      Stop: [{ type: 'command', command: COMMAND, timeout: 10 }],
    },
  });
  assert.deepEqual(installState('copilot', file, COMMAND), { words: 'installed', partial: false });
  const again = planInstall('copilot', file, COMMAND);
  assert.equal(again.before, again.after, 'installing twice changes nothing');
  applyPlan(planUninstall('copilot', file, COMMAND));
  assert.ok(!existsSync(file), 'the file the install created is gone');

  const own =
    '{\n  "hooks": {\n    "PreToolUse": [ { "type": "command", "command": "./audit.sh" } ]\n  },\n  "note":   "mine"\n}\n';
  writeFileSync(file, own);
  applyPlan(planInstall('copilot', file, COMMAND));
  assert.equal(readFileSync(backupFile(file), 'utf8'), own);
  const installed = readFileSync(file, 'utf8');
  assert.ok(
    installed.startsWith('{\n  "hooks": {\n    "PreToolUse": [ { "type": "command", "command": "./audit.sh" }'),
  );
  assert.ok(installed.endsWith('  },\n  "note":   "mine"\n}\n'), 'the rest of the file is as it was');
  assert.deepEqual(installState('copilot', file, COMMAND), { words: 'installed', partial: false });
  applyPlan(planUninstall('copilot', file, COMMAND));
  assert.equal(readFileSync(file, 'utf8'), own, 'uninstall gives back the original bytes');

  mkdirSync(join(dir, 'broken', '.github', 'hooks'), { recursive: true });
  const broken = settingsFile('copilot', 'project', join(dir, 'broken'));
  writeFileSync(broken, '{"hooks": ');
  assert.throws(() => planInstall('copilot', broken, COMMAND), SettingsFileError);
  assert.equal(readFileSync(broken, 'utf8'), '{"hooks": ');
});
