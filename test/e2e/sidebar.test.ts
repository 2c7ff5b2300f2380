// End-to-end: the packaged extension in a real VS Code (code-server) driven by Chromium.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openSidebar, openWorkbench, runCommand, screenshot, screenshotSidebar, setColorTheme, showPanelState, sidecarProcesses, statusItem } from './harness/browser';
import { SCORING_STATES, scoredSessionState } from './harness/panelStates';
import { startCodeServer, type CodeServer } from '../../scripts/code-server';

let server: CodeServer;
let browser: Browser;
let page: Page;

before(async () => {
  server = await startCodeServer({ workspaceFixture: 'test/e2e/workspace/project', settings: { 'workbench.colorTheme': 'Default Dark Modern' } });
  browser = await launchBrowser();
  page = await openWorkbench(browser, server.url);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('the sidebar opens and explains that no agent session is watched yet', async () => {
  const frame = await openSidebar(page);
  await frame.getByTestId('no-agent').waitFor();
  // No turn has needed a score yet: the watchers run, the model sidecar has not started.
  assert.equal(await frame.getByTestId('scoring').getAttribute('data-state'), 'unavailable');
  assert.equal(sidecarProcesses(server), 0, 'no sidecar process before a turn needs scoring');
  assert.match(await frame.getByTestId('no-agent').innerText(), /Claude Code/);
  await screenshot(page, 'sidebar-empty-dark');
  await setColorTheme(page, 'Light Modern', 'vs');
  await screenshot(page, 'sidebar-empty-light');
});

test('the status bar item reads the followed session and its click focuses the sidebar', async () => {
  const item = statusItem(page);
  await item.waitFor();
  assert.match(await item.innerText(), /no agent/);
  await page.locator('.activitybar [aria-label^="Explorer"]').first().click();
  await item.click();
  await page.locator('.sidebar .title-label', { hasText: /Agent Vitals/i }).waitFor();
});

test('commands run from the palette', async () => {
  await runCommand(page, 'Agent Vitals: Open Log');
  await page.locator('.part.panel .monaco-editor', { hasText: 'Agent Vitals started' }).waitFor({ timeout: 20_000 });
  await screenshot(page, 'open-log');
  await runCommand(page, 'View: Toggle Panel Visibility');
  await page.locator('.part.panel').waitFor({ state: 'hidden' });
});

test('a scored session under pressure renders gauge, timeline, turn heat map and flags in both themes', async () => {
  const frame = await openSidebar(page);
  await showPanelState(page, scoredSessionState());
  await frame.locator('.gauge-needle').waitFor();
  assert.match(await frame.getByTestId('gauge').innerText(), /desperation 2\.3σ ↑\s*·\s*calm -0\.7σ/);
  assert.equal(await frame.locator('.timeline polyline').count(), 2);
  assert.equal(await frame.locator('[data-testid="test-run-marker"].fail').count(), 4);
  assert.equal(await frame.locator('[data-testid="test-run-marker"].pass').count(), 1);
  assert.equal(await frame.locator('[data-testid="flag-marker"]').count(), 1);
  assert.ok((await frame.locator('.tok').count()) > 10, 'the turn is shown token by token');
  assert.match(await frame.getByTestId('flags').innerText(), /skip-added[^]*Revert/);
  // The demo model's reading is shown greyed, with the way to validate a model; behaviour is shown beside it.
  assert.equal(await frame.getByTestId('gauge').getAttribute('data-valid'), 'false');
  assert.match(await frame.getByTestId('reader-validity').innerText(), /not validated on agent text for this model — run the report card[^]*Run Report Card/);
  assert.match(await frame.getByTestId('pressure').innerText(), /Behavioural pressure 4[^]*4 failing runs in a row \+2[^]*bypass --no-verify \+1/);
  for (const theme of [['Dark Modern', 'vs-dark'], ['Light Modern', 'vs']] as const) {
    await setColorTheme(page, theme[0], theme[1]);
    await frame.locator('.gauge-needle').waitFor();
    await screenshot(page, `panel-scored-${theme[1] === 'vs' ? 'light' : 'dark'}`);
    await screenshotSidebar(page, `sidebar-scored-${theme[1] === 'vs' ? 'light' : 'dark'}`);
  }
});

test('each scoring state explains itself and offers its next step', async () => {
  const frame = await openSidebar(page);
  const expected: Record<string, RegExp> = {
    'no-model': /No model yet[^]*512 MB[^]*Download Model/,
    downloading: /Downloading[^]*190 MB of 512 MB/,
    calibrating: /Calibrating[^]*140 of 400[^]*Cancel/,
    failed: /Sidecar failed[^]*out of memory[^]*Retry[^]*Open Log/,
  };
  for (const scoring of SCORING_STATES) {
    await showPanelState(page, { ...scoredSessionState(), scoring });
    const block = frame.locator(`[data-testid="scoring"][data-state="${scoring.kind}"]`);
    await block.waitFor();
    assert.match(await block.innerText(), expected[scoring.kind]!);
    await screenshotSidebar(page, `sidebar-${scoring.kind}`);
    // The panel's Cancel reaches the host as a typed message (no calibration runs here, so the host logs that).
    if (scoring.kind === 'calibrating') await block.locator('vscode-button', { hasText: 'Cancel' }).click();
  }
  await runCommand(page, 'Agent Vitals: Open Log');
  await page.locator('.part.panel .monaco-editor', { hasText: 'no calibration is running' }).waitFor({ timeout: 20_000 });
  await runCommand(page, 'View: Toggle Panel Visibility');
});

test('the first-run walkthrough opens from the Welcome page with its four steps', async () => {
  await runCommand(page, 'Welcome: Open Walkthrough...');
  const input = page.locator('.quick-input-widget input');
  await input.fill('Agent Vitals');
  await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: 'Get started with Agent Vitals' }).waitFor();
  // The keyboard, not a click: on a busy machine a hover card can cover the row and take the click.
  await input.press('Enter');
  const walkthrough = page.locator('.gettingStartedContainer');
  await walkthrough.locator('.getting-started-step', { hasText: 'Pick a model' }).waitFor({ timeout: 20_000 });
  for (const step of ['Download it once', 'Calibrate the emotion vectors', 'Watch an agent']) {
    await walkthrough.locator('.getting-started-step', { hasText: step }).waitFor();
  }
  await screenshot(page, 'walkthrough');
});
