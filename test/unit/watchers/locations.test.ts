import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  claudeProjectFolder,
  defaultLocations,
  findWorkspaceStorage,
  geminiProjectHash,
} from '../../../src/watchers/locations';
import { transcriptAgent } from '../../../src/watchers/agents/registry';

test("default locations follow each agent's environment overrides and the platform", () => {
  const linux = defaultLocations({ HOME: '/h' }, 'linux');
  assert.deepEqual(linux.claudeProjectDirs, ['/h/.claude/projects', '/h/.config/claude/projects']);
  assert.equal(linux.codexSessions, '/h/.codex/sessions');
  assert.equal(linux.geminiTmp, '/h/.gemini/tmp');
  assert.equal(linux.vscodeUser, '/h/.config/Code/User');
  const custom = defaultLocations({ HOME: '/h', CLAUDE_CONFIG_DIR: '/c', CODEX_HOME: '/x' }, 'linux');
  assert.deepEqual(custom.claudeProjectDirs, ['/c/projects']);
  assert.equal(custom.codexSessions, '/x/sessions');
  assert.equal(
    defaultLocations({ HOME: '/Users/a' }, 'darwin').vscodeUser,
    '/Users/a/Library/Application Support/Code/User',
  );
});

test('claude folder encoding and gemini project hash', () => {
  assert.equal(claudeProjectFolder('/home/dev/my_app.v2'), '-home-dev-my-app-v2');
  // Same as `printf /home/dev/shop | sha256sum`.
  assert.equal(geminiProjectHash('/home/dev/shop'), 'e828acfc792e3bbcd2a6c6c35323cb44b7b438741c168c8ec59aefe347f193bb');
  assert.notEqual(geminiProjectHash('/home/dev/shop'), geminiProjectHash('/home/dev/shop2'));
});

test("claude target accepts only this workspace's folders (and folders inside it) and sub-agent files", () => {
  const [target] = transcriptAgent('claude-code').watchTargets(
    '/home/dev/shop',
    { ...defaultLocations({ HOME: '/h' }, 'linux'), claudeProjectDirs: ['/p'] },
    new Date(0),
  );
  assert.ok(target!.accepts('/p/-home-dev-shop/s.jsonl'));
  assert.ok(target!.accepts('/p/-home-dev-shop-api/s.jsonl'));
  assert.ok(target!.accepts('/p/-home-dev-shop/s/subagents/agent-1.jsonl'));
  assert.ok(!target!.accepts('/p/-home-dev-shoe/s.jsonl'));
  assert.ok(!target!.accepts('/p/-home-dev-shop/notes.txt'));
  assert.ok(target!.descend('/p/-home-dev-shop', 1));
  assert.ok(!target!.descend('/p/-home-dev-other', 1));
});

test('the workspace storage folder is found by its workspace.json', async () => {
  const user = mkdtempSync(join(tmpdir(), 'av-user-'));
  try {
    for (const [hash, folder] of [
      ['aaa', '/home/dev/other'],
      ['bbb', '/home/dev/my shop'],
    ] as const) {
      mkdirSync(join(user, 'workspaceStorage', hash), { recursive: true });
      writeFileSync(
        join(user, 'workspaceStorage', hash, 'workspace.json'),
        JSON.stringify({ folder: pathToFileURL(folder).href }),
      );
    }
    mkdirSync(join(user, 'workspaceStorage', 'ccc'));
    assert.equal(await findWorkspaceStorage(user, '/home/dev/my shop'), join(user, 'workspaceStorage', 'bbb'));
    assert.equal(await findWorkspaceStorage(user, '/home/dev/none'), undefined);
    assert.equal(await findWorkspaceStorage(join(user, 'missing'), '/x'), undefined);
  } finally {
    rmSync(user, { recursive: true, force: true });
  }
});
