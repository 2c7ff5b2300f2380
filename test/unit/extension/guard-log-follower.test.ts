import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GUARD_LOG_FILE } from '../../../src/guard/guard-log';
import { GuardLogFollower, type FollowedDecision } from '../../../src/extension/guard/guard-log-follower';

const decision = (ts: string, tier: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    ts,
    event: 'decision',
    agent: 'claude-code',
    sessionId: 's1',
    tool: 'Edit',
    tier,
    path: '/p/tests/test_calc.py',
    hunk: 'abc',
    kinds: ['skip-added'],
    pressured: true,
    messageVersion: 1,
    ...extra,
  });

function project(): { dir: string; log: string } {
  const dir = mkdtempSync(join(tmpdir(), 'guard-follow-'));
  mkdirSync(join(dir, '.agent-vitals'));
  return { dir, log: join(dir, GUARD_LOG_FILE) };
}

test('each decision is handed over once, in order; audits pass silently; malformed lines are skipped and counted', async () => {
  const { dir, log } = project();
  const seen: FollowedDecision[] = [];
  const follower = new GuardLogFollower(dir, (d) => seen.push(d));
  await follower.poll(); // no log yet
  assert.equal(seen.length, 0);

  writeFileSync(
    log,
    `${decision('2026-11-20T09:14:05.000Z', 'ask')}\n{"ts":"x","event":"audit","sessionId":null}\nnot json\n${decision('2026-11-20T09:15:00.000Z', 'made-up-tier')}\n`,
  );
  await follower.poll();
  assert.deepEqual(
    seen.map((d) => [d.decision.ts, d.decision.tier, d.projectDir]),
    [['2026-11-20T09:14:05.000Z', 'ask', dir]],
  );
  assert.equal(seen[0]!.decision.hunk, 'abc');
  assert.equal(follower.skipped, 2, 'the torn line and the decision with an unknown tier');

  // Half a line waits for its newline; nothing already read comes again.
  const next = decision('2026-11-20T09:16:00.000Z', 'block', { kinds: ['focus-added'] });
  appendFileSync(log, next.slice(0, 20));
  await follower.poll();
  assert.equal(seen.length, 1);
  appendFileSync(log, `${next.slice(20)}\n`);
  await follower.poll();
  assert.deepEqual(
    seen.map((d) => d.decision.tier),
    ['ask', 'block'],
  );
  assert.deepEqual(seen[1]!.decision.kinds, ['focus-added']);
});

test('a log cut short starts over: its decisions are new, and the owner is told to forget the old ones', async () => {
  const { dir, log } = project();
  const seen: string[] = [];
  let restarts = 0;
  const follower = new GuardLogFollower(
    dir,
    (d) => seen.push(d.decision.ts),
    () => restarts++,
  );
  writeFileSync(
    log,
    `${decision('2026-11-20T09:14:05.000Z', 'ask')}\n${decision('2026-11-20T09:15:05.000Z', 'warn')}\n`,
  );
  await follower.poll();
  writeFileSync(log, `${decision('2026-11-21T08:00:00.000Z', 'block')}\n`);
  await follower.poll();
  assert.equal(restarts, 1);
  assert.deepEqual(seen, ['2026-11-20T09:14:05.000Z', '2026-11-20T09:15:05.000Z', '2026-11-21T08:00:00.000Z']);
});
