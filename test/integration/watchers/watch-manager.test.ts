// Real folder watches: OS change notifications and the missing-folder retry run on real time,
// so these tests wait for events instead of advancing a clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentEvent, TurnEvent } from '../../../src/core/events';
import { claudeProjectFolder, geminiProjectHash, type AgentLocations } from '../../../src/watchers/locations';
import { TranscriptWatchManager } from '../../../src/watchers/watch-manager';

async function until(check: () => boolean, ms = 3000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error('timed out waiting for events');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const claudeLine = (cwd: string, uuid: string, text: string) =>
  JSON.stringify({
    type: 'assistant',
    uuid,
    sessionId: 's1',
    cwd,
    timestamp: '2026-11-20T09:00:00Z',
    message: { role: 'assistant', content: [{ type: 'text', text }] },
  }) + '\n';

function home() {
  const dir = mkdtempSync(join(tmpdir(), 'av-watch-'));
  const locations: AgentLocations = {
    claudeProjectDirs: [join(dir, '.claude/projects')],
    codexSessions: join(dir, '.codex/sessions'),
    geminiTmp: join(dir, '.gemini/tmp'),
    vscodeUser: join(dir, 'Code/User'),
  };
  return { dir, locations, workspace: '/home/dev/shop' };
}

test('watch manager: existing and appended Claude Code lines reach the sink; other workspaces do not', async () => {
  const h = home();
  const events: AgentEvent[] = [];
  const ours = join(h.locations.claudeProjectDirs[0]!, claudeProjectFolder(h.workspace));
  // A folder whose encoded name shares the prefix, but whose records say another cwd.
  const theirs = join(h.locations.claudeProjectDirs[0]!, claudeProjectFolder('/home/dev/shop-admin'));
  mkdirSync(ours, { recursive: true });
  mkdirSync(theirs, { recursive: true });
  writeFileSync(join(ours, 's1.jsonl'), claudeLine(h.workspace, 'a', 'already there'));
  writeFileSync(join(theirs, 's2.jsonl'), claudeLine('/home/dev/shop-admin', 'x', 'not ours'));
  const manager = new TranscriptWatchManager({
    workspaceRoot: h.workspace,
    sources: ['claude-code'],
    locations: h.locations,
    sink: (e) => events.push(e),
  });
  try {
    await manager.start();
    await until(() => events.length === 1);
    assert.equal((events[0] as TurnEvent).text, 'already there');

    appendFileSync(join(ours, 's1.jsonl'), claudeLine(h.workspace + '/sub', 'b', 'appended'));
    appendFileSync(join(theirs, 's2.jsonl'), claudeLine('/home/dev/shop-admin', 'y', 'still not ours'));
    await until(() => events.length === 2);
    assert.equal((events[1] as TurnEvent).text, 'appended');

    // A new session file created after start is picked up, and half a line waits for its end.
    const line = claudeLine(h.workspace, 'c', 'new session');
    writeFileSync(join(ours, 's3.jsonl'), line.slice(0, 30));
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(events.length, 2);
    appendFileSync(join(ours, 's3.jsonl'), line.slice(30));
    await until(() => events.length === 3);
    assert.equal((events[2] as TurnEvent).text, 'new session');
    assert.ok(!manager.followedFiles.some((f) => f.includes('shop-admin')));
    // Only folders are watched, and only those that can hold this workspace's sessions.
    assert.deepEqual(manager.watchedFolders.sort(), [h.locations.claudeProjectDirs[0]!, ours, theirs].sort());

    // A deleted session is no longer followed; recreated, it is read from its start.
    rmSync(join(ours, 's3.jsonl'));
    await until(() => !manager.followedFiles.includes(join(ours, 's3.jsonl')));
    writeFileSync(join(ours, 's3.jsonl'), claudeLine(h.workspace, 'd', 'recreated'));
    await until(() => events.length === 4);
    assert.equal((events[3] as TurnEvent).text, 'recreated');
  } finally {
    manager.dispose();
    rmSync(h.dir, { recursive: true, force: true });
  }
});

test('watch manager: a source folder created after start is found; aider and gemini by folder', async () => {
  const h = home();
  const events: AgentEvent[] = [];
  const workspace = mkdtempSync(join(tmpdir(), 'av-ws-'));
  const manager = new TranscriptWatchManager({
    workspaceRoot: workspace,
    sources: ['gemini', 'aider'],
    locations: h.locations,
    sink: (e) => events.push(e),
    missingDirRetryMs: 50,
  });
  try {
    await manager.start();
    const chats = join(h.locations.geminiTmp, geminiProjectHash(workspace), 'chats');
    mkdirSync(chats, { recursive: true });
    await new Promise((r) => setTimeout(r, 200));
    appendFileSync(
      join(chats, 'session-1.jsonl'),
      JSON.stringify({ id: 'm1', timestamp: '2026-11-23T07:00:01Z', type: 'gemini', content: 'hello' }) + '\n',
    );
    appendFileSync(
      join(workspace, '.aider.chat.history.md'),
      '# aider chat started at 2026-11-24 14:00:00\n\n#### hi there\n\nHello!\n\n#### next\n',
    );
    await until(() => events.filter((e) => e.type === 'turn').length === 3);
    assert.deepEqual(events.map((e) => [e.source, (e as TurnEvent).text]).sort(), [
      ['aider', 'Hello!'],
      ['aider', 'hi there'],
      ['gemini', 'hello'],
    ]);
  } finally {
    manager.dispose();
    rmSync(h.dir, { recursive: true, force: true });
    rmSync(workspace, { recursive: true, force: true });
  }
});

test('watch manager: codex day folders older than the recent window get no watch; new days do', async () => {
  const h = home();
  const events: AgentEvent[] = [];
  const old = join(h.locations.codexSessions, '2020/01/02');
  mkdirSync(old, { recursive: true });
  writeFileSync(join(old, 'rollout-old.jsonl'), '');
  const manager = new TranscriptWatchManager({
    workspaceRoot: '/home/dev/shop',
    sources: ['codex'],
    locations: h.locations,
    sink: (e) => events.push(e),
  });
  try {
    await manager.start();
    assert.deepEqual(manager.watchedFolders, [h.locations.codexSessions]);
    const now = new Date();
    const day = join(
      h.locations.codexSessions,
      String(now.getFullYear()),
      String(now.getMonth() + 1).padStart(2, '0'),
      String(now.getDate()).padStart(2, '0'),
    );
    mkdirSync(day, { recursive: true });
    await until(() => manager.watchedFolders.includes(day));
    const rollout = join(day, 'rollout-x.jsonl');
    appendFileSync(
      rollout,
      JSON.stringify({
        timestamp: now.toISOString(),
        type: 'session_meta',
        payload: { id: 'c1', cwd: '/home/dev/shop/api' },
      }) + '\n',
    );
    appendFileSync(
      rollout,
      JSON.stringify({
        timestamp: now.toISOString(),
        type: 'response_item',
        payload: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi codex' }] },
      }) + '\n',
    );
    await until(() => events.length === 1);
    assert.equal((events[0] as TurnEvent).text, 'hi codex');
    assert.equal(events[0]!.sessionId, 'c1');
  } finally {
    manager.dispose();
    rmSync(h.dir, { recursive: true, force: true });
  }
});
