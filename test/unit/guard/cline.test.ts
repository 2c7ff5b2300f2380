import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { runHook } from '../../../src/guard/hook';
import { hookMain } from '../../../src/cli/hook';
import { searchReplaceBlocks } from '../../../src/guard/cline-payload';
import {
  applyPlan,
  clineScript,
  isInstalled,
  planInstall,
  planUninstall,
  settingsFile,
  SettingsFileError,
} from '../../../src/guard/install';
import { CANNOT_ASK, HONEST_WAY_OUT } from '../../../src/guard/message';
import { clineTask, makeWorkspace, payload, TEST_CACHE } from './workspace';

const NOW = new Date('2026-11-24T08:14:00.000Z');
const COMMAND = 'node "/opt/agent-vitals/dist/hook.js" cline';

/** Runs the hook with Cline's task folders under a scratch VS Code `User` folder (XDG_CONFIG_HOME/Code/User on Linux). */
async function ask(
  name: string,
  failing: number | null,
  workspace = makeWorkspace(),
): Promise<{
  tier: string;
  kinds: string[];
  answer: { cancel?: boolean; errorMessage?: string; contextModification?: string } | null;
}> {
  const config = mkdtempSync(join(tmpdir(), 'av-cline-config-'));
  if (failing !== null) clineTask(join(config, 'Code', 'User'), '1795507200000', workspace, failing);
  const saved = process.env.XDG_CONFIG_HOME;
  process.env.XDG_CONFIG_HOME = config;
  try {
    const { decision, output } = await runHook('cline', payload(name, workspace, null), {
      now: NOW,
      cacheDir: TEST_CACHE,
    });
    return { tier: decision.tier, kinds: [...new Set(decision.findings.map((f) => f.kind))], answer: output as never };
  } finally {
    if (saved === undefined) delete process.env.XDG_CONFIG_HOME;
    else process.env.XDG_CONFIG_HOME = saved;
  }
}

test('a replace_in_file diff is read as its SEARCH/REPLACE blocks, in both marker styles', () => {
  assert.deepEqual(
    searchReplaceBlocks(
      '------- SEARCH\na\n=======\nb\n+++++++ REPLACE\n\n------- SEARCH\nc\n=======\nd\n+++++++ REPLACE',
    ),
    [
      { old_string: 'a', new_string: 'b' },
      { old_string: 'c', new_string: 'd' },
    ],
  );
  assert.deepEqual(searchReplaceBlocks('<<<<<<< SEARCH\nx = 1\n=======\nx = 2\n>>>>>>> REPLACE\n'), [
    { old_string: 'x = 1', new_string: 'x = 2' },
  ]);
});

test('Cline: a skip with no failing runs in the task is let through with context for the agent', async () => {
  const r = await ask('cline-replace-skip.json', 0);
  assert.equal(r.tier, 'warn');
  assert.deepEqual(r.kinds, ['skip-added']);
  assert.equal(r.answer?.cancel, false);
  assert.match(r.answer!.contextModification!, /skips a test \(test `test_add_negative`\)/);
});

test('Cline: after four failing runs in the task history found from its task id, the skip is cancelled (Cline cannot ask), saying why', async () => {
  const r = await ask('cline-replace-skip.json', 4);
  assert.equal(r.tier, 'ask');
  assert.equal(r.answer?.cancel, true);
  assert.match(r.answer!.errorMessage!, /4 failing runs in a row/);
  assert.ok(r.answer!.errorMessage!.includes(CANNOT_ASK));
  assert.ok(r.answer!.errorMessage!.includes(HONEST_WAY_OUT));
  const sed = await ask('cline-command-sed.json', 4);
  assert.deepEqual(sed.kinds, ['expected-value-changed'], 'execute_command is read like Bash, in the workspace root');
  assert.equal(sed.answer?.cancel, true);
});

test("Cline: adding a test is none of the guard's business, and Cline still gets a JSON answer; so does a payload that fails", async () => {
  const r = await ask('cline-write-add-test.json', 4);
  assert.equal(r.tier, 'off');
  assert.equal(r.answer, null);
  for (const input of [payload('cline-write-add-test.json', makeWorkspace(), null), '{not json']) {
    const out = new PassThrough();
    assert.equal(
      await hookMain('cline', PassThrough.from([input]), out, new PassThrough(), { cacheDir: TEST_CACHE }),
      0,
    );
    assert.deepEqual(JSON.parse(String(out.read())), { cancel: false });
  }
});

test("Cline install writes an executable PreToolUse script, refuses to replace a user's own hook, and uninstall removes only its own", () => {
  const dir = mkdtempSync(join(tmpdir(), 'av-cline-install-'));
  const file = settingsFile('cline', 'project', dir);
  assert.equal(file, join(dir, '.clinerules', 'hooks', 'PreToolUse'));
  assert.equal(
    settingsFile('cline', 'user', dir, '/home/u'),
    join('/home/u', 'Documents', 'Cline', 'Hooks', 'PreToolUse'),
  );
  applyPlan(planInstall('cline', file, COMMAND));
  assert.equal(readFileSync(file, 'utf8'), clineScript(COMMAND));
  assert.ok(readFileSync(file, 'utf8').includes(`exec ${COMMAND}\n`));
  assert.equal(statSync(file).mode & 0o111, 0o111, 'executable');
  assert.ok(isInstalled('cline', file, COMMAND));
  const again = planInstall('cline', file, COMMAND);
  assert.equal(again.before, again.after, 'installing twice changes nothing');
  applyPlan(planUninstall('cline', file, COMMAND));
  assert.ok(!existsSync(file));

  const own = '#!/bin/sh\n./scripts/check-paths.sh\n';
  mkdirSync(join(dir, '.clinerules', 'hooks'), { recursive: true });
  writeFileSync(file, own);
  assert.throws(
    () => planInstall('cline', file, COMMAND),
    (err: unknown) =>
      err instanceof SettingsFileError &&
      /PreToolUse hook of your own; the guard does not replace it/.test(err.message),
  );
  applyPlan(planUninstall('cline', file, COMMAND));
  assert.equal(readFileSync(file, 'utf8'), own, "uninstall leaves a user's hook alone");
});
