// The experiment panels' HTML shell: a strict content-security policy that allows only the
// panel bundle (by nonce) and styles and fonts from the extension folder. No inline script.
import { randomBytes } from 'node:crypto';

export interface PanelAssets {
  cspSource: string;
  scriptUri: string;
  styleUri: string;
  codiconCssUri: string;
}

export function newNonce(): string {
  return randomBytes(18).toString('base64url');
}

export function renderPanelHtml(assets: PanelAssets, nonce: string, title: string): string {
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
