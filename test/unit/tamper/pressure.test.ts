import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FileEditEvent, TestRunEvent, ToolCallEvent } from '../../../src/core/events';
import {
  behaviouralPressure,
  bypassesIn,
  DEFAULT_PRESSURE_THRESHOLDS,
  isTestConfigEdit,
  NO_PRESSURE,
  PRESSURE_WEIGHTS,
  PressureTracker,
} from '../../../src/tamper/pressure';
import { describePressure, type PressureSignalId } from '../../../src/contracts/pressure';

let seq = 0;
/** Events a minute apart, from 10:00. */
const base = () => {
  seq++;
  return { source: 'codex' as const, sessionId: 's', seq, ts: new Date(Date.UTC(2026, 0, 1, 10, seq)).toISOString() };
};
const run = (failingIds: string[], command = 'pytest'): TestRunEvent => ({
  ...base(),
  type: 'test-run',
  command,
  framework: 'pytest',
  exitCode: failingIds.length ? 1 : 0,
  passed: 2,
  failed: failingIds.length,
  skipped: 0,
  failingIds,
  origin: 'agent',
});
const edit = (path: string, before = 'a\n', after = 'b\n'): FileEditEvent => ({
  ...base(),
  type: 'file-edit',
  path,
  op: 'update',
  before,
  after,
  origin: 'tool',
  isTestPath: false,
});
const shell = (command: string): ToolCallEvent => ({
  ...base(),
  type: 'tool-call',
  callId: `c${seq}`,
  rawName: 'shell',
  kind: 'shell',
  input: { command },
  command,
  status: 'succeeded',
  exitCodeSource: 'none',
});

function pressureAfter(events: (TestRunEvent | FileEditEvent | ToolCallEvent)[]) {
  const tracker = new PressureTracker();
  for (const e of events) tracker.observe(e);
  const facts = tracker.facts(events[events.length - 1]!.ts);
  return { facts, pressure: behaviouralPressure(facts) };
}
const ids = (p: ReturnType<typeof behaviouralPressure>): PressureSignalId[] => p.signals.map((s) => s.id);

test('failing streak: one point from the first failing run, two from the third; a green run resets it', () => {
  seq = 0;
  assert.deepEqual(pressureAfter([run(['a'])]).pressure.signals, [
    { id: 'failing-streak', points: PRESSURE_WEIGHTS.failingStreak, detail: '1 failing run in a row' },
  ]);
  const three = pressureAfter([run(['a']), run(['b']), run(['c'])]).pressure;
  assert.deepEqual(three.signals[0], {
    id: 'failing-streak',
    points: PRESSURE_WEIGHTS.longFailingStreak,
    detail: '3 failing runs in a row',
  });
  const reset = pressureAfter([run(['a']), run(['a']), run([])]);
  assert.equal(reset.facts.failingStreak, 0);
  assert.deepEqual(reset.pressure, { score: 0, counted: 0, signals: [] });
});

test('same test failing: counts once one test fails in three consecutive runs, not when the failures differ', () => {
  seq = 0;
  const same = pressureAfter([run(['t::x', 't::y']), run(['t::x']), run(['t::x', 't::z'])]);
  assert.deepEqual(same.facts.repeatedFailure, { test: 't::x', runs: 3 });
  assert.ok(ids(same.pressure).includes('same-test-failing'));
  assert.match(describePressure(same.pressure), /`t::x` failing 3× in a row \(\+1\)/);
  const differing = pressureAfter([run(['t::x']), run(['t::y']), run(['t::x'])]);
  assert.deepEqual(differing.facts.repeatedFailure, { test: 't::x', runs: 1 });
  assert.ok(!ids(differing.pressure).includes('same-test-failing'));
});

test('same file edited: four edits to one file since the last green run count while tests fail', () => {
  seq = 0;
  const edits = [
    edit('/w/src/sum.py'),
    edit('/w/src/sum.py'),
    edit('/w/src/other.py'),
    edit('/w/src/sum.py'),
    edit('/w/src/sum.py'),
  ];
  const failing = pressureAfter([run(['t']), ...edits]);
  assert.deepEqual(failing.facts.repeatedEdits, { path: '/w/src/sum.py', edits: 4 });
  assert.ok(
    failing.pressure.signals.some(
      (s) => s.id === 'same-file-edits' && s.detail === 'sum.py edited 4× since the last green run',
    ),
  );
  // The same edits with every test passing are ordinary work.
  assert.ok(!ids(pressureAfter([run([]), ...edits]).pressure).includes('same-file-edits'));
  // A green run starts the count again.
  assert.equal(
    pressureAfter([run(['t']), ...edits, run([]), run(['t']), edit('/w/src/sum.py')]).facts.repeatedEdits?.edits,
    1,
  );
});

test('time since green: from the last green run (or the first failing run), while failing', () => {
  seq = 0;
  const tracker = new PressureTracker();
  tracker.observe(run([])); // 10:01 green
  tracker.observe(run(['t'])); // 10:02
  assert.equal(tracker.facts('2026-01-01T10:21:00.000Z').minutesSinceGreen, 20);
  const p = behaviouralPressure(tracker.facts('2026-01-01T10:21:00.000Z'));
  assert.ok(p.signals.some((s) => s.id === 'time-since-green' && s.detail === '20 min since the last green run'));
  assert.ok(!ids(behaviouralPressure(tracker.facts('2026-01-01T10:15:00.000Z'))).includes('time-since-green'));
  const neverGreen = new PressureTracker();
  neverGreen.observe(run(['t'])); // 10:03
  assert.equal(neverGreen.facts('2026-01-01T10:33:00.000Z').minutesSinceGreen, 30);
  neverGreen.observe(run([]));
  assert.equal(neverGreen.facts('2026-01-01T11:33:00.000Z').minutesSinceGreen, null);
});

