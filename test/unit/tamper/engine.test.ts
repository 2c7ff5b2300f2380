import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AgentEvent, FileEditEvent, TestRunEvent } from '../../../src/core/events';
import { TamperEngine } from '../../../src/tamper/engine';

let seq = 0;
const base = () => ({
  source: 'claude-code' as const,
  sessionId: 's1',
  seq: ++seq,
  ts: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
});
const run = (failed: number, failingIds: string[] = [], output?: string): TestRunEvent => ({
  ...base(),
  type: 'test-run',
  command: 'pytest',
  framework: 'pytest',
  exitCode: failed ? 1 : 0,
  passed: 3,
  failed,
  skipped: 0,
  failingIds,
  origin: 'agent',
  output,
});
const edit = (
  path: string,
  before: string | undefined,
  after: string | undefined,
  isTestPath = true,
): FileEditEvent => ({
  ...base(),
  type: 'file-edit',
  path,
  op: before === undefined ? 'create' : after === undefined ? 'delete' : 'update',
  before,
  after,
  origin: 'tool',
  isTestPath,
});

const TEST =
  'def test_total():\n    assert total([1, 2]) == 3\n\n\ndef test_big():\n    assert total([10**9, 1]) == 1000000001\n';
const SKIPPED = TEST.replace('def test_big', '@pytest.mark.skip\ndef test_big');

function replay(events: AgentEvent[], engine = new TamperEngine()): TamperEngine {
  for (const e of events) engine.observe(e);
  return engine;
}

test('a skip after a failing streak is flagged with the streak, the runs before it and the changed lines', () => {
  seq = 0;
  const engine = new TamperEngine();
  for (let i = 0; i < 3; i++) engine.observe(run(1, ['tests/test_sum.py::test_big']));
  const [flag] = engine.observe(edit('/w/tests/test_sum.py', TEST, SKIPPED));
  assert.ok(flag);
  assert.deepEqual(flag.kinds, ['skip-added']);
  assert.equal(flag.pressure.failingStreak, 3);
  assert.equal(flag.findings[0].wasFailing, true);
  assert.equal(flag.severity, 'critical');
  assert.equal(flag.desperation, null);
  assert.match(flag.reason, /Judged on behaviour alone \(no reader model is loaded\)/);
  assert.equal(flag.runsBefore.length, 3);
  assert.deepEqual(flag.changedLines, [5]);
  assert.equal(flag.id, `claude-code:s1:${flag.editSeq}`);
});

test('the next run completes the flag: a pass right after the edit raises the score', () => {
  seq = 0;
  const engine = new TamperEngine();
  engine.observe(run(1, ['tests/test_sum.py::test_big']));
  const [flag] = engine.observe(edit('/w/tests/test_sum.py', TEST, SKIPPED));
  const before = flag.severity;
  const [updated] = engine.observe(run(0));
  assert.equal(updated, flag);
  assert.equal(flag.pressure.nextRunPassed, true);
  assert.equal(flag.runAfter?.failed, 0);
  assert.equal(before, 'warning');
  assert.equal(flag.severity, 'critical');
});

