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
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
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
  // The activity bar icon toggles: click it only when the view is not showing. Right after a
  // reload the workbench may restore the view just after a click opened it, closing it again, so
  // look again after each click.
  const title = page.locator('.sidebar .title-label', { hasText: /Agent Vitals/i });
  for (let attempt = 0; attempt < 3 && !(await title.isVisible()); attempt++) {
    await page.locator('.activitybar [aria-label^="Agent Vitals"]').first().click();
    await title.waitFor({ timeout: 5000 }).catch(() => undefined);
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
  if (
    !(await input.waitFor({ timeout: 5000 }).then(
      () => true,
      () => false,
    ))
  ) {
    await page.locator('.command-center-center').click();
    await input.waitFor();
  }
  await input.fill(`>${title}`);
  await pickRow(page, title);
}

async function pickRow(page: Page, label: string): Promise<void> {
  const exact = new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  const row = page
    .locator('.quick-input-list .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: exact }) })
    .first();
  // Chosen with the keyboard: a click can find the row mid-animation ("not visible") or under a hover card.
  await row.waitFor({ state: 'attached' });
  for (let i = 0; i < 20 && !(await row.evaluate((el) => el.classList.contains('focused'))); i++)
    await page.keyboard.press('ArrowDown');
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

/** The workbench's class for each kind of theme. */
export type ThemeKind = 'vs' | 'vs-dark' | 'hc-black' | 'hc-light';

/** The themes every panel state is shown in, with the name its screenshots carry. */
export const THEMES: { theme: string; kind: ThemeKind; name: string }[] = [
  { theme: 'Dark Modern', kind: 'vs-dark', name: 'dark' },
  { theme: 'Light Modern', kind: 'vs', name: 'light' },
  { theme: 'Dark High Contrast', kind: 'hc-black', name: 'hc-dark' },
  { theme: 'Light High Contrast', kind: 'hc-light', name: 'hc-light' },
];

/** Switches the colour theme the way a user does, through the theme picker. */
export async function setColorTheme(page: Page, theme: string, bodyClass: ThemeKind): Promise<void> {
  await runCommand(page, 'Preferences: Color Theme');
  await page.locator('.quick-input-widget input').fill(theme);
  await pickRow(page, theme);
  await page.locator(`.monaco-workbench.${bodyClass}`).waitFor({ timeout: 20_000 });
}

export function statusItem(page: Page) {
  return page.locator('[id$="agentVitals.status"]');
}

/** What the status bar item shows: its words, its icon and the background kind VS Code gave it. */
export async function statusState(
  page: Page,
): Promise<{ text: string; icon: string; kind: 'error' | 'warning' | 'none' }> {
  return statusItem(page).evaluate((el) => {
    const icon = /codicon-(\S+)/.exec(el.querySelector('.codicon')?.className ?? '')?.[1] ?? '';
    const kind = el.classList.contains('error-kind')
      ? 'error'
      : el.classList.contains('warning-kind')
        ? 'warning'
        : 'none';
    return { text: (el.textContent ?? '').trim(), icon, kind } as const;
  });
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
  return sidecarPids(server).length;
}

/** Resident memory of each sidecar process, in kB (VmRSS from /proc). */
export function sidecarMemory(server: CodeServer): number[] {
  return sidecarPids(server).flatMap((pid) => {
    try {
      const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      return kb ? [Number(kb)] : [];
    } catch {
      return []; // exited meanwhile
    }
  });
}

function sidecarPids(server: CodeServer): string[] {
  const profile = dirname(server.workspace);
  return readdirSync('/proc').filter((pid) => {
    if (!/^\d+$/.test(pid)) return false;
    try {
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      return args.includes(profile) && args.includes('sidecar.js');
    } catch {
      return false; // exited meanwhile
    }
  });
}
