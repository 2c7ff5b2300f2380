// End-to-end: the packaged extension in a real VS Code (code-server) driven by Chromium.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import {
  launchBrowser,
  openSidebar,
  openWorkbench,
  runCommand,
  screenshot,
  screenshotSidebar,
  setColorTheme,
  showPanelState,
  sidecarProcesses,
  statusItem,
  statusState,
  THEMES,
} from './harness/browser';
import {
  DEMO_READER,
  HEAT_WORDS,
  SCORING_MODEL,
  SCORING_STATES,
  scoredSessionState,
  VALIDATED_READER,
} from './harness/panel-states';
import { readerValidity } from '../../src/extension/state/vitals-store';
import { startCodeServer, type CodeServer } from '../../scripts/code-server';

let server: CodeServer;
let browser: Browser;
let page: Page;

before(async () => {
  server = await startCodeServer({
    workspaceFixture: 'test/e2e/workspace/project',
    settings: { 'workbench.colorTheme': 'Default Dark Modern' },
  });
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
  for (const t of THEMES) {
    await setColorTheme(page, t.theme, t.kind);
    await frame.getByTestId('no-agent').waitFor();
    await screenshotSidebar(page, `sidebar-no-agent-${t.name}`);
  }
  await setColorTheme(page, 'Dark Modern', 'vs-dark');
});

