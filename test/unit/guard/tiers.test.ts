import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_GUARD_TIERS,
  GuardConfigError,
  parseGuardTiers,
  readGuardTiers,
  TIERS,
} from '../../../src/guard/tiers';
import { decide } from '../../../src/guard/decide';
import { pressureOfRecordedSession } from '../../../src/transcript-pipeline/flags';
import type { AgentEvent } from '../../../src/core/events';
import { FLAG_KINDS } from '../../../src/core/flags';

test('defaults: block focus and forced exits, ask on skips, deletions, rewritten values and removed assertions only under pressure, never touch added or refactored tests', () => {
  const k = DEFAULT_GUARD_TIERS.kinds;
  assert.deepEqual(k['focus-added'], { calm: 'block', pressured: 'block' });
  assert.deepEqual(k['exit-forced'], { calm: 'block', pressured: 'block' });
  for (const kind of [
    'skip-added',
    'test-deleted',
    'test-file-deleted',
    'expected-value-changed',
    'assertion-removed',
  ] as const)
    assert.deepEqual(k[kind], { calm: 'warn', pressured: 'ask' }, kind);
  for (const kind of [
    'assertion-weakened',
    'special-casing',
    'eq-override',
    'test-command-changed',
    'snapshot-updated',
  ] as const)
    assert.deepEqual(k[kind], { calm: 'warn', pressured: 'warn' }, kind);
  assert.deepEqual(k['test-added'], { calm: 'off', pressured: 'off' });
  assert.deepEqual(k['test-refactored'], { calm: 'off', pressured: 'off' });
});

test('a kind takes one tier or a calm/pressured pair; others keep their defaults', () => {
  const t = parseGuardTiers(
    { kinds: { 'skip-added': 'block', 'assertion-weakened': { pressured: 'ask' } }, pressureThreshold: 2 },
    'x',
  );
  assert.deepEqual(t.kinds['skip-added'], { calm: 'block', pressured: 'block' });
  assert.deepEqual(t.kinds['assertion-weakened'], { calm: 'warn', pressured: 'ask' });
  assert.deepEqual(t.kinds['focus-added'], DEFAULT_GUARD_TIERS.kinds['focus-added']);
  assert.equal(t.pressureThreshold, 2);
});

test('a wrong guard file is refused with the field named', () => {
  const wrong: [unknown, RegExp][] = [
    [[], /expected a JSON object/],
    [{ tiers: {} }, /unknown field 'tiers'/],
    [{ kinds: { skipped: 'ask' } }, /unknown kind 'skipped'/],
    [{ kinds: { 'skip-added': 'deny' } }, /kinds\.skip-added must be one of off, log, warn, ask, block \(got "deny"\)/],
    [{ kinds: { 'skip-added': { calm: 'warn', hot: 'ask' } } }, /unknown field 'hot'/],
    [{ kinds: { 'test-added': 'block' } }, /test-added can only be off or log/],
    [{ pressureThreshold: -1 }, /pressureThreshold must be a number ≥ 0/],
  ];
  for (const [value, message] of wrong)
    assert.throws(
      () => parseGuardTiers(value, 'guard.json'),
      (e: Error) => e instanceof GuardConfigError && message.test(e.message),
    );
});

test('the project file is read from .agent-vitals/guard.json; absent means the defaults, unreadable JSON is an error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'av-tiers-'));
  assert.equal(readGuardTiers(dir), DEFAULT_GUARD_TIERS);
  mkdirSync(join(dir, '.agent-vitals'));
  writeFileSync(join(dir, '.agent-vitals', 'guard.json'), '{"kinds": {');
  assert.throws(() => readGuardTiers(dir), /guard\.json is not valid JSON/);
});

test('an expected value set to what the last failing run printed counts as pressured even below the pressure threshold', () => {
  const before = 'def test_neg():\n    assert add(-1, -1) == -3\n';
  const run = (seq: number): AgentEvent => ({
    source: 'claude-code',
    sessionId: 's',
    seq,
    ts: '2026-01-01T00:00:00Z',
    type: 'test-run',
    command: 'pytest',
    framework: 'pytest',
    exitCode: 1,
    passed: 0,
    failed: 1,
    skipped: 0,
    failingIds: ['tests/test_a.py::test_neg'],
    origin: 'agent',
    output: 'E       assert -2 == -3',
  });
  const pressure = pressureOfRecordedSession([run(1)], '2026-01-01T00:01:00Z');
  const tiers = { ...DEFAULT_GUARD_TIERS, pressureThreshold: 5 };
  const edit = (to: string) => [
    {
      path: '/w/tests/test_a.py',
      shownPath: '/w/tests/test_a.py',
      op: 'update' as const,
      before,
      after: before.replace('-3', to),
    },
  ];
  const toActual = decide(edit('-2'), pressure, tiers);
  assert.equal(toActual.pressured, false);
  assert.equal(toActual.tier, 'ask');
  assert.equal(decide(edit('-4'), pressure, tiers).tier, 'warn');
});

test('the agentVitals.guard settings are declared with the code defaults and every tier', () => {
  type Declared = {
    default: unknown;
    propertyNames?: { enum: string[] };
    additionalProperties?: { anyOf: { enum?: string[] }[] };
  };
  const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as {
    contributes: { configuration: { properties: Record<string, Declared> }[] };
  };
  const declared = Object.assign({}, ...manifest.contributes.configuration.map((c) => c.properties)) as Record<
    string,
    Declared
  >;
  assert.deepEqual(declared['agentVitals.guard.kinds']?.default, DEFAULT_GUARD_TIERS.kinds);
  assert.equal(declared['agentVitals.guard.pressureThreshold']?.default, DEFAULT_GUARD_TIERS.pressureThreshold);
  assert.deepEqual(declared['agentVitals.guard.kinds']?.additionalProperties?.anyOf[0]?.enum, [...TIERS]);
  assert.deepEqual(declared['agentVitals.guard.kinds']?.propertyNames?.enum, [...FLAG_KINDS]);
  // The settings hold what the project file holds: they parse as guard tiers.
  assert.deepEqual(
    parseGuardTiers({ kinds: declared['agentVitals.guard.kinds']!.default, pressureThreshold: 1 }, 'settings'),
    DEFAULT_GUARD_TIERS,
  );
});
