import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newNonce, renderWebviewHtml } from '../../../src/extension/webview-html';

const assets = {
  cspSource: 'https://x.vscode-cdn.net',
  scriptUri: 'https://x/dist/webview.js',
  codiconCssUri: 'https://x/dist/codicon.css',
  styleUri: 'https://x/media/sidebar.css',
};

test("the CSP allows only the nonced script and the extension's own styles and fonts", () => {
  const nonce = newNonce();
  const html = renderWebviewHtml(assets, nonce, 'Agent Vitals');
  const csp = /content="([^"]+)"/.exec(html)![1]!;
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, new RegExp(`script-src 'nonce-${nonce}'(;|$)`));
  assert.doesNotMatch(csp, /unsafe-eval|unsafe-inline/);
  assert.match(html, new RegExp(`<script nonce="${nonce}" src="${assets.scriptUri}">`));
  assert.equal((html.match(/<script/g) ?? []).length, 1, 'no inline script');
});

test('nonces are fresh and URL-safe', () => {
  const a = newNonce();
  assert.notEqual(a, newNonce());
  assert.match(a, /^[A-Za-z0-9_-]{24}$/);
});