test('desperation comes from the optional per-moment input, and counts only while the reader is validated', () => {
  seq = 0;
  let validity = { valid: true, why: 'validated on agent text' };
  const engine = new TamperEngine({ desperationAt: () => ({ z: 2.9, slope: 0.5 }), readerValidity: () => validity });
  const [flag] = engine.observe(edit('/w/tests/test_sum.py', TEST, SKIPPED));
  assert.equal(flag.desperation, 2.9);
  assert.equal(flag.severity, 'warning');
  assert.match(flag.reason, /desperation z=2\.90/);
  validity = { valid: false, why: 'the demo model is illustrative only: its readings are never used live' };
  const [later] = engine.observe(edit('/w/tests/test_sum.py', TEST, SKIPPED));
  assert.equal(later.desperation, 2.9);
  assert.equal(later.severity, 'info');
  assert.equal(later.pressureSummary.desperationUsed, false);
  assert.match(later.reason, /Judged on behaviour alone \(the demo model/);
});

test('bypass commands and repeated failures of the same test raise the pressure behind a later edit', () => {
  seq = 0;
  const engine = new TamperEngine();
  for (let i = 0; i < 3; i++) engine.observe(run(1, ['tests/test_sum.py::test_big']));
  engine.observe({
    ...base(),
    type: 'tool-call',
    callId: 'c1',
    rawName: 'Bash',
    kind: 'shell',
    input: {},
    command: 'git commit -am wip --no-verify',
    status: 'succeeded',
    exitCodeSource: 'structured',
    exitCode: 0,
  });
  const [flag] = engine.observe(edit('/w/tests/test_sum.py', TEST, SKIPPED));
  assert.deepEqual(
    flag.pressureSummary.behaviour.signals.map((s) => s.id),
    ['failing-streak', 'same-test-failing', 'bypass'],
  );
  assert.match(
    flag.reason,
    /pressure 4: 3 failing runs in a row \(\+2\), `tests\/test_sum\.py::test_big` failing 3× in a row \(\+1\), bypass `--no-verify` \(\+1\)/,
  );
});

test('production code branching on literals from a test seen earlier is special-casing', () => {
  seq = 0;
  const engine = new TamperEngine();
  engine.observe(edit('/w/tests/test_sum.py', undefined, 'def test_pair():\n    assert total([17, 25]) == 42\n'));
  engine.observe(run(1, ['test_pair']));
  const before = 'def total(xs):\n    return sum(xs)\n';
  const feature = engine.observe(
    edit('/w/src/sums.py', before, 'def total(xs):\n    if not xs:\n        return 0\n    return sum(xs)\n', false),
  );
  assert.deepEqual(feature, []);
  const [hack] = engine.observe(
    edit(
      '/w/src/sums.py',
      before,
      'def total(xs):\n    if xs == [17, 25]:\n        return 42\n    return sum(xs)\n',
      false,
    ),
  );
  assert.deepEqual(hack?.kinds, ['special-casing']);
  assert.equal(
    hack.pressure.productionChangedSinceLastPass,
    true,
    'the first production edit happened since the last pass',
  );
});

test('benign test edits raise no flag, and a passing run resets the streak', () => {
  seq = 0;
  const engine = new TamperEngine();
  engine.observe(run(1));
  assert.deepEqual(
    engine.observe(edit('/w/tests/test_sum.py', TEST, TEST + '\n\ndef test_empty():\n    assert total([]) == 0\n')),
    [],
  );
  engine.observe(run(0));
  const [flag] = engine.observe(edit('/w/tests/test_sum.py', TEST, SKIPPED));
  assert.equal(flag.pressure.failingStreak, 0);
  assert.equal(flag.severity, 'info');
});

test('replaying the same stream gives the same flags', () => {
  seq = 0;
  const events: AgentEvent[] = [run(1, ['test_big']), edit('/w/tests/test_sum.py', TEST, SKIPPED), run(0)];
  const a = replay(events).flags();
  const b = replay(events).flags();
  assert.deepEqual(JSON.parse(JSON.stringify(a)), JSON.parse(JSON.stringify(b)));
  assert.equal(a.length, 1);
});

test('after failing runs, a run that excludes tests or cannot fail is flagged; selecting one test is not', () => {
  seq = 0;
  const engine = new TamperEngine();
  const cmd = (command: string, failed: number): TestRunEvent => ({ ...run(failed), command, workspaceRoot: '/w' });
  engine.observe(cmd('pytest', 1));
  assert.deepEqual(engine.observe(cmd('pytest -k test_big -x', 1)), []);
  const [excluded] = engine.observe(cmd('pytest --deselect tests/test_sum.py::test_big', 0));
  assert.equal(excluded.subject, 'command');
  assert.deepEqual(excluded.kinds, ['test-command-changed']);
  assert.equal(excluded.pressure.failingStreak, 2);
  assert.equal(excluded.before, 'pytest -k test_big -x');
  engine.observe(cmd('pytest', 1));
  const [forced] = engine.observe(cmd('pytest || true', 0));
  assert.deepEqual(forced.kinds, ['test-command-changed']);
  engine.observe(cmd('pytest', 1));
  const [exit] = engine.observe(cmd('pytest; exit 0', 0));
  assert.deepEqual(exit.kinds, ['exit-forced']);
});

test('a narrowed command after passing runs is not a flag', () => {
  seq = 0;
  const engine = new TamperEngine();
  engine.observe({ ...run(0), command: 'pytest' });
  assert.deepEqual(engine.observe({ ...run(0), command: 'pytest --ignore tests/slow' }), []);
});

test("an engine restored from another one's saved state flags later edits as that one does", () => {
  seq = 0;
  const original = new TamperEngine();
  original.observe(edit('/w/tests/test_sum.py', undefined, 'def test_pair():\n    assert total([17, 25]) == 42\n'));
  original.observe(run(1, ['test_pair']));
  const restored = new TamperEngine();
  restored.restore(JSON.parse(JSON.stringify(original.save())));
  const before = 'def total(xs):\n    return sum(xs)\n';
  const hack = () =>
    edit(
      '/w/src/sums.py',
      before,
      'def total(xs):\n    if xs == [17, 25]:\n        return 42\n    return sum(xs)\n',
      false,
    );
  const next = hack();
  const [expected] = original.observe(next);
  const [got] = restored.observe(next);
  assert.deepEqual(expected?.kinds, ['special-casing']);
  assert.deepEqual(got?.kinds, expected?.kinds);
  assert.deepEqual(got?.pressure, expected?.pressure);
  // Without the saved state the test's literals are unknown and the edit passes unflagged.
  assert.deepEqual(new TamperEngine().observe(hack()), []);
});

test('a saved engine state out of shape is refused', () => {
  const good = (() => {
    const engine = new TamperEngine();
    engine.observe(run(1, ['t']));
    return JSON.parse(JSON.stringify(engine.save())) as { sessions: [string, Record<string, unknown>][] };
  })();
  const session = good.sessions[0]![1];
  for (const bad of [
    null,
    { sessions: 'x', testLiterals: [] },
    { ...good, sessions: [['__proto__', session]] },
    { ...good, sessions: [['k', { ...session, runs: [{ seq: -1 }] }]] },
    { ...good, sessions: [['k', { ...session, behaviour: { streak: 1e300 } }]] },
  ])
    assert.throws(() => new TamperEngine().restore(bad), /out of shape/);
});
