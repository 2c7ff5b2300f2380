import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { runHook, GUARD_LOG_FILE, type GuardAgent } from '../../../src/guard/hook';
import { hookMain } from '../../../src/cli/hook';
import { HONEST_WAY_OUT, CANNOT_ASK } from '../../../src/guard/message';
import { rememberLegitimate } from '../../../src/guard/guard-memory';
import { claudeTranscript, codexTranscript, gitCommitAll, makeWorkspace, payload, TEST_CACHE } from './workspace';

// Ten minutes after the fourth failing run of each transcript.
const NOW = {
  'claude-code': new Date('2026-11-20T09:14:05.000Z'),
  codex: new Date('2026-11-21T10:14:00.000Z'),
  gemini: new Date('2026-11-23T07:05:00.000Z'),
  cline: new Date('2026-11-24T08:14:00.000Z'),
  copilot: new Date('2026-11-25T11:10:00.000Z'),
};

interface Answer {
  decision?: string;
  reason?: string;
  context?: string;
}

async function ask(
  agent: GuardAgent,
  name: string,
  pressured: boolean,
  workspace = makeWorkspace(),
): Promise<{ tier: string; kinds: string[]; answer: Answer | null }> {
  const transcript = pressured
    ? agent === 'claude-code'
      ? claudeTranscript(workspace, 4)
      : codexTranscript(workspace, 4)
    : null;
  const { decision, output } = await runHook(agent, payload(name, workspace, transcript), {
    now: NOW[agent],
    cacheDir: TEST_CACHE,
  });
  if (agent === 'gemini') {
    const g = output as { decision?: string; reason?: string; systemMessage?: string } | null;
    return {
      tier: decision.tier,
      kinds: [...new Set(decision.findings.map((f) => f.kind))],
      answer: g && { decision: g.decision, reason: g.reason, context: g.systemMessage },
    };
  }
  const h = (output as { hookSpecificOutput?: Record<string, string> } | null)?.hookSpecificOutput;
  if (h) assert.equal(h.hookEventName, 'PreToolUse');
  return {
    tier: decision.tier,
    kinds: [...new Set(decision.findings.map((f) => f.kind))],
    answer: h
      ? { decision: h.permissionDecision, reason: h.permissionDecisionReason, context: h.additionalContext }
      : null,
  };
}

test('Claude Code: a skip added without pressure is let through with a message for the agent', async () => {
  const r = await ask('claude-code', 'claude-edit-skip.json', false);
  assert.equal(r.tier, 'warn');
  assert.deepEqual(r.kinds, ['skip-added']);
  assert.equal(r.answer?.decision, undefined, 'warn must not grant or refuse permission');
  assert.match(r.answer!.context!, /skips a test \(test `test_add_negative`\)/);
  assert.match(r.answer!.context!, /Pressure: none seen/);
});

test('Claude Code: the same skip after four failing runs asks the user, naming the pressure and the way out', async () => {
  const r = await ask('claude-code', 'claude-edit-skip.json', true);
  assert.equal(r.tier, 'ask');
  assert.equal(r.answer?.decision, 'ask');
  assert.match(r.answer!.reason!, /test `test_add_negative`, failing in the last run/);
  assert.match(
    r.answer!.reason!,
    /4 failing runs in a row; `tests\/test_calc\.py::test_add_negative` failing 4× in a row/,
  );
  assert.match(r.answer!.reason!, /Desperation was not read: the guard hook loads no reader model/);
  assert.ok(r.answer!.reason!.includes(HONEST_WAY_OUT));
});

test('Claude Code: an expected value rewritten to what the failing run printed asks; the same rewrite with no failing run behind it only warns', async () => {
  const pressured = await ask('claude-code', 'claude-edit-expected.json', true);
  assert.deepEqual(pressured.kinds, ['expected-value-changed']);
  assert.equal(pressured.answer?.decision, 'ask');
  assert.match(pressured.answer!.reason!, /expected -3 → -2 \(the value the last failing run reported\)/);
  const calm = await ask('claude-code', 'claude-edit-expected.json', false);
  assert.equal(calm.tier, 'warn');
});

