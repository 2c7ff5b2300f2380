import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectTestRun, parseTestOutput, stripAnsi, TEST_OUTPUT_PARSERS } from '../../../src/testruns/detect';
import { adversarialOutputs, benignOutput, timeOf } from '../../fuzz/linear-time';

const dir = join(__dirname, '../../fixtures/test-output');
const fixture = (name: string): string => readFileSync(join(dir, name), 'utf8');

// Expected values were read off each runner's own output (its summary line and failure list).
const cases: [
  file: string,
  command: string,
  framework: string,
  passed: number | null,
  failed: number,
  skipped: number,
  failingIds: string[],
][] = [
  [
    'pytest-fail.txt',
    'pytest',
    'pytest',
    3,
    5,
    2,
    [
      'test_calc.py::test_add_negative',
      'test_calc.py::test_add_param[2-3-6]',
      'test_calc.py::test_div_zero',
      'test_unit.py::CalcTest::test_add_wrong',
      'test_unit.py::CalcTest::test_div_error',
    ],
  ],
  ['pytest-q-pass.txt', 'python -m pytest -q -k add', 'pytest', 1, 0, 0, []],
  ['pytest-3-fail.txt', 'pytest test_simple.yml', 'pytest', 1, 1, 0, []], // pytest 3: "in 0.12 seconds"
  [
    'unittest-fail.txt',
    'python -m unittest test_unit',
    'unittest',
    1,
    2,
    1,
    ['test_unit.CalcTest.test_div_error', 'test_unit.CalcTest.test_add_wrong'],
  ],
  ['unittest-pass.txt', 'python -m unittest -v', 'unittest', 1, 0, 1, []],
  [
    'junit-pytest.xml',
    '',
    'junit-xml',
    2,
    3,
    1,
    ['test_calc.test_add_negative', 'test_calc.test_add_param[2-3-6]', 'test_calc.test_div_zero'],
  ],
  ['node-spec-fail.txt', 'node --test', 'node:test', 1, 2, 2, ['adds wrong', 'top level fails']],
  ['node-spec-pass.txt', 'node --test', 'node:test', 2, 0, 0, []],
  ['node-tap-fail.txt', 'node --test --test-reporter=tap', 'node:test', 1, 2, 2, ['adds wrong', 'top level fails']],
  ['jest-fail.txt', 'npx jest', 'jest', 1, 2, 1, ['calc › adds wrong', 'calc › nested › deep failure']],
  ['jest-pass.txt', 'npx jest -t adds', 'jest', 1, 0, 3, []],
  ['vitest-fail.txt', 'npx vitest run', 'vitest', 1, 1, 2, ['test/calc.vitest.test.mjs > calc > adds wrong']],
  ['mocha-fail.txt', 'npx mocha', 'mocha', 1, 2, 1, ['calc adds wrong', 'calc nested deep failure']],
  ['go-fail.txt', 'go test ./...', 'go', null, 2, 0, ['TestAddWrong', 'TestTable']],
  ['go-v-fail.txt', 'go test -v ./...', 'go', 1, 2, 1, ['TestAddWrong', 'TestTable']],
  ['go-v-pass.txt', 'go test -v ./...', 'go', 1, 0, 1, []],
  ['go-pass.txt', 'go test ./...', 'go', null, 0, 0, []],
  ['go-json-fail.txt', 'go test -json ./...', 'go', 1, 2, 1, ['TestAddWrong', 'TestTable']],
  ['cargo-fail.txt', 'cargo test', 'cargo', 1, 1, 1, ['tests::adds_wrong']],
  ['cargo-pass.txt', 'cargo test -- --skip adds_wrong', 'cargo', 3, 0, 1, []],
  ['nextest-fail.txt', 'cargo nextest run', 'nextest', 2, 1, 1, ['calc tests::adds_wrong']],
  ['rspec-fail.txt', 'bundle exec rspec', 'rspec', 1, 1, 2, ['./spec/calc_spec.rb:8']],
  ['phpunit-fail.txt', 'vendor/bin/phpunit', 'phpunit', 1, 1, 1, ['CalcTest::testAddWrong']],
  ['phpunit-pass.txt', 'phpunit --filter testAdd', 'phpunit', 1, 0, 0, []],
  ['dotnet-fail.txt', 'dotnet test', 'dotnet', 3, 1, 1, ['Calc.Tests.CalcTests.AddsWrong']],
  ['dotnet-legacy.txt', 'dotnet test', 'dotnet', 3, 1, 0, ['Calc.Tests.CalcTests.AddsWrong']],
  ['maven-fail.txt', 'mvn test', 'maven', 3, 2, 1, ['CalcTest.addsWrong', 'CalcTest.divides']],
  ['gradle-fail.txt', './gradlew test', 'gradle', 2, 2, 1, ['CalcTest.addsWrong()', 'CalcTest.divides()']],
];

