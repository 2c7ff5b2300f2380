import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VitalsStore } from '../../../src/extension/state/vitals-store';
import { GuardDecisions, type DismissedDecisions } from '../../../src/extension/guard/guard-decisions';
import { guardItemId } from '../../../src/extension/guard/guard-item';
import { GUARD_MEMORY_FILE, readGuardMemory } from '../../../src/guard/guard-memory';
import type { GuardLogDecision } from '../../../src/guard/guard-log';
import type { LegitimateMark } from '../../../src/tamper/flag-store';
import { turn } from './events';
import { settings, unavailable } from '../../support/store-settings';

const decision = (ts: string, hunk: string): GuardLogDecision => ({
  ts,
  agent: 'claude-code',
  sessionId: 's1',
  tool: 'Edit',
  tier: 'ask',
  path: '/w/tests/test_calc.py',
  hunk,
  kinds: ['skip-added'],
  pressured: true,
});

function setup(dismissedIds = new Set<string>()) {
  const projectDir = mkdtempSync(join(tmpdir(), 'guard-decisions-'));
  const store = new VitalsStore(settings, unavailable, () => Date.UTC(2026, 10, 24, 14, 1, 0));
  store.addEvent(turn(1, 'Running the tests.'));
  const marks: LegitimateMark[] = [];
  const dismissed: DismissedDecisions = {
    has: (id) => dismissedIds.has(id),
    add: async (id) => void dismissedIds.add(id),
  };
  const decisions = new GuardDecisions(store, { rememberLegitimate: async (m) => void marks.push(m) }, dismissed);
  const status = () => Object.fromEntries(store.snapshot().flags.map((f) => [f.id, f.status]));
  return { projectDir, store, marks, decisions, dismissedIds, status };
}

test('"wrong" writes the hunk to the project memory the hook reads and to the flag store; the same hunk stopped before follows, another does not', async () => {
  const { projectDir, marks, decisions, status } = setup();
  const a = decision('2026-11-24T14:00:05.000Z', 'h1');
  const again = decision('2026-11-24T14:00:07.000Z', 'h1');
  const other = decision('2026-11-24T14:00:09.000Z', 'h2');
  for (const d of [a, again, other]) decisions.add(projectDir, d);
  await decisions.wrong(guardItemId(a));
  assert.deepEqual(marks, [{ path: a.path, hunk: 'h1' }]);
  assert.equal(readGuardMemory(projectDir).covers(a.path, 'h1'), true);
  assert.equal(readGuardMemory(projectDir).covers(a.path, 'h2'), false);
  assert.deepEqual(status(), {
    [guardItemId(a)]: 'legitimate',
    [guardItemId(again)]: 'legitimate',
    [guardItemId(other)]: 'open',
  });
  assert.match(readFileSync(join(projectDir, GUARD_MEMORY_FILE), 'utf8'), /"hunk":"h1"/);
});

test('after a reload the log read again gets the answers given before: legitimate from the memory, dismissed from the workspace', async () => {
  const first = setup();
  const a = decision('2026-11-24T14:00:05.000Z', 'h1');
  const b = decision('2026-11-24T14:00:09.000Z', 'h2');
  const c = decision('2026-11-24T14:00:11.000Z', 'h3');
  for (const d of [a, b, c]) first.decisions.add(first.projectDir, d);
  await first.decisions.wrong(guardItemId(a));
  await first.decisions.right(guardItemId(b));

  const reloaded = setup(first.dismissedIds);
  for (const d of [a, b, c]) reloaded.decisions.add(first.projectDir, d);
  assert.deepEqual(reloaded.status(), {
    [guardItemId(a)]: 'legitimate',
    [guardItemId(b)]: 'dismissed',
    [guardItemId(c)]: 'open',
  });
});

test('a flag marked legitimate reaches the hook too: its hunk goes to the project memory, and the guard decision on that hunk follows', () => {
  const { projectDir, decisions, status } = setup();
  const a = decision('2026-11-24T14:00:05.000Z', 'h1');
  decisions.add(projectDir, a);
  decisions.rememberForHook(projectDir, { path: a.path, hunk: 'h1' });
  assert.equal(readGuardMemory(projectDir).covers(a.path, 'h1'), true);
  assert.deepEqual(status(), { [guardItemId(a)]: 'legitimate' });
});
