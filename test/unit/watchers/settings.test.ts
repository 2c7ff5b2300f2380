import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_TEST_GLOBS } from '../../../src/testpaths/matcher';
import { readWatcherSettings, TEST_GLOBS_KEY, watchList } from '../../../src/watchers/settings';

const manifest = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, { default: unknown }> }[] };
};
const properties = Object.assign({}, ...manifest.contributes.configuration.map((c) => c.properties)) as Record<
  string,
  { default: unknown }
>;

test('package.json declares the same default test globs as the code', () => {
  assert.deepEqual(properties[`agentVitals.${TEST_GLOBS_KEY}`]?.default, DEFAULT_TEST_GLOBS);
});

test('settings: switched-off adapters are left out, bad values fall back to defaults', () => {
  const values: Record<string, unknown> = {
    'watchers.codex': false,
    'watchers.vscode': false,
    'testPaths.globs': 'not-a-list',
    'watchers.recentHours': 2,
  };
  const s = readWatcherSettings((k) => values[k]);
  assert.deepEqual(s.transcriptSources, ['claude-code', 'copilot', 'cline', 'roo', 'gemini', 'aider', 'local-model']);
  assert.equal(s.workspaceActivity, false);
  assert.deepEqual(s.testGlobs, DEFAULT_TEST_GLOBS);
  assert.equal(s.recentMs, 2 * 3600_000);
  assert.deepEqual(readWatcherSettings((k) => (k === 'testPaths.globs' ? ['qa/**'] : undefined)).testGlobs, ['qa/**']);
});

test('the watch list names every agent from its descriptor and marks switched-off ones', () => {
  const list = watchList(
    readWatcherSettings((k) => (k === 'watchers.codex' || k === 'watchers.vscode' ? false : undefined)),
  );
  assert.deepEqual(
    list.filter((w) => !w.enabled).map((w) => w.source),
    ['codex', 'vscode'],
  );
  assert.equal(list.find((w) => w.source === 'aider')?.label, 'Aider');
  assert.match(list.find((w) => w.source === 'aider')!.location, /\.aider\.chat\.history\.md/);
});
