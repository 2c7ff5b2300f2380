import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentEvent, FileEditEvent } from '../../../src/core/events';
import {
  TamperFlagFeed,
  type FlagUpdate,
  type TamperFlagFeedOptions,
} from '../../../src/extension/flags/tamper-flag-feed';
import { DEFAULT_SEVERITY_SETTINGS } from '../../../src/tamper/severity';
import { liveValidity } from '../../../src/emotion/live-validity';
import { testRun } from './events';

const before = "test('adds', () => {\n  assert.equal(add(1, 2), 3);\n});\n";
const after = "test.skip('adds', () => {\n  assert.equal(add(1, 2), 3);\n});\n";
const skipEdit: FileEditEvent = {
  type: 'file-edit',
  source: 'claude-code',
  sessionId: 's1',
  seq: 10,
  ts: '2026-11-24T14:00:10.000Z',
  path: '/w/test/add.test.js',
  op: 'update',
  before,
  after,
  origin: 'tool',
  isTestPath: true,
};

function feed(
  dir: string,
  updates: FlagUpdate[],
  reading: Pick<TamperFlagFeedOptions, 'turnDesperation' | 'readerValidity'> = {
    turnDesperation: () => [],
    readerValidity: () => liveValidity(null),
  },
): TamperFlagFeed {
  return new TamperFlagFeed({
    storageDir: dir,
    severity: DEFAULT_SEVERITY_SETTINGS,
    ...reading,
    onUpdate: (u) => updates.push(u),
    onError: (e) => assert.fail(String(e)),
  });
}

test('a test skipped after failing runs raises one open flag; the passing run after it updates, not duplicates, it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'flags-'));
  try {
    const updates: FlagUpdate[] = [];
    const f = feed(dir, updates);
    const events: AgentEvent[] = [
      testRun(1, 2, 1),
      testRun(3, 2, 1),
      testRun(5, 2, 1),
      skipEdit,
      { ...testRun(12, 2, 0), skipped: 1 },
    ];
    for (const e of events) f.observe(e);
    await f.idle();
    const ids = new Set(updates.map((u) => u.flag.id));
    assert.equal(ids.size, 1);
    assert.ok(updates[0]!.flag.kinds.includes('skip-added'));
    assert.equal(updates[0]!.escalated, true, 'a new flag is worth a notification');
    assert.ok(updates.every((u) => u.status === 'open'));
    // The file is not on this disk, so the diff shows the changed lines the flag kept.
    const diff = await f.diff(updates[0]!.flag.id);
    assert.deepEqual(diff, {
      path: skipEdit.path,
      before: before.split('\n')[0] + '\n',
      after: after.split('\n')[0] + '\n',
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('dismissals persist: a new feed on the same folder restores the flag as dismissed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'flags-'));
  try {
    const first: FlagUpdate[] = [];
    const f = feed(dir, first);
    for (const e of [testRun(1, 2, 1), testRun(3, 2, 1), skipEdit]) f.observe(e);
    await f.idle();
    const id = first[0]!.flag.id;
    await f.dismiss(id);
    assert.equal(first[first.length - 1]!.status, 'dismissed');
    const restored: FlagUpdate[] = [];
    await feed(dir, restored).idle();
    assert.deepEqual(
      restored.map((u) => [u.flag.id, u.status, u.escalated]),
      [[id, 'dismissed', false]],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('edits to production files and runs alone raise nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'flags-'));
  try {
    const updates: FlagUpdate[] = [];
    const f = feed(dir, updates);
    f.observe(testRun(1, 2, 1));
    f.observe({
      ...skipEdit,
      path: '/w/src/add.js',
      isTestPath: false,
      before: 'const a = 1;\n',
      after: 'const a = 2;\n',
    });
    await f.idle();
    assert.deepEqual(updates, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('with the demo model, neither the severity nor the notification depends on desperation; a validated reader moves both', async () => {
  const demo = liveValidity({ header: { model: { id: 'fixture:emotion-tiny' } } } as Parameters<
    typeof liveValidity
  >[0]);
  const validated = { valid: true, why: 'validated on agent text (agent-turns-auroc 0.91)' };
  const outcome = async (z: number, reader: typeof demo) => {
    const dir = mkdtempSync(join(tmpdir(), 'flags-'));
    try {
      const updates: FlagUpdate[] = [];
      // Two scored turns before the edit: the latest at z, rising (or falling) by one per turn.
      const f = feed(dir, updates, {
        turnDesperation: () => [
          { seq: 2, z: z - Math.sign(z) },
          { seq: 3, z },
        ],
        readerValidity: () => reader,
      });
      for (const e of [testRun(1, 2, 1), skipEdit, { ...testRun(12, 2, 1) }]) f.observe(e);
      await f.idle();
      // What the notifier sees: each update's severity and whether it escalated.
      return updates.map((u) => [u.flag.severity, u.escalated, u.flag.reason]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const [high, low] = [await outcome(5, demo), await outcome(-5, demo)];
  assert.ok(high.length > 0);
  assert.deepEqual(high, low);
  assert.ok(high.every(([severity]) => severity === 'warning'));
  assert.match(String(high[0]![2]), /Judged on behaviour alone \(the demo model is illustrative only/);
  const [vHigh, vLow] = [await outcome(5, validated), await outcome(-5, validated)];
  assert.deepEqual([vHigh[0]![0], vLow[0]![0]], ['critical', 'warning']);
});
