import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';

// What `npm run package` would put in the .vsix for this platform (built bundles required).
const files = execFileSync(process.execPath, ['scripts/package.mjs', '--skip-build', '--list'], { encoding: 'utf8' })
  .split('\n')
  .filter((l) => l.trim() !== '');

test('the package holds the bundles, the panel assets, the corpus and the manifest, but no sources or tests', () => {
  for (const f of [
    'package.json',
    'dist/extension.js',
    'dist/webview.js',
    'dist/sidecar.js',
    'dist/cli.js',
    'dist/codicon.css',
    'media/sidebar.css',
    'media/activity-bar.svg',
  ]) {
    assert.ok(files.includes(f), `${f} missing`);
  }
  for (const prefix of ['src/', 'test/', 'webview/', 'scripts/', '.cache/']) {
    // The one exception: the bundled demo model with its calibrated vectors.
    const shipped = files.filter((f) => f.startsWith(prefix) && !f.startsWith('test/fixtures/models/emotion-tiny/'));
    assert.deepEqual(shipped, [], `${prefix} shipped`);
  }
  assert.ok(
    files.includes('test/fixtures/models/emotion-tiny/agent-vitals-vectors.avv'),
    'the demo model ships calibrated',
  );
  assert.ok(
    files.includes('vectors/emotions.json') && files.some((f) => f.startsWith('vectors/corpus/stories/')),
    'the corpus ships (calibration runs locally)',
  );
  assert.ok(
    ['claude-code', 'codex', 'aider', 'cline'].every((a) => files.includes(`vectors/agent-turns/${a}.md`)),
    'the agent-turn validation set ships (the report card runs locally)',
  );
  assert.equal(files.filter((f) => f.endsWith('.map')).length, 0, 'source maps shipped');
});
