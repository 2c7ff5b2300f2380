// Drives code-server with Debian's Chromium through playwright-core (no browser download).
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { chromium, type Browser, type Frame, type FrameLocator, type Page } from 'playwright-core';
import type { SidebarState } from '../../../src/contracts/sidebar-protocol';
import { REPO_ROOT, type CodeServer } from '../../../scripts/code-server';

export const ARTIFACTS = join(REPO_ROOT, 'test/e2e/artifacts');

export async function launchBrowser(): Promise<Browser> {
  // launch() already gives each run a fresh temporary profile.
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

export async function openWorkbench(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(url);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  // The status bar fills in once the extension host is up.
  await page.locator('#workbench\\.parts\\.statusbar').waitFor();
  return page;
}

/** The sidebar webview's document (VS Code nests it in two iframes). */
export function sidebarFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

export async function openSidebar(page: Page): Promise<FrameLocator> {
  // The activity bar icon toggles: click it only when the view is not showing already.
  if (!(await page.locator('.sidebar .title-label', { hasText: /Agent Vitals/i }).isVisible())) {
    await page.locator('.activitybar [aria-label^="Agent Vitals"]').first().click();
  }
  const frame = sidebarFrame(page);
  await frame.locator('body[data-ready="true"]').waitFor({ timeout: 60_000 });
  return frame;
}

/** Runs a command from the palette by its exact title (other titles may share its words). */
export async function runCommand(page: Page, title: string): Promise<void> {
  // Keys pressed while a webview has focus go to its iframe first; start from the workbench.
  await page.locator('.part.editor').click({ position: { x: 20, y: 20 } });
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  // F1 can land in a webview editor's iframe; the title bar's command centre always opens the picker.
  if (!(await input.waitFor({ timeout: 5000 }).then(() => true, () => false))) {
    await page.locator('.command-center-center').click();
    await input.waitFor();
  }
  await input.fill(`>${title}`);
  await pickRow(page, title);
}

async function pickRow(page: Page, label: string): Promise<void> {
  const exact = new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  const row = page.locator('.quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: exact }) }).first();
  // Chosen with the keyboard: a click can find the row mid-animation ("not visible") or under a hover card.
  await row.waitFor({ state: 'attached' });
  for (let i = 0; i < 20 && !(await row.evaluate((el) => el.classList.contains('focused'))); i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Just the side bar, for close-ups of the panel. */
export async function screenshotSidebar(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, `${name}.png`);
  await page.locator('#workbench\\.parts\\.sidebar').screenshot({ path: file });
  return file;
}

/** Switches the colour theme the way a user does, through the theme picker. */
export async function setColorTheme(page: Page, theme: string, bodyClass: 'vs' | 'vs-dark'): Promise<void> {
  await runCommand(page, 'Preferences: Color Theme');
  await page.locator('.quick-input-widget input').fill(theme);
  await pickRow(page, theme);
  await page.locator(`.monaco-workbench.${bodyClass}`).waitFor({ timeout: 20_000 });
}

export function statusItem(page: Page) {
  return page.locator('[id$="agentVitals.status"]');
}

/**
 * Renders a given state in the real sidebar webview, as if the host had sent it (rendering
 * checks of states the build cannot reach on its own yet).
 */
export async function showPanelState(page: Page, state: SidebarState): Promise<void> {
  const frame = await sidebarDocument(page);
  // The browser's window; the test's own tsconfig has no DOM types.
  await frame.evaluate((s) => (globalThis as unknown as Window).postMessage({ type: 'state', state: s }, '*'), state);
}

interface Window {
  postMessage(message: unknown, targetOrigin: string): void;
}

async function sidebarDocument(page: Page): Promise<Frame> {
  for (const frame of page.frames()) {
    if (frame.name() === 'active-frame' || frame.url().includes('fake.html')) {
      if (await frame.locator('#app').count()) return frame;
    }
  }
  throw new Error('sidebar webview document not found');
}

/** Model sidecar processes of the extension installed in this code-server (read from /proc). */
export function sidecarProcesses(server: CodeServer): number {
  const profile = dirname(server.workspace);
  let count = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    let args: string;
    try {
      args = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    if (args.includes(profile) && args.includes('sidecar.js')) count++;
  }
  return count;
}
