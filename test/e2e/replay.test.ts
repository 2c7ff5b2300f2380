// End-to-end: a recorded Claude Code session is written into the folder the extension watches,
// line by line as Claude Code would, and the panel, status bar and notifications follow it.
// Scoring runs on the bundled demo model and its shipped vectors.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { DEMO_SESSION, playSession } from '../../scripts/agent-session';
import { startCodeServer, type CodeServer } from '../../scripts/code-server';
import { launchBrowser, openSidebar, openWorkbench, runCommand, screenshot, screenshotSidebar, setColorTheme, sidecarProcesses } from './harness/browser';

let server: CodeServer;
let browser: Browser;
let page: Page;

before(async () => {
  server = await startCodeServer({
    workspaceFixture: 'test/e2e/workspace/project',
    settings: {
      'workbench.colorTheme': 'Default Dark Modern',
      'agentVitals.notifications.minIntervalSeconds': 0,
      'agentVitals.model.id': 'fixture:emotion-tiny',
      'agentVitals.model.dtype': 'fp32',
    },
  });
  browser = await launchBrowser();
  page = await openWorkbench(browser, server.url);
  await openSidebar(page);
  await playSession({ recorded: DEMO_SESSION, projectsFolder: server.claudeProjects, workspace: server.workspace, assistantPauseMs: 150 });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('the replayed session appears with its turns and pass/fail test-run markers', async () => {
  const frame = await openSidebar(page);
  await frame.getByTestId('timeline').waitFor();
  // The whole session has arrived once the last turn is counted; the panel re-renders until then.
  await frame.getByTestId('gauge').filter({ hasText: 'Claude Code · 10 turns' }).waitFor({ timeout: 30_000 });
  assert.equal(await frame.locator('[data-testid="test-run-marker"].fail').count(), 4);
  assert.equal(await frame.locator('[data-testid="test-run-marker"].pass').count(), 1);
  await frame.locator('.turn-hit').first().click();
  await frame.getByTestId('turn-text').filter({ hasText: 'run the test suite first' }).waitFor({ timeout: 10_000 });
  await screenshot(page, 'replay-dark');
  await setColorTheme(page, 'Light Modern', 'vs');
  await screenshot(page, 'replay-light');
  await setColorTheme(page, 'Dark Modern', 'vs-dark');
});

test('the skipped test raises a flag with a notification, the status bar warns, and Show Diff opens a diff', async () => {
  const frame = await openSidebar(page);
  await frame.locator('[data-testid="flag-marker"]').first().waitFor({ timeout: 30_000 });
  assert.match(await frame.getByTestId('flags').innerText(), /skip-added/);
  // VS Code marks items with a warning or error background by these classes.
  await page.locator('[id$="agentVitals.status"]:is(.warning-kind, .error-kind)').waitFor({ timeout: 10_000 });
  // The toast hides after a while; the notification centre keeps it.
  let toast = page.locator('.notification-toast', { hasText: 'skip-added' });
  if (!(await toast.isVisible())) {
    await runCommand(page, 'Notifications: Show Notifications');
    toast = page.locator('.notifications-center .notification-list-item', { hasText: 'skip-added' });
  }
  await toast.waitFor({ timeout: 20_000 });
  await screenshot(page, 'flag-notification');
  await toast.getByRole('button', { name: 'Show Diff' }).click();
  const diff = page.locator('.editor-instance .monaco-diff-editor');
  await diff.locator('.modified .view-line', { hasText: "test.skip('rounds half-cents up'" }).waitFor({ timeout: 20_000 });
  await diff.locator('.original .view-line', { hasText: "test('rounds half-cents up'" }).waitFor();
  await screenshot(page, 'flag-diff');
});

test('the sidecar scores the turns: the gauge gets a needle and a reading, turns get heat maps', async () => {
  const frame = await openSidebar(page);
  await frame.locator('[data-testid="scoring"][data-state="ready"]').waitFor({ timeout: 60_000 });
  assert.equal(sidecarProcesses(server), 1, 'the assistant turns started one model sidecar');
  await frame.locator('.gauge-needle').waitFor({ timeout: 60_000 });
  // Turns are scored one after another; wait until none is left unscored.
  await frame.locator('circle.dot.unscored').first().waitFor({ state: 'detached', timeout: 60_000 });
  assert.match(await frame.getByTestId('gauge').innerText(), /desperation -?\d+\.\dσ/);
  assert.equal(await frame.locator('.timeline polyline').count(), 2);
  assert.equal(await frame.locator('circle.dot.line-desperate').count(), 10);
  await frame.locator('.turn-hit').nth(4).click();
  await frame.locator('[data-testid="turn-text"] .tok').first().waitFor();
  // The heat map shows the turn's own words, not the chat template around them.
  const heat = await frame.locator('[data-testid="turn-text"] .tok').allInnerTexts();
  assert.ok(!heat.some((t) => /<\|im_(start|end)\|>/.test(t)) && !/^assistant/.test(heat.join('').trimStart()), heat.join('|'));
  await screenshotSidebar(page, 'sidebar-replay-scored');
});

test('the panel keeps the session after it is hidden and reopened', async () => {
  await page.locator('.activitybar [aria-label^="Explorer"]').first().click();
  await page.locator('.sidebar .title-label', { hasText: /Explorer/i }).waitFor();
  const frame = await openSidebar(page);
  await frame.getByTestId('timeline').waitFor();
  assert.equal(await frame.locator('[data-testid="test-run-marker"]').count(), 5);
});

test('Follow Session… lists the replayed session', async () => {
  await runCommand(page, 'Agent Vitals: Follow Session…');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Claude Code' }).first().waitFor();
  await page.keyboard.press('Escape');
});