test('the status bar item reads the followed session and its click focuses the sidebar', async () => {
  const item = statusItem(page);
  await item.waitFor();
  // The rule's no-agent state: its words, the pulse icon, no warning or error background.
  assert.deepEqual(await statusState(page), { text: 'no agent', icon: 'pulse', kind: 'none' });
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

test('a scored session under pressure renders gauge, timeline, turn heat map and flags in every theme', async () => {
  const frame = await openSidebar(page);
  await showPanelState(page, scoredSessionState(VALIDATED_READER));
  await frame.locator('.gauge-needle').waitFor();
  // Numbers with the trend in words, and what σ means on hover.
  assert.match(await frame.getByTestId('gauge').innerText(), /desperation 2\.3σ ↑ rising\s*·\s*calm -0\.7σ/);
  assert.match(
    (await frame.locator('.gauge-numbers').getAttribute('title')) ?? '',
    /σ \(sigma\): how far a turn reads from the reference text/,
  );
  assert.equal(await frame.locator('.timeline polyline.line-desperate, .timeline polyline.line-calm').count(), 2);
  assert.equal(await frame.locator('[data-testid="test-run-marker"].fail').count(), 4);
  assert.equal(await frame.locator('[data-testid="test-run-marker"].pass').count(), 1);
  assert.equal(await frame.locator('[data-testid="flag-marker"]').count(), 1);
  assert.equal(await frame.getByTestId('pressure-line').count(), 1, 'pressure after each run is drawn');
  assert.match(
    await frame.locator('.legend').innerText(),
    /selected turn/,
    "the selected turn's column is named in the legend",
  );
  // Axis labels are drawn near 1:1 at the default sidebar width.
  const labelHeight = await frame
    .locator('.timeline .axis-label')
    .first()
    .evaluate((el) => el.getBoundingClientRect().height);
  assert.ok(labelHeight >= 10, `axis labels ${labelHeight.toFixed(1)} px tall`);
  assert.match(
    await frame.getByTestId('pressure').innerText(),
    /Behavioural pressure 4[^]*4 failing runs in a row \+2[^]*bypass --no-verify \+1/,
  );
  // The flag card: the shared severity word and icon, date and age, and its actions in view at 1400×900.
  const flags = frame.getByTestId('flags');
  assert.equal(await flags.getByTestId('flag-severity').innerText(), 'CRITICAL');
  assert.equal(await flags.locator('li.flag .codicon-error').count(), 1);
  assert.match(await flags.getByTestId('flag-time').innerText(), /2026.*· \d+ days? ago/);
  const revert = flags.locator('vscode-button', { hasText: 'Revert' });
  const box = await revert.boundingBox();
  assert.ok(box && box.y + box.height <= 900, `Revert at y=${box?.y} is in view without scrolling`);
  for (const t of THEMES) {
    await setColorTheme(page, t.theme, t.kind);
    await frame.locator('.gauge-needle').waitFor();
    await screenshot(page, `panel-scored-${t.name}`);
    await screenshotSidebar(page, `sidebar-scored-${t.name}`);
  }
  await setColorTheme(page, 'Dark Modern', 'vs-dark');
});

test("the heat map shows whole words, with each word's tokens on hover", async () => {
  const frame = await openSidebar(page);
  await showPanelState(page, scoredSessionState(VALIDATED_READER));
  const words = frame.locator('[data-testid="turn-text"] .tok');
  await words.first().waitFor();
  assert.deepEqual(
    (await words.allInnerTexts()).map((w) => w.trim()),
    HEAT_WORDS,
  );
  const working = words.filter({ hasText: 'working' });
  assert.equal(await working.getAttribute('data-tokens'), '2');
  assert.match(
    (await working.getAttribute('title')) ?? '',
    /desperate -?\d\.\d\dσ, its strongest token's; tokens:\n" work" -?\d\.\d\dσ\n"ing" -?\d\.\d\dσ/,
  );
});

test('a reader not valid for live use shows no needle and no numbers: the gauge says why, in place', async () => {
  const frame = await openSidebar(page);
  await showPanelState(page, scoredSessionState(DEMO_READER));
  const gauge = frame.getByTestId('gauge');
  await gauge.getByTestId('reading-invalid').waitFor();
  assert.equal(await gauge.getAttribute('data-valid'), 'false');
  assert.equal(await frame.locator('.gauge-needle').count(), 0);
  assert.doesNotMatch(await gauge.innerText(), /\dσ/, 'no confident number beside an invalid reading');
  assert.match(
    await gauge.getByTestId('reading-invalid').innerText(),
    /No valid reading — the demo model is illustrative only/,
  );
  assert.match(await frame.getByTestId('reader-validity').innerText(), /Run Report Card/);
  assert.equal(await frame.locator('.timeline.unvalidated').count(), 1, 'the timeline greys the reading too');
  for (const t of THEMES) {
    await setColorTheme(page, t.theme, t.kind);
    await gauge.getByTestId('reading-invalid').waitFor();
    await screenshotSidebar(page, `sidebar-demo-reader-${t.name}`);
  }
  await setColorTheme(page, 'Dark Modern', 'vs-dark');
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
    // The reader as the host derives it in that state: not loaded, so no valid reading.
    await showPanelState(page, { ...scoredSessionState(readerValidity(scoring, SCORING_MODEL)), scoring });
    const block = frame.locator(`[data-testid="scoring"][data-state="${scoring.kind}"]`);
    await block.waitFor();
    assert.match(await block.innerText(), expected[scoring.kind]!);
    for (const t of THEMES) {
      await setColorTheme(page, t.theme, t.kind);
      await block.waitFor();
      await screenshotSidebar(page, `sidebar-${scoring.kind}-${t.name}`);
    }
    // The panel's Cancel reaches the host as a typed message (no calibration runs here, so the host logs that).
    if (scoring.kind === 'calibrating') await block.locator('vscode-button', { hasText: 'Cancel' }).click();
  }
  await setColorTheme(page, 'Dark Modern', 'vs-dark');
  await runCommand(page, 'Agent Vitals: Open Log');
  await page
    .locator('.part.panel .monaco-editor', { hasText: 'no calibration is running' })
    .waitFor({ timeout: 20_000 });
  await runCommand(page, 'View: Toggle Panel Visibility');
});

test('the first-run walkthrough opens from the Welcome page with its four steps', async () => {
  await runCommand(page, 'Welcome: Open Walkthrough...');
  const input = page.locator('.quick-input-widget input');
  await input.fill('Agent Vitals');
  await page
    .locator('.quick-input-list .monaco-list-row.focused', { hasText: 'Get started with Agent Vitals' })
    .waitFor();
  // The keyboard, not a click: on a busy machine a hover card can cover the row and take the click.
  await input.press('Enter');
  const walkthrough = page.locator('.gettingStartedContainer');
  await walkthrough.locator('.getting-started-step', { hasText: 'Pick a model' }).waitFor({ timeout: 20_000 });
  for (const step of ['Download it once', 'Calibrate the emotion vectors', 'Watch an agent']) {
    await walkthrough.locator('.getting-started-step', { hasText: step }).waitFor();
  }
  await screenshot(page, 'walkthrough');
});
