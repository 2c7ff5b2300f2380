// The stub comes first so the commands' `import 'vscode'` resolves to it.
import { StubUri, stubWindow, stubWorkspace } from '../../support/vscode-stub';
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GUARD_AGENTS } from '../../../src/guard/agents';
import { changeGuard, guardStatus, type GuardTarget } from '../../../src/extension/guard/guard-commands';

const LAUNCHER = '/ext-storage/guard-hook.js';

interface Seen {
  picks: { items: unknown[]; title: string }[];
  dialogs: { message: string; detail: string }[];
  infos: string[];
}

/**
 * A multi-root workspace (folders `api` and `web`) and a scratch home; the user picks `agent`,
 * then the target whose label is `where`, then answers the confirmation with `confirm`. The home,
 * folders and window answers are put back when the test ends (unit test files share a process).
 */
function setup(t: TestContext, agent: string, where: string | undefined, confirm: string | undefined) {
  const saved = { home: process.env.HOME, folders: stubWorkspace.workspaceFolders, window: { ...stubWindow } };
  t.after(() => {
    if (saved.home === undefined) delete process.env.HOME;
    else process.env.HOME = saved.home;
    stubWorkspace.workspaceFolders = saved.folders;
    Object.assign(stubWindow, saved.window);
  });
  const root = mkdtempSync(join(tmpdir(), 'av-guard-palette-'));
  const folders = { api: join(root, 'api'), web: join(root, 'web') };
  const home = join(root, 'home');
  process.env.HOME = home;
  stubWorkspace.workspaceFolders = Object.entries(folders).map(([name, path]) => ({ name, uri: new StubUri(path) }));
  const seen: Seen = { picks: [], dialogs: [], infos: [] };
  stubWindow.showQuickPick = (async (items: unknown[], options: { title: string }) => {
    seen.picks.push({ items, title: options.title });
    if (seen.picks.length === 1) return items.includes(agent) ? agent : undefined;
    return (items as GuardTarget[]).find((t) => t.label === where);
  }) as never;
  stubWindow.showWarningMessage = (async (message: string, options: { detail: string }) => {
    seen.dialogs.push({ message, detail: options.detail });
    return confirm;
  }) as never;
  stubWindow.showInformationMessage = ((message: string, options?: { detail?: string }) => {
    seen.infos.push(options?.detail ? `${message}\n${options.detail}` : message);
  }) as never;
  stubWindow.showErrorMessage = ((message: string) => seen.infos.push(message)) as never;
  return { folders, home, seen };
}

test('installing in a multi-root workspace offers each folder and the user scope, and writes only where the user chose, after showing the change', async (t) => {
  const { folders, home, seen } = setup(t, 'claude-code', 'web', 'Install');
  await changeGuard('install', LAUNCHER);
  assert.deepEqual(seen.picks[0]!.items, [...GUARD_AGENTS]);
  const targets = seen.picks[1]!.items as GuardTarget[];
  assert.deepEqual(
    targets.map((t) => [t.label, t.scope, t.detail]),
    [
      ['api', 'project', join(folders.api, '.claude', 'settings.json')],
      ['web', 'project', join(folders.web, '.claude', 'settings.json')],
      ['User', 'user', join(home, '.claude', 'settings.json')],
    ],
  );
  assert.equal(seen.dialogs.length, 1);
  assert.match(seen.dialogs[0]!.message, /Install the guard hook for claude-code\?/);
  assert.match(seen.dialogs[0]!.detail, new RegExp(`\\+\\+\\+ ${join(folders.web, '.claude', 'settings.json')}`));
  const written = JSON.parse(readFileSync(join(folders.web, '.claude', 'settings.json'), 'utf8')) as {
    hooks: { PreToolUse: { hooks: { command: string }[] }[] };
  };
  assert.equal(written.hooks.PreToolUse[0]!.hooks[0]!.command, `node ${JSON.stringify(LAUNCHER)} claude-code`);
  assert.ok(!existsSync(join(folders.api, '.claude')), 'the other folder is left alone');
  assert.ok(!existsSync(join(home, '.claude')), 'the user settings are left alone');
});

test("the user scope writes the agent's user settings file, and removing it from there takes it out again", async (t) => {
  const { folders, home, seen } = setup(t, 'copilot', 'User', 'Install');
  await changeGuard('install', LAUNCHER);
  const file = join(home, '.copilot', 'hooks', 'agent-vitals-guard.json');
  assert.match(readFileSync(file, 'utf8'), /"PreToolUse"/);
  assert.ok(!existsSync(join(folders.api, '.github')) && !existsSync(join(folders.web, '.github')));
  assert.match(seen.infos.at(-1)!, /agent-vitals-guard\.json written/);

  stubWindow.showWarningMessage = (async (_m: string, _o: unknown, verb: string) => verb) as never;
  seen.picks.length = 0;
  await changeGuard('uninstall', LAUNCHER);
  assert.ok(!existsSync(file), 'the file the install created is removed');
  assert.match(seen.infos.at(-1)!, /agent-vitals-guard\.json removed/);
});

test('cancelling the scope pick or the confirmation writes nothing', async (t) => {
  const cancelled = setup(t, 'codex', undefined, 'Install');
  await changeGuard('install', LAUNCHER);
  assert.equal(cancelled.seen.picks.length, 2);
  assert.equal(cancelled.seen.dialogs.length, 0);
  const declined = setup(t, 'codex', 'api', undefined);
  await changeGuard('install', LAUNCHER);
  assert.equal(declined.seen.dialogs.length, 1);
  for (const dir of [...Object.values(cancelled.folders), ...Object.values(declined.folders)])
    assert.ok(!existsSync(join(dir, '.codex')), dir);
  assert.ok(!existsSync(join(declined.home, '.codex')));
});

test('with no folder open only the user scope is offered', async (t) => {
  const { home, seen } = setup(t, 'gemini', 'User', 'Install');
  stubWorkspace.workspaceFolders = undefined;
  await changeGuard('install', LAUNCHER);
  assert.deepEqual(
    (seen.picks[1]!.items as GuardTarget[]).map((t) => t.label),
    ['User'],
  );
  assert.ok(existsSync(join(home, '.gemini', 'settings.json')));
});

test('status reports every agent in every folder and in the user settings', async (t) => {
  const { folders, seen } = setup(t, 'claude-code', 'api', 'Install');
  await changeGuard('install', LAUNCHER);
  await guardStatus(LAUNCHER);
  const report = seen.infos.at(-1)!.split('\n');
  assert.equal(report.length, 1 + GUARD_AGENTS.length * 3);
  assert.ok(report.includes(`claude-code in api: installed (${join(folders.api, '.claude', 'settings.json')})`));
  assert.ok(report.includes(`claude-code in web: not installed (${join(folders.web, '.claude', 'settings.json')})`));
  assert.ok(report.some((l) => /^copilot in User: not installed \(.*agent-vitals-guard\.json\)$/.test(l)));
});