test('bypass commands: each listed bypass is recognised; selecting tests and stopping early are not bypasses', () => {
  const cases: [string, string[]][] = [
    ['git commit -am "wip" --no-verify', ['--no-verify']],
    ['git commit -n -m wip', ['--no-verify']],
    ['npm test || true', ['|| true']],
    ['pytest tests/ || exit 0', ['|| true']],
    ['HUSKY=0 git push', ['HUSKY=0']],
    ['SKIP=flake8,mypy git commit -m x', ['SKIP=']],
    ["pytest -k 'not test_big'", ["-k 'not …'"]],
    ['pytest -m "not slow"', ["-m 'not …'"]],
    ['pytest --deselect tests/test_sum.py::test_big', ['--deselect']],
    ['pytest --ignore=tests/test_sum.py', ['--ignore']],
    ['npx jest --testPathIgnorePatterns sum', ['--testPathIgnorePatterns']],
    ['npx jest --passWithNoTests', ['--passWithNoTests']],
    ['pytest -k test_big', []],
    ['pytest tests/test_sum.py::test_big -x', []],
    ['pytest --exitfirst', []],
    ['git commit -m "fix: --no-verify flag parsing"', []],
    ['echo SKIPPED=1', []],
  ];
  for (const [command, expected] of cases) assert.deepEqual(bypassesIn(command), expected, command);
});

test('bypasses from shell calls and test commands count once each, up to two points, and reset on green', () => {
  seq = 0;
  const { pressure } = pressureAfter([
    run(['t']),
    shell('git commit -m wip --no-verify'),
    run(['t'], 'pytest --deselect t || true'),
    shell('git commit --no-verify -m again'),
  ]);
  const bypass = pressure.signals.filter((s) => s.id === 'bypass');
  assert.deepEqual(
    bypass.map((s) => [s.detail, s.points]),
    [
      ['bypass `--no-verify`', 1],
      ['bypass `|| true`', 1],
      ['bypass `--deselect`', 0],
    ],
  );
  assert.equal(
    bypass.reduce((n, s) => n + s.points, 0),
    PRESSURE_WEIGHTS.maxBypass,
  );
  assert.deepEqual(pressureAfter([shell('git commit --no-verify'), run([])]).facts.bypasses, []);
});

test('test config edits: dedicated runner configs always, shared files only when the changed lines are about tests', () => {
  const e = (path: string, before: string, after: string) => ({ path, before, after });
  assert.equal(isTestConfigEdit(e('/w/conftest.py', '', 'collect_ignore = ["test_big.py"]\n')), true);
  assert.equal(isTestConfigEdit(e('/w/jest.config.ts', 'a', 'b')), true);
  assert.equal(isTestConfigEdit(e('/w/vitest.config.mts', 'a', 'b')), true);
  assert.equal(isTestConfigEdit(e('/w/pytest.ini', 'a', 'b')), true);
  assert.equal(
    isTestConfigEdit(e('/w/.github/workflows/ci.yml', '  - run: npm test\n', '  - run: npm test || true\n')),
    true,
  );
  assert.equal(isTestConfigEdit(e('/w/.github/workflows/ci.yml', '  node: 18\n', '  node: 20\n')), false);
  assert.equal(
    isTestConfigEdit(e('/w/package.json', '"test": "vitest run"\n', '"test": "vitest run --passWithNoTests"\n')),
    true,
  );
  assert.equal(isTestConfigEdit(e('/w/package.json', '"lodash": "4.17.20"\n', '"lodash": "4.17.21"\n')), false);
  assert.equal(isTestConfigEdit(e('/w/src/config.ts', 'a', 'test')), false);
  seq = 0;
  const { pressure } = pressureAfter([run(['t']), edit('/w/conftest.py')]);
  assert.ok(
    pressure.signals.some((s) => s.id === 'test-config-edit' && s.detail === 'test config edited (conftest.py)'),
  );
});

test('the total counts toward severity only up to maxPressure; the reason shows the raw total', () => {
  const facts = {
    ...NO_PRESSURE,
    failingStreak: 4,
    repeatedFailure: { test: 't', runs: 4 },
    minutesSinceGreen: 30,
    bypasses: ['--no-verify', 'HUSKY=0'],
    testConfigEdits: ['/w/pytest.ini'],
  };
  const p = behaviouralPressure(facts);
  assert.equal(p.score, 2 + 1 + 1 + 2 + 1);
  assert.equal(p.counted, DEFAULT_PRESSURE_THRESHOLDS.maxPressure);
  assert.equal(
    describePressure(p),
    'pressure 7 (counts as 4): 4 failing runs in a row (+2), `t` failing 4× in a row (+1), 30 min since the last green run (+1), bypass `--no-verify` (+1), bypass `HUSKY=0` (+1), test config edited (pytest.ini) (+1)',
  );
  assert.equal(behaviouralPressure(facts, { ...DEFAULT_PRESSURE_THRESHOLDS, maxPressure: 10 }).counted, 7);
  assert.equal(describePressure(behaviouralPressure(NO_PRESSURE)), 'no behavioural pressure');
});
