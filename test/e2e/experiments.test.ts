// End-to-end: each "Agent Vitals: Experiment — …" command from the palette of a real VS Code
// (code-server), running in the extension's sidecar on the bundled demo model (fixture:emotion-tiny)
// with the vectors shipped in its folder, until its panel shows the result; one screenshot per panel.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import { startCodeServer, type CodeServer } from '../../scripts/code-server';
import { launchBrowser, openWorkbench, runCommand, screenshot } from './harness/browser';

let server: CodeServer;
let browser: Browser;
let page: Page;

before(async () => {
  server = await startCodeServer({
    workspaceFixture: 'test/e2e/workspace/project',
    settings: {
      'workbench.colorTheme': 'Default Dark Modern',
      'agentVitals.model.id': 'fixture:emotion-tiny',
      'agentVitals.model.dtype': 'fp32',
    },
  });
  browser = await launchBrowser();
  page = await openWorkbench(browser, server.url);
  // The extension is up once its status bar item shows; its commands are registered by then.
  await page.locator('[id$="agentVitals.status"]').waitFor({ timeout: 60_000 });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** The webview document of the panel titled `title` (VS Code nests it in two iframes). */
async function panelDocument(title: string, attempts = 120): Promise<Frame> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    for (const frame of page.frames()) {
      if (frame.isDetached()) continue;
      if ((await frame.title().catch(() => '')) === title && (await frame.locator('main#app').count())) return frame;
    }
    await page.waitForTimeout(500);
  }
  throw new Error(`no panel titled ${title}`);
}

/** Once a panel shows its result, the run's progress notification closes. */
async function progressClosed(title: string): Promise<void> {
  await page.locator('.notification-toast', { hasText: title }).waitFor({ state: 'hidden', timeout: 10_000 });
}

async function runPanel(command: string, title: string, press: boolean, shot: string): Promise<Frame> {
  await runCommand(page, `Agent Vitals: Experiment — ${command}`);
  const frame = await panelDocument(`Experiment — ${title}`);
  if (press) await frame.locator('vscode-button', { hasText: 'Run' }).click();
  await frame.locator('body[data-state="result"], body[data-state="error"]').waitFor({ timeout: 120_000 });
  assert.equal(
    await frame.locator('body').getAttribute('data-state'),
    'result',
    await frame
      .locator('.status')
      .innerText()
      .catch(() => ''),
  );
  await progressClosed(title);
  await screenshot(page, shot);
  return frame;
}

test('Prompt Tone: bars per tone from the sidecar', async () => {
  const frame = await runPanel('Prompt Tone', 'Prompt Tone', true, 'experiment-tone');
  assert.equal(await frame.locator('svg rect.bar').count(), 3 * 4);
});

test('Failure Streak: desperation and calm against failed runs, with ρ', async () => {
  const frame = await runPanel('Failure Streak', 'Failure Streak', true, 'experiment-streak');
  assert.equal(await frame.locator('svg circle.dot').count(), 9 * 2);
  assert.match(await frame.locator('.legend').innerText(), /desperate \(ρ = -?\d\.\d\d\)/);
});

test('Steering: side-by-side replies per α', async () => {
  await runCommand(page, 'Agent Vitals: Experiment — Steering');
  const frame = await panelDocument('Experiment — Steering');
  await frame
    .locator('vscode-textfield')
    .nth(3)
    .evaluate((el, v) => ((el as unknown as { value: string }).value = v), '24');
  await frame.locator('vscode-button', { hasText: 'Run' }).click();
  await frame.locator('body[data-state="result"]').waitFor({ timeout: 120_000 });
  await progressClosed('Experiment — Steering');
  await screenshot(page, 'experiment-steer');
  assert.equal(await frame.locator('.columns .column').count(), 3);
});

test('Report Card: checks with verdicts', async () => {
  const frame = await runPanel('Report Card', 'Report Card', true, 'experiment-report-card');
  assert.ok((await frame.locator('table tbody tr').count()) >= 5);
});

test('Score Selection: the selected text as a heat map', async () => {
  await runCommand(page, 'Go to File...');
  await page.locator('.quick-input-widget input').fill('invoice.js');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'invoice.js' }).first().click();
  await page.locator('.part.editor .monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+A');
  // The palette straight from the editor: runCommand's click would focus another tab first.
  await page.keyboard.press('F1');
  await page.locator('.quick-input-widget input').fill('>Agent Vitals: Experiment — Score Selection');
  await page
    .locator('.quick-input-list .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: /^Agent Vitals: Experiment — Score Selection$/ }) })
    .first()
    .click();
  const frame = await panelDocument('Experiment — Score Selection');
  await frame.locator('body[data-state="result"]').waitFor({ timeout: 120_000 });
  await progressClosed('Experiment — Score Selection');
  await screenshot(page, 'experiment-score');
  assert.ok((await frame.locator('.heat .tok').count()) > 10);
  assert.match(await frame.locator('section > p.muted').first().innerText(), /invoice\.js/);
});

test('Replay Transcript from the palette asks for a file; cancelling opens nothing', async () => {
  await runCommand(page, 'Agent Vitals: Experiment — Replay Transcript…');
  const dialog = page.locator('.quick-input-widget', {
    has: page.locator('.quick-input-action', { hasText: 'Replay' }),
  });
  await dialog.waitFor({ timeout: 10_000 });
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  assert.equal(await panelDocument('Experiment — Replay Transcript', 4).catch(() => undefined), undefined);
});

test('Replay Transcript from the explorer: a recorded session on the timeline', async () => {
  // A transcript in the workspace, replayed from its context menu (VS Code's own file dialog is
  // covered above only as far as it opening and cancelling).
  copyFileSync(
    resolve('test/fixtures/transcripts/claude-code/-home-dev-shop/7d1c9a4e-2b6f-4c1e-9f0a-5e3b8d2c1a90.jsonl'),
    join(server.workspace, 'session.jsonl'),
  );
  await runCommand(page, 'View: Show Explorer');
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'session.jsonl' });
  await row.waitFor({ timeout: 20_000 });
  await row.click({ button: 'right' });
  // A click right after the menu opens can be taken for the end of the right-click; hovering
  // focuses the item and Enter runs it.
  await page.locator('.monaco-menu .action-item', { hasText: /^Experiment — Replay Transcript…$/ }).hover();
  await page.keyboard.press('Enter');
  const frame = await panelDocument('Experiment — Replay Transcript');
  await frame.locator('vscode-button', { hasText: 'Run' }).click();
  await frame.locator('body[data-state="result"]').waitFor({ timeout: 120_000 });
  await progressClosed('Experiment — Replay Transcript');
  await screenshot(page, 'experiment-replay');
  assert.ok((await frame.locator('svg polyline').count()) > 0);
  assert.match(await frame.locator('main#app').innerText(), /7d1c9a4e/);
});
