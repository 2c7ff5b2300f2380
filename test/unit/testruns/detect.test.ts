// Which finished commands become test runs, judged by command line and output together.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectTestRun } from '../../../src/testruns/detect';

const output = (name: string): string => readFileSync(join(__dirname, '../../fixtures/test-output', name), 'utf8');

test('a command that only shows a file is not a run, whatever the file says', () => {
  assert.equal(
    detectTestRun(
      'cat vitest.config.ts',
      "import { defineConfig } from 'vitest/config'\nexport default defineConfig({ test: {} })\n",
    ),
    null,
  );
  assert.equal(detectTestRun('grep -rn pytest .', './setup.cfg:3:addopts = pytest -q'), null);
  assert.equal(detectTestRun('vim test_x.py', ''), null);
  // A saved report printed again is not a new run.
  assert.equal(detectTestRun('cat reports/pytest.log', output('pytest-fail.txt')), null);
  assert.equal(detectTestRun('tail -n 30 go-test.log', output('go-v-fail.txt')), null);
  // A commit whose hook ran the suite did run tests.
  assert.equal(detectTestRun('git commit -m "fix rounding"', output('pytest-fail.txt'))?.failed, 5);
});

test('compile-only and list-only commands are not runs, even when they exit 0', () => {
  assert.equal(detectTestRun('go test -c ./pkg/parser', ''), null);
  assert.equal(
    detectTestRun(
      'cargo test --no-run',
      '    Finished `test` profile [unoptimized + debuginfo] target(s) in 0.41s\n  Executable unittests src/lib.rs (target/debug/deps/calc-1a2b)\n',
    ),
    null,
  );
  assert.equal(
    detectTestRun(
      'pytest --collect-only -q',
      'test_calc.py::test_add\ntest_calc.py::test_sub\n\n2 tests collected in 0.01s\n',
    ),
    null,
  );
  assert.equal(detectTestRun('npx jest --listTests', '/repo/src/calc.test.js\n'), null);
  assert.equal(detectTestRun('pytest --collect-only', output('pytest-collect-only.txt')), null);
});

test('a run that reports no test executed is not a run (filters that matched nothing)', () => {
  assert.equal(
    detectTestRun(
      'go test -run XXX_nomatch ./...',
      'testing: warning: no tests to run\nPASS\nok  \texample.com/calc\t0.002s [no tests to run]\n',
    ),
    null,
  );
  assert.equal(
    detectTestRun(
      'go test -run TestNope ./...',
      'ok  \texample.com/calc\t0.002s [no tests to run]\n?   \texample.com/cmd\t[no test files]\n',
    ),
    null,
  );
  assert.equal(
    detectTestRun(
      'pytest -k nomatch',
      '============================= test session starts ==============================\ncollected 8 items / 8 deselected / 0 selected\n\n============================ 8 deselected in 0.01s =============================\n',
    ),
    null,
  );
  assert.equal(
    detectTestRun(
      'npx jest nomatch',
      'No tests found, exiting with code 1\nRun with `--passWithNoTests` to exit with code 0\n',
    ),
    null,
  );
  // pytest's own words for it (pytest 3 wrote durations as "0.12 seconds").
  assert.equal(detectTestRun('pytest', output('pytest-collect-only.txt')), null);
  // One package ran tests, another matched nothing: still a run.
  const mixed = 'ok  \texample.com/calc\t0.002s\nok  \texample.com/util\t0.001s [no tests to run]\n';
  assert.equal(detectTestRun('go test -run TestAdd ./...', mixed)?.framework, 'go');
});

test('non-verbose go test does not say how many passed: passed is unknown, not 0', () => {
  assert.deepEqual(detectTestRun('go test ./...', output('go-pass.txt')), {
    framework: 'go',
    passed: null,
    failed: 0,
    skipped: 0,
    failingIds: [],
  });
  assert.deepEqual(detectTestRun('go test ./...', output('go-fail.txt')), {
    framework: 'go',
    passed: null,
    failed: 2,
    skipped: 0,
    failingIds: ['TestAddWrong', 'TestTable'],
  });
  assert.equal(detectTestRun('go test -v ./...', output('go-v-pass.txt'))?.passed, 1);
});

test('a wrapped test command that fails before its runner prints anything is still a run', () => {
  for (const [command, said] of [
    ['mise run test', 'mise ERROR task not found: node@22 is not installed'],
    ['make test', "make: *** No rule to make target 'venv/bin/pytest', needed by 'test'.  Stop."],
    ['just test', 'error: Recipe `test` failed on line 12 with exit code 127'],
    ['npm run test:unit', 'sh: 1: vitest: not found'],
  ] as const) {
    assert.deepEqual(
      detectTestRun(command, said),
      { framework: 'unknown', passed: null, failed: 0, skipped: 0, failingIds: [] },
      command,
    );
  }
});
