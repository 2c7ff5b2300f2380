// End-to-end: the guard at work. A scripted Claude-Code-shaped session shows four failing test
// runs in the folder the extension watches; then the built hook (dist/hook.js, a fresh process,
// as Claude Code runs it) is asked about an edit that adds a skip. It asks the user, as the
// default tiers say under pressure, and the extension shows the decision: in the flags list with
// the agent's reply that followed, as its own timeline mark and in the status bar. "Wrong:
// legitimate" then stops the hook from asking about the same edit again. Installing from the
// command palette shows the exact change and writes it only once confirmed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { claudeProjectFolder } from '../../scripts/agent-session';
import { REPO_ROOT, startCodeServer, type CodeServer } from '../../scripts/code-server';
import { claudeTranscript, makeWorkspace, payload } from '../unit/guard/workspace';
import {
  launchBrowser,
  openSidebar,
  openWorkbench,
  runCommand,
  screenshotSidebar,
  statusState,
} from './harness/browser';

const SESSION_ID = '9f1c2e7a-4b5d-4e8f-a1b2-c3d4e5f60718';
const REPLY = 'The test cannot pass as specified: add(-1, -1) is -2, not -3. I stopped instead of skipping it.';

let server: CodeServer;
let browser: Browser;
let page: Page;
let transcript: string;

/** The hook as the agent runs it: the built bundle in a fresh process, the payload on stdin. */
function askHook(): { decision?: string; reason?: string } | null {
  const run = spawnSync(process.execPath, [join(REPO_ROOT, 'dist', 'hook.js'), 'claude-code'], {
    input: payload('claude-edit-skip.json', server.workspace, transcript),
    encoding: 'utf8',
  });
  assert.equal(run.status, 0, run.stderr);
  if (run.stdout.trim() === '') return null;
  const out = (
    JSON.parse(run.stdout) as { hookSpecificOutput: { permissionDecision?: string; permissionDecisionReason?: string } }
  ).hookSpecificOutput;
  return { decision: out.permissionDecision, reason: out.permissionDecisionReason };
}