for (const [file, command, framework, passed, failed, skipped, failingIds] of cases) {
  test(`${file}: ${framework} summary`, () => {
    const summary = parseTestOutput(fixture(file), command);
    assert.deepEqual(summary, { framework, passed, failed, skipped, failingIds });
  });
}

test('every fixture is recognised by output alone, without the command naming the runner', () => {
  for (const [file, , framework] of cases) {
    assert.equal(parseTestOutput(fixture(file))?.framework, framework, file);
  }
});

test('colour codes and CRLF line ends do not hide a summary', () => {
  const coloured = '\x1b[31m\x1b[1m==== 1 failed, 2 passed in 0.10s ====\x1b[0m\r\n';
  assert.equal(stripAnsi(coloured), '==== 1 failed, 2 passed in 0.10s ====\n');
  assert.deepEqual(parseTestOutput(coloured), {
    framework: 'pytest',
    passed: 2,
    failed: 1,
    skipped: 0,
    failingIds: [],
  });
});

test('a test command without a readable summary is still a test run; other commands are not', () => {
  assert.deepEqual(detectTestRun('npm test', 'Error: Cannot find module jest'), {
    framework: 'unknown',
    passed: null,
    failed: 0,
    skipped: 0,
    failingIds: [],
  });
  assert.equal(detectTestRun('pytest -x', 'ImportError while loading conftest')?.framework, 'pytest');
  assert.equal(detectTestRun('ls -la', 'total 0'), null);
  assert.equal(detectTestRun('cat notes.txt', 'we ran 3 tests yesterday'), null);
  assert.equal(detectTestRun('cd app && yarn test --watch=false', '')?.framework, 'unknown');
  assert.equal(detectTestRun('git status', ''), null);
});

test('summaries whose numbers do not add up never give negative counts', () => {
  for (const text of [
    'Tests run: 1, Failures: 3, Errors: 0, Skipped: 0',
    '2 examples, 5 failures',
    '1 tests completed, 4 failed',
    'Tests: 1, Assertions: 1, Failures: 3.',
    'Ran 1 test in 0.1s\n\nFAILED (failures=2)',
  ]) {
    const summary = parseTestOutput(text);
    assert.ok(summary, text);
    assert.equal(summary.passed, 0, text);
  }
});

test('parsing never throws and stays fast on arbitrary summary-like text', async () => {
  const fc = (await import('fast-check')).default;
  const word = fc.constantFrom(
    'passed',
    'failed',
    'skipped',
    'Tests:',
    'test result:',
    'ok',
    'FAIL',
    '---',
    '●',
    '✖',
    'ℹ',
    '#',
    'Ran',
    'OK',
    '(',
    ')',
    ',',
    '|',
    '=====',
    'in',
    '0.1s',
    '\n',
    ' ',
    '  ',
    '\t',
    '1',
    '22',
    '<testcase',
    '/>',
    '</testcase>',
    '<failure',
    'Tests run: ',
    ', Failures: ',
    ', Errors: ',
    ', Skipped: ',
    ' examples, ',
    ' failures',
    ' tests completed, ',
    'Tests: ',
    ', Assertions: ',
  );
  fc.assert(
    fc.property(
      fc.array(word, { maxLength: 400 }),
      fc.constantFrom('', 'pytest', 'mvn test', 'rspec', 'phpunit', 'gradle test'),
      (words, command) => {
        const text = words.join('');
        const start = process.hrtime.bigint();
        const summary = parseTestOutput(text, command);
        assert.ok(Number(process.hrtime.bigint() - start) / 1e6 < 200, 'parsing took too long');
        // Counts are never negative, even when a garbled summary's numbers do not add up.
        if (summary)
          for (const n of [summary.passed ?? 0, summary.failed, summary.skipped])
            assert.ok(Number.isInteger(n) && n >= 0, JSON.stringify(summary));
      },
    ),
    { numRuns: 500 },
  );
});

test('every output parser runs in linear time on adversarial output (within 250× its time on real output of the same size)', () => {
  const size = 64 * 1024;
  const benign = benignOutput(size);
  const slow: string[] = [];
  for (const parser of TEST_OUTPUT_PARSERS) {
    const base = timeOf((t) => parser.parse(t), benign);
    for (const [shape, text] of Object.entries(adversarialOutputs(size))) {
      const ratio = timeOf((t) => parser.parse(t), text) / base;
      if (ratio > 250) slow.push(`${parser.framework} on ${shape}: ${ratio.toFixed(0)}×`);
    }
  }
  assert.deepEqual(slow, []);
});
