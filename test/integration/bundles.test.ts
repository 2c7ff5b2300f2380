import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

// `npm test` builds first; these check the shipped bundles, not the sources.
test('the four bundles exist', () => {
  for (const f of ['dist/extension.js', 'dist/webview.js', 'dist/sidecar.js', 'dist/cli.js']) {
    assert.ok(existsSync(f), `${f} missing: run npm run build`);
  }
});

test('the CLI bundle runs and reports the package version', () => {
  const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
  const out = execFileSync(process.execPath, ['dist/cli.js', 'version'], { encoding: 'utf8' });
  assert.equal(out.trim(), `agent-vitals ${version}`);
});
