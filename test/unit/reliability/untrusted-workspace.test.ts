// Untrusted folders: a workspace's own settings must not choose the model (an id may be a folder
// path), its files, its cache or its test globs; the user's own settings still apply.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stubWorkspace } from '../../support/vscode-stub';

// Settings as VS Code layers them: the user's (global) value under the workspace's.
const SETTINGS: Record<string, { globalValue?: unknown; workspaceValue?: unknown }> = {
  'agentVitals.model.id': { globalValue: 'user-org/model', workspaceValue: '/tmp/attacker-model' },
  'agentVitals.model.localPath': { workspaceValue: '/tmp/attacker-model' },
};
function configuration(section: string) {
  const value = (key: string) => SETTINGS[`${section}.${key}`];
  return {
    get: <T>(key: string, fallback: T): T => {
      const v = value(key);
      return (v?.workspaceValue ?? v?.globalValue ?? fallback) as T;
    },
    inspect: <T>(key: string) => value(key) as { globalValue?: T } | undefined,
  };
}
stubWorkspace.getConfiguration = configuration;

test('untrusted: the model id, folder and files come from the user, never the workspace', async () => {
  const { readConfig } = await import('../../../src/extension/config');
  const storage = { fsPath: '/home/u/.vscode/globalStorage/agent-vitals' } as never;
  stubWorkspace.isTrusted = false;
  const config = readConfig(storage);
  assert.equal(config.modelId, 'user-org/model');
  assert.equal(config.modelLocalPath, '');
  stubWorkspace.isTrusted = true;
  assert.equal(readConfig(storage).modelId, '/tmp/attacker-model', 'a trusted workspace may choose');
});

test('the manifest restricts every workspace setting that names files, models or globs', async () => {
  const { readFileSync } = await import('node:fs');
  const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as {
    capabilities: { untrustedWorkspaces: { supported: string; restrictedConfigurations: string[] } };
  };
  const restricted = manifest.capabilities.untrustedWorkspaces.restrictedConfigurations;
  for (const key of [
    'agentVitals.model.id',
    'agentVitals.model.localPath',
    'agentVitals.model.cacheFolder',
    'agentVitals.testPaths.globs',
  ])
    assert.ok(restricted.includes(key), key);
});
