// Renders an experiment panel outside VS Code: the real panel HTML (with its content-security
// policy), bundle and stylesheet in headless Chromium, VS Code's theme variables from a small
// stand-in theme, and a stand-in `acquireVsCodeApi` that answers the ready handshake with a
// result. Used by the panel rendering test and the screenshot script.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { renderWebviewHtml } from '../../../src/extension/webview-html';
import type { ExperimentResult } from '../../../src/contracts/experiments';
import type { ExperimentPanelHostMessage, PanelInit } from '../../../src/contracts/experiment-panel-protocol';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** A subset of VS Code's Dark Modern colours: enough for the panel's variables. */
const THEMES = {
  dark: {
    background: '#1f1f1f',
    '--vscode-foreground': '#cccccc',
    '--vscode-descriptionForeground': '#9d9d9d',
    '--vscode-errorForeground': '#f85149',
    '--vscode-widget-border': '#313131',
    '--vscode-panel-border': '#2b2b2b',
    '--vscode-textCodeBlock-background': '#2b2b2b',
    '--vscode-button-background': '#0078d4',
    '--vscode-button-foreground': '#ffffff',
    '--vscode-button-secondaryBackground': '#313131',
    '--vscode-button-secondaryForeground': '#cccccc',
    '--vscode-input-background': '#313131',
    '--vscode-input-foreground': '#cccccc',
    '--vscode-charts-red': '#f14c4c',
    '--vscode-charts-blue': '#3794ff',
    '--vscode-charts-yellow': '#cca700',
    '--vscode-charts-orange': '#d18616',
    '--vscode-charts-green': '#89d185',
    '--vscode-charts-purple': '#b180d7',
    '--vscode-progressBar-background': '#0078d4',
  },
  light: {
    background: '#ffffff',
    '--vscode-foreground': '#3b3b3b',
    '--vscode-descriptionForeground': '#717171',
    '--vscode-errorForeground': '#f85149',
    '--vscode-widget-border': '#e5e5e5',
    '--vscode-panel-border': '#e5e5e5',
    '--vscode-textCodeBlock-background': '#f3f3f3',
    '--vscode-button-background': '#005fb8',
    '--vscode-button-foreground': '#ffffff',
    '--vscode-button-secondaryBackground': '#e5e5e5',
    '--vscode-button-secondaryForeground': '#3b3b3b',
    '--vscode-input-background': '#ffffff',
    '--vscode-input-foreground': '#3b3b3b',
    '--vscode-charts-red': '#e51400',
    '--vscode-charts-blue': '#1a85ff',
    '--vscode-charts-yellow': '#bf8803',
    '--vscode-charts-orange': '#d18616',
    '--vscode-charts-green': '#388a34',
    '--vscode-charts-purple': '#652d90',
    '--vscode-progressBar-background': '#005fb8',
  },
} as const;

export type PanelTheme = keyof typeof THEMES;

function themeCss(theme: PanelTheme): string {
  const { background, ...vars } = THEMES[theme];
  const decls = Object.entries(vars)
    .map(([k, v]) => `${k}: ${v};`)
    .join(' ');
  return `:root { ${decls} --vscode-font-family: system-ui, sans-serif; --vscode-font-size: 13px; --vscode-editor-font-family: monospace; } body { background: ${background}; }`;
}

export interface PanelPage {
  page: Page;
  /** Console errors and CSP violations the page reported. */
  errors: string[];
  close(): Promise<void>;
}

export async function launchPanelBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--allow-file-access-from-files'] });
}

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM);
}

/** Opens the panel for `init` and answers its ready message with `messages` (e.g. the result). */
export async function openPanel(
  browser: Browser,
  init: PanelInit,
  messages: ExperimentPanelHostMessage[],
  theme: PanelTheme = 'dark',
): Promise<PanelPage> {
  const root = resolve(__dirname, '../../..');
  const dir = mkdtempSync(join(tmpdir(), 'av-panel-'));
  writeFileSync(join(dir, 'theme.css'), themeCss(theme));
  const url = (path: string) => pathToFileURL(path).toString();
  const html = renderWebviewHtml(
    {
      cspSource: 'file:',
      scriptUri: url(join(root, 'dist/experiments.js')),
      styleUri: url(join(root, 'media/experiments.css')),
      codiconCssUri: url(join(root, 'dist/codicon.css')),
    },
    'testnonce',
    init.title,
  ).replace('</head>', `<link rel="stylesheet" href="${url(join(dir, 'theme.css'))}">\n</head>`);
  writeFileSync(join(dir, 'panel.html'), html);
  const page = await browser.newPage({
    viewport: { width: 1100, height: 900 },
    deviceScaleFactor: 1,
    colorScheme: theme,
  });
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  // A string, not a function: the test transpiler would add helpers the page does not have.
  const replies = JSON.stringify([{ type: 'init', init }, ...messages]);
  await page.addInitScript(`
    window.__sent = [];
    window.acquireVsCodeApi = () => ({
      postMessage: (m) => {
        window.__sent.push(m);
        if (m.type === 'ready') for (const r of ${replies}) window.postMessage(r, '*');
      },
    });`);
  await page.goto(url(join(dir, 'panel.html')));
  return { page, errors, close: () => page.close() };
}

export function resultMessages(result: ExperimentResult): ExperimentPanelHostMessage[] {
  return [{ type: 'started' }, { type: 'result', result }];
}