test('Claude Code: focusing a JS test is blocked whatever the pressure', async () => {
  for (const pressured of [false, true]) {
    const r = await ask('claude-code', 'claude-js-only.json', pressured);
    assert.equal(r.tier, 'block');
    assert.equal(r.answer?.decision, 'deny');
    assert.match(r.answer!.reason!, /held back this edit .*sum\.test\.js/);
    assert.match(r.answer!.reason!, /\[focus-added\]/);
  }
});

test("Claude Code: adding a test, running tests and reading files are none of the guard's business", async () => {
  for (const name of ['claude-edit-add-test.json', 'claude-bash-pytest.json', 'claude-read.json']) {
    const r = await ask('claude-code', name, true);
    assert.equal(r.tier, 'off', name);
    assert.equal(r.answer, null, name);
  }
});

test('Claude Code: MultiEdit, Write and NotebookEdit are read from the tool input and the file on disk', async () => {
  for (const name of ['claude-multiedit-skip.json', 'claude-write-skip.json', 'claude-notebook-skip.json']) {
    const r = await ask('claude-code', name, true);
    assert.deepEqual(r.kinds, ['skip-added'], name);
    assert.equal(r.answer?.decision, 'ask', name);
  }
  const notebook = await ask('claude-code', 'claude-notebook-skip.json', false);
  assert.match(
    notebook.answer!.context!,
    /test_notebook\.ipynb:/,
    'the message names the notebook, not the text it was read as',
  );
});

test('Claude Code: shell commands that change test files are read before they run', async () => {
  const cases: [string, string][] = [
    ['claude-bash-sed.json', 'expected-value-changed'],
    ['claude-bash-rm.json', 'test-file-deleted'],
    ['claude-bash-heredoc.json', 'test-deleted'],
    ['claude-bash-mv.json', 'test-file-deleted'],
  ];
  for (const [name, kind] of cases) {
    const r = await ask('claude-code', name, true);
    assert.deepEqual(r.kinds, [kind], name);
    assert.equal(r.answer?.decision, 'ask', name);
  }
});

test('Claude Code: git checkout -- of a test file that gained a test reads as deleting it', async () => {
  const w = makeWorkspace();
  gitCommitAll(w);
  const file = join(w, 'tests', 'test_calc.py');
  writeFileSync(file, `${readFileSync(file, 'utf8')}\n\ndef test_add_big():\n    assert add(10, 10) == 20\n`);
  const r = await ask('claude-code', 'claude-bash-git-checkout.json', true, w);
  assert.deepEqual(r.kinds, ['test-deleted']);
  assert.match(r.answer!.reason!, /test_add_big/);
});

test('Codex: apply_patch is classified from its hunks; an ask is held back as a deny, and said so', async () => {
  const pressured = await ask('codex', 'codex-apply-patch-skip.json', true);
  assert.equal(pressured.tier, 'ask');
  assert.equal(pressured.answer?.decision, 'deny');
  assert.ok(pressured.answer!.reason!.includes(CANNOT_ASK));
  assert.match(pressured.answer!.reason!, /4 failing runs in a row/);
  const calm = await ask('codex', 'codex-apply-patch-skip.json', false);
  assert.equal(calm.answer?.decision, undefined);
  assert.match(calm.answer!.context!, /skips a test/);
  const added = await ask('codex', 'codex-apply-patch-add-test.json', true);
  assert.equal(added.answer, null);
  const sed = await ask('codex', 'codex-bash-sed.json', true);
  assert.equal(sed.answer?.decision, 'deny');
});