before(async () => {
  const fixture = makeWorkspace();
  server = await startCodeServer({
    workspaceFixture: fixture,
    settings: {
      'workbench.colorTheme': 'Default Dark Modern',
      'agentVitals.model.id': 'fixture:emotion-tiny',
      'agentVitals.model.dtype': 'fp32',
    },
  });
  rmSync(fixture, { recursive: true, force: true });
  browser = await launchBrowser();
  page = await openWorkbench(browser, server.url);
  await openSidebar(page);
  // Four failing pytest runs, the last one minute ago, in Claude Code's folder for this workspace.
  const scripted = claudeTranscript(server.workspace, 4);
  const shift = Date.now() - 6 * 60_000 - Date.parse('2026-11-20T09:00:00.000Z');
  const lines = readFileSync(scripted, 'utf8')
    .trim()
    .split('\n')
    .map((l) => {
      const record = JSON.parse(l) as { timestamp: string };
      return JSON.stringify({ ...record, timestamp: new Date(Date.parse(record.timestamp) + shift).toISOString() });
    });
  rmSync(scripted);
  const folder = join(server.claudeProjects, claudeProjectFolder(server.workspace));
  mkdirSync(folder, { recursive: true });
  transcript = join(folder, `${SESSION_ID}.jsonl`);
  writeFileSync(transcript, `${lines.join('\n')}\n`);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('after four failing runs the hook asks about a skip, and the sidebar, timeline and status bar show the decision with the reply that followed', async () => {
  const frame = await openSidebar(page);
  await frame.locator('[data-testid="test-run-marker"].fail').nth(3).waitFor({ timeout: 60_000 });

  const answer = askHook();
  assert.equal(answer?.decision, 'ask');
  assert.match(answer!.reason!, /4 failing runs in a row/);
  assert.match(answer!.reason!, /If the task cannot be done as specified, stop and tell the user/);

  // The agent's next turn, as Claude Code writes it after the user declined the edit.
  const base = {
    isSidechain: false,
    userType: 'external',
    cwd: server.workspace,
    sessionId: SESSION_ID,
    version: '2.0.31',
  };
  appendFileSync(
    transcript,
    `${JSON.stringify({ ...base, type: 'assistant', uuid: 'reply', parentUuid: null, timestamp: new Date(Date.now() + 1000).toISOString(), message: { id: 'msg_reply', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: [{ type: 'text', text: REPLY }] } })}\n`,
  );

  await frame.getByTestId('guard-tier').filter({ hasText: 'guard: ask' }).waitFor({ timeout: 30_000 });
  await frame
    .getByTestId('guard-reply')
    .filter({ hasText: 'The test cannot pass as specified' })
    .waitFor({ timeout: 30_000 });
  const card = frame.locator('li.flag', { has: frame.getByTestId('guard-tier') });
  assert.match(await card.innerText(), /asked the user about this Edit before it ran \(skip-added\), under pressure/);
  assert.equal(await frame.getByTestId('guard-marker').count(), 1);
  const status = await statusState(page);
  assert.match(status.text, /1 guard decision/);
  assert.equal(status.kind, 'warning');
  await screenshotSidebar(page, 'guard-decision');
});

test('"Wrong: legitimate" is remembered where the hook reads it: the same edit is no longer stopped', async () => {
  const frame = await openSidebar(page);
  const card = frame.locator('li.flag', { has: frame.getByTestId('guard-tier') });
  // A change that does not concern the flags (selecting a turn) leaves the card's elements in
  // place: a click on its buttons cannot be lost to a re-render between press and release.
  const shown = await card.elementHandle();
  await frame.locator('rect.turn-hit').last().dispatchEvent('click');
  await frame.locator('rect.turn-hit.selected').waitFor({ timeout: 15_000 });
  assert.equal(await shown!.evaluate((e) => e.isConnected), true, 'the flag card was rebuilt by an unrelated change');
  await card.getByRole('button', { name: 'Wrong: legitimate' }).click();
  await frame.locator('li.flag.legitimate', { has: frame.getByTestId('guard-tier') }).waitFor({ timeout: 15_000 });
  assert.equal(askHook(), null, 'the guard must not ask again about an edit the user called legitimate');
  const status = await statusState(page);
  assert.doesNotMatch(status.text, /guard decision/);
});

test('installing from the command palette shows the exact change first, then writes one hook that runs the guard', async () => {
  const settingsFile = join(server.workspace, '.claude', 'settings.json');
  await runCommand(page, 'Agent Vitals: Install the Guard Hook…');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'claude-code' }).first().click();
  // Then where: the (only) workspace folder, not the user's settings.
  await page
    .locator('.quick-input-list .monaco-list-row', { hasText: 'this folder (project settings)' })
    .first()
    .click();
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ timeout: 15_000 });
  const shown = await dialog.innerText();
  assert.match(shown, /Install the guard hook for claude-code\?/);
  assert.match(shown, /\+\+\+ .*\.claude[\\/]settings\.json/);
  assert.match(shown, /guard-hook\.js/);
  await dialog.getByRole('button', { name: 'Install' }).click();
  await page.locator('.notifications-toasts', { hasText: 'settings.json written' }).waitFor({ timeout: 15_000 });
  const written = JSON.parse(readFileSync(settingsFile, 'utf8')) as {
    hooks: Record<string, { hooks: { command: string }[] }[]>;
  };
  const command = written.hooks.PreToolUse![0]!.hooks[0]!.command;
  assert.match(command, /^node ".*guard-hook\.js" claude-code$/);
  // The written command runs the extension's hook: an edit that adds a focus is held back.
  const launcher = JSON.parse(command.slice('node '.length, command.lastIndexOf(' '))) as string;
  const focus = JSON.stringify({
    session_id: SESSION_ID,
    transcript_path: transcript,
    cwd: server.workspace,
    hook_event_name: 'PreToolUse',
    tool_name: 'Edit',
    tool_input: {
      file_path: join(server.workspace, 'tests', 'sum.test.js'),
      old_string: "it('adds', ",
      new_string: "it.only('adds', ",
    },
  });
  const run = spawnSync(process.execPath, [launcher, 'claude-code'], { input: focus, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(
    (JSON.parse(run.stdout) as { hookSpecificOutput: { permissionDecision: string } }).hookSpecificOutput
      .permissionDecision,
    'deny',
  );
});
