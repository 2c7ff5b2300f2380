// The HTML shell of every Agent Vitals webview (the sidebar and the experiment panels): a strict
// content-security policy that only allows the view's own bundle (by nonce) and styles/fonts
// from the extension folder. No inline script, no eval.
import { randomBytes } from 'node:crypto';

export interface WebviewAssets {
  /** `webview.cspSource` of the hosting webview. */
  cspSource: string;
  scriptUri: string;
  codiconCssUri: string;
  styleUri: string;
}

export function newNonce(): string {
  return randomBytes(18).toString('base64url');
}

export function renderWebviewHtml(assets: WebviewAssets, nonce: string, title: string): string {
  const csp = [
    "default-src 'none'",
    `style-src ${assets.cspSource} 'nonce-${nonce}'`,
    `font-src ${assets.cspSource}`,
    `img-src ${assets.cspSource} data:`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  const escaped = title.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${assets.codiconCssUri}" id="vscode-codicon-stylesheet">
<link rel="stylesheet" href="${assets.styleUri}">
<title>${escaped}</title>
</head>
<body>
<main id="app" aria-live="polite"></main>
<script nonce="${nonce}" src="${assets.scriptUri}"></script>
</body>
</html>`;
}
