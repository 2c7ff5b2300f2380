// End-to-end: the packaged extension in a real VS Code (code-server) driven by Chromium.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openSidebar, openWorkbench, runCommand, screenshot, setColorTheme, statusItem } from './harness/browser';
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
  const scoring = frame.getByTestId('scoring');
  assert.equal(await scoring.getAttribute('data-state'), 'unavailable');
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
});
