import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { GUARD_LOG_FILE } from '../../../src/guard/guard-log';
import { GUARD_EXPORT_MARK_FILE, GuardLogExport, guardRecord } from '../../../src/telemetry/guard-export';
import type { VitalsRecord } from '../../../src/telemetry/records';

const decision = {
  ts: '2026-01-01T00:00:00.000Z',
  event: 'decision',
  agent: 'gemini',
  sessionId: null,
  tool: 'replace',
  tier: 'ask',
  path: '/home/me/other/test_a.py',
  hunk: null,
  kinds: ['skip-added'],
  pressured: false,
};

describe('guardRecord', () => {
  it('sends a path outside the workspace as its file name only', () => {
    const record = guardRecord(JSON.stringify(decision), '/w');
    assert.equal(record?.attributes['agent_vitals.guard.path'], 'test_a.py');
    assert.equal(record?.attributes['gen_ai.conversation.id'], undefined);
  });

  it('skips torn lines, other events and audits with unknown kinds', () => {
    assert.equal(guardRecord(JSON.stringify(decision).slice(0, 40), '/w'), null);
    assert.equal(guardRecord(JSON.stringify({ ...decision, event: 'note' }), '/w'), null);
    const audit = { ts: decision.ts, event: 'audit', agent: 'codex', sessionId: 's', flags: 1, failingTests: [] };
    assert.equal(guardRecord(JSON.stringify({ ...audit, kinds: { 'not-a-kind': 1 } }), '/w'), null);
    assert.equal(
      guardRecord(JSON.stringify({ ...audit, kinds: { 'skip-added': 1 } }), '/w')?.attributes[
        'agent_vitals.guard.flags'
      ],
      1,
    );
  });
});

describe('GuardLogExport', () => {
  const line = (tier: string) => `${JSON.stringify({ ...decision, tier })}\n`;
  function workspace(): { root: string; append(tier: string): void; replace(tier: string): void } {
    const root = mkdtempSync(join(tmpdir(), 'av-guard-export-'));
    mkdirSync(join(root, '.agent-vitals'));
    return {
      root,
      append: (tier) => appendFileSync(join(root, GUARD_LOG_FILE), line(tier)),
      replace: (tier) => writeFileSync(join(root, GUARD_LOG_FILE), line(tier)),
    };
  }
  const follow = (root: string, live: boolean) => {
    const tiers: unknown[] = [];
    const exporter = new GuardLogExport(
      root,
      (r: VitalsRecord) => tiers.push(r.attributes['agent_vitals.guard.tier']),
      {
        live,
      },
    );
    return { tiers, poll: () => exporter.poll() };
  };

  it('sends each line once across restarts, and resumes where another live follower left off', async () => {
    const { root, append } = workspace();
    try {
      append('ask');
      const editor = follow(root, true);
      await editor.poll();
      append('block');
      await editor.poll();
      assert.deepEqual(editor.tiers, ['ask', 'block']);
      // A reload (or `watch` started later) follows on from the mark, not from the start.
      append('warn');
      const watch = follow(root, true);
      await watch.poll();
      assert.deepEqual(watch.tiers, ['warn']);
      // The first follower skips what the second sent.
      append('block');
      await editor.poll();
      assert.deepEqual(editor.tiers, ['ask', 'block', 'block']);
      await watch.poll();
      assert.deepEqual(watch.tiers, ['warn']);
      // A backfill ignores the mark and sends the whole log, leaving the mark alone.
      const backfill = follow(root, false);
      await backfill.poll();
      assert.deepEqual(backfill.tiers, ['ask', 'block', 'warn', 'block']);
      const later = follow(root, true);
      await later.poll();
      assert.deepEqual(later.tiers, []);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('reads a replaced log from its start, and the whole log when the mark is unreadable', async () => {
    const { root, append, replace } = workspace();
    try {
      append('ask');
      append('block');
      await follow(root, true).poll();
      replace('warn');
      const after = follow(root, true);
      await after.poll();
      assert.deepEqual(after.tiers, ['warn']);
      writeFileSync(join(root, GUARD_EXPORT_MARK_FILE), 'not json');
      const fresh = follow(root, true);
      await fresh.poll();
      assert.deepEqual(fresh.tiers, ['warn']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('two live followers polling at the same moment send each line once', async () => {
    const { root, append } = workspace();
    try {
      const editor = follow(root, true);
      const watch = follow(root, true);
      const sent: unknown[] = [];
      for (let round = 0; round < 20; round++) {
        append(round % 2 ? 'ask' : 'block');
        append('warn');
        await Promise.all([editor.poll(), watch.poll()]);
      }
      // Lines left to the other follower while it held the lock go out at a later poll.
      await editor.poll();
      await watch.poll();
      sent.push(...editor.tiers, ...watch.tiers);
      assert.equal(sent.length, 40, 'every line sent exactly once');
      assert.equal(sent.filter((t) => t === 'warn').length, 20);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('a lock left by a crashed follower is taken over once stale; a fresh one defers the poll', async () => {
    const { root, append } = workspace();
    const lock = `${join(root, GUARD_EXPORT_MARK_FILE)}.lock`;
    try {
      append('ask');
      writeFileSync(lock, '1');
      const editor = follow(root, true);
      await editor.poll();
      assert.deepEqual(editor.tiers, [], 'the other follower is sending');
      const old = new Date(Date.now() - 60_000);
      utimesSync(lock, old, old);
      await editor.poll();
      assert.deepEqual(editor.tiers, ['ask']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
