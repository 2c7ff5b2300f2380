import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IN_WORKSPACE_TRANSCRIPTS } from '../../../src/watchers/agents/registry';
import { readWatcherSettings, WATCH_ON_STARTUP_KEY } from '../../../src/watchers/settings';
import { watchReasonAtActivation } from '../../../src/watchers/startup';

const manifest = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as {
  engines: { vscode: string };
  activationEvents: string[];
  contributes: { configuration: { properties: Record<string, { default: unknown }> }[] };
};

test('activation is lazy: the panel, commands (implicit since VS Code 1.74), in-workspace transcripts, and a cheap startup watch', () => {
  const [major, minor] = manifest.engines.vscode.replace(/^\^/, '').split('.').map(Number);
  assert.ok(major > 1 || minor >= 74, 'contributed commands activate the extension without onCommand entries');
  const expected = [
    'onView:agentVitals.sidebar',
    ...Object.values(IN_WORKSPACE_TRANSCRIPTS).map((f) => `workspaceContains:${f}`),
    'onStartupFinished',
  ];
  assert.deepEqual([...manifest.activationEvents].sort(), expected.sort());
  assert.ok(!manifest.activationEvents.includes('*'));
  const properties = Object.assign({}, ...manifest.contributes.configuration.map((c) => c.properties)) as Record<
    string,
    { default: unknown }
  >;
  assert.equal(properties[`agentVitals.${WATCH_ON_STARTUP_KEY}`]?.default, true);
});

test("with the startup watch off, watching waits unless an enabled agent's transcript is in the workspace", () => {
  const off = readWatcherSettings((k) => (k === WATCH_ON_STARTUP_KEY ? false : undefined));
  assert.equal(off.watchOnStartup, false);
  assert.equal(readWatcherSettings(() => undefined).watchOnStartup, true);
  const files = new Set(['/ws/b/.aider.chat.history.md']);
  const exists = (p: string) => files.has(p);
  assert.equal(
    watchReasonAtActivation(
      readWatcherSettings(() => undefined),
      ['/ws/a'],
      exists,
    ),
    'on startup',
  );
  assert.equal(watchReasonAtActivation(off, ['/ws/a'], exists), null);
  assert.match(
    watchReasonAtActivation(off, ['/ws/a', '/ws/b'], exists) ?? '',
    /\.aider\.chat\.history\.md is in the workspace/,
  );
  const aiderOff = readWatcherSettings((k) =>
    k === WATCH_ON_STARTUP_KEY || k === 'watchers.aider' ? false : undefined,
  );
  assert.equal(
    watchReasonAtActivation(aiderOff, ['/ws/b'], exists),
    null,
    'a switched-off agent does not start watching',
  );
});
