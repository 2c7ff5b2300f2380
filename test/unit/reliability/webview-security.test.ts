// Every webview page the extension renders (the sidebar and the experiment panels): a strict
// content-security policy, one nonced external script, no inline handlers, and bundles that
// need no eval and load nothing remote.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderWebviewHtml } from '../../../src/extension/webview-html';

const NONCE = 'n0nceN0nceN0nceN0nceN0nc';
const ASSETS = {
  cspSource: 'vscode-webview://abc',
  scriptUri: 'vscode-webview://abc/dist/x.js',
  codiconCssUri: 'vscode-webview://abc/dist/codicon.css',
  styleUri: 'vscode-webview://abc/media/x.css',
};
const PAGES = {
  sidebar: renderWebviewHtml(ASSETS, NONCE, 'Agent Vitals'),
  experiment: renderWebviewHtml(ASSETS, NONCE, 'Replay <b>"x"</b>'),
};

function directives(html: string): Map<string, string[]> {
  const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1];
  assert.ok(csp, 'a CSP meta tag');
  return new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([name, ...values]) => [name!, values]),
  );
}

for (const [name, html] of Object.entries(PAGES)) {
  test(`${name} page: strict CSP, nonced script only, nothing remote`, () => {
    const csp = directives(html);
    assert.deepEqual(csp.get('default-src'), ["'none'"]);
    assert.deepEqual(csp.get('script-src'), [`'nonce-${NONCE}'`], 'scripts only by nonce');
    for (const [directive, values] of csp) {
      assert.ok(
        !values.some(
          (v) =>
            /unsafe-(eval|inline|hashes)|^\*$|^https?:|^data:$/.test(v) && !(directive === 'img-src' && v === 'data:'),
        ),
        `${directive}: ${values.join(' ')}`,
      );
    }
    const scripts = [...html.matchAll(/<script\b([^>]*)>([^]*?)<\/script>/g)];
    assert.equal(scripts.length, 1);
    assert.match(scripts[0]![1]!, new RegExp(`nonce="${NONCE}"`));
    assert.equal(scripts[0]![2]!.trim(), '', 'no inline script body');
    assert.doesNotMatch(html, /\son[a-z]+\s*=/i, 'no inline event handlers');
    assert.doesNotMatch(html, /(src|href)="https?:/, 'no remote resources');
  });
}

test('the experiment panel escapes its title', () => {
  assert.doesNotMatch(PAGES.experiment, /<b>"x"<\/b>/);
});

test(
  'the webview bundles need no eval and fetch nothing remote',
  { skip: !existsSync('dist/webview.js') && 'build first (npm test does)' },
  () => {
    for (const bundle of ['dist/webview.js', 'dist/experiments.js']) {
      const code = readFileSync(join(process.cwd(), bundle), 'utf8');
      assert.doesNotMatch(code, /\beval\(|new Function\(/, `${bundle} uses eval`);
      assert.doesNotMatch(
        code,
        /\bfetch\(|XMLHttpRequest|WebSocket\(|importScripts\(/,
        `${bundle} reaches the network`,
      );
    }
  },
);