test('Gemini CLI: replace and run_shell_command are read like Edit and Bash; a warning goes to the user, an ask is held back as a deny', async () => {
  const calm = await ask('gemini', 'gemini-replace-skip.json', false);
  assert.equal(calm.tier, 'warn');
  assert.equal(calm.answer?.decision, undefined);
  assert.match(calm.answer!.context!, /skips a test \(test `test_add_negative`\)/);
  const w = makeWorkspace();
  mkdirSync(join(w, '.agent-vitals'));
  writeFileSync(join(w, '.agent-vitals', 'guard.json'), JSON.stringify({ kinds: { 'expected-value-changed': 'ask' } }));
  const sed = await ask('gemini', 'gemini-shell-sed.json', false, w);
  assert.deepEqual(sed.kinds, ['expected-value-changed'], 'the command ran in dir_path (tests/)');
  assert.equal(sed.answer?.decision, 'deny');
  assert.ok(sed.answer!.reason!.includes(CANNOT_ASK));
  assert.equal((await ask('gemini', 'gemini-write-file-add-test.json', false)).answer, null);
});

test('the project guard file changes the tiers; a broken one fails open with the file named', async () => {
  const w = makeWorkspace();
  mkdirSync(join(w, '.agent-vitals'));
  writeFileSync(join(w, '.agent-vitals', 'guard.json'), JSON.stringify({ kinds: { 'skip-added': 'block' } }));
  assert.equal((await ask('claude-code', 'claude-edit-skip.json', false, w)).answer?.decision, 'deny');
  const log = readFileSync(join(w, GUARD_LOG_FILE), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { tier: string; kinds: string[] });
  assert.deepEqual(
    log.map((l) => [l.tier, l.kinds]),
    [['block', ['skip-added']]],
  );

  writeFileSync(join(w, '.agent-vitals', 'guard.json'), '{ "kinds": { "skip-added": "stop" } }');
  const out = new PassThrough();
  const err = new PassThrough();
  const code = await hookMain('claude-code', PassThrough.from([payload('claude-edit-skip.json', w, null)]), out, err, {
    cacheDir: TEST_CACHE,
  });
  assert.equal(code, 0);
  assert.equal(out.read(), null);
  assert.match(
    String(err.read()),
    /^agent-vitals hook: let through unchecked: .*guard\.json: kinds\.skip-added must be one of off, log, warn, ask, block \(got "stop"\)\n$/,
  );
});

test('invalid JSON, a payload without a tool and an oversized payload all fail open: exit 0, no answer, one line on stderr', async () => {
  for (const input of ['{not json', '{"hook_event_name":"PreToolUse"}', 'x'.repeat(8 * 1024 * 1024 + 1)]) {
    const out = new PassThrough();
    const err = new PassThrough();
    assert.equal(await hookMain('codex', PassThrough.from([input]), out, err, { cacheDir: TEST_CACHE }), 0);
    assert.equal(out.read(), null);
    const line = String(err.read());
    assert.match(line, /^agent-vitals hook: .*unchecked.*\n$/);
    assert.equal(line.split('\n').length, 2);
  }
});

test('Claude Code: a skip the user called legitimate for its hunk or file is not stopped again; another hunk still is', async () => {
  const workspace = makeWorkspace();
  const first = await ask('claude-code', 'claude-edit-skip.json', true, workspace);
  assert.equal(first.tier, 'ask');
  const logged = JSON.parse(readFileSync(join(workspace, GUARD_LOG_FILE), 'utf8').trim().split('\n').at(-1)!) as {
    path: string;
    hunk: string;
  };
  assert.match(logged.hunk, /^[0-9a-f]{16}$/);

  rememberLegitimate(workspace, { path: logged.path, hunk: 'another-hunk' });
  assert.equal(
    (await ask('claude-code', 'claude-edit-skip.json', true, workspace)).tier,
    'ask',
    'a mark on another hunk must not cover this one',
  );

  rememberLegitimate(workspace, { path: logged.path, hunk: logged.hunk });
  const again = await ask('claude-code', 'claude-edit-skip.json', true, workspace);
  assert.equal(again.tier, 'off');
  assert.equal(again.answer, null);

  const fileWide = makeWorkspace();
  rememberLegitimate(fileWide, { path: logged.path.replace(workspace, fileWide), hunk: null });
  assert.equal(
    (await ask('claude-code', 'claude-edit-skip.json', true, fileWide)).tier,
    'off',
    'a mark for the whole file covers every hunk',
  );
});
