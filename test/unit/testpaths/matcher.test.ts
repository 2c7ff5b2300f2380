import { test } from 'node:test';
import assert from 'node:assert/strict';
import { globToRegExp } from '../../../src/testpaths/glob';
import { TestPathMatcher } from '../../../src/testpaths/matcher';

test('glob: ** spans folders, * and ? stay in one segment, {a,b} alternates', () => {
  assert.ok(globToRegExp('**/*.test.*').test('src/a/b.test.ts'));
  assert.ok(globToRegExp('**/*.test.*').test('b.test.ts'));
  assert.ok(!globToRegExp('*.ts').test('src/a.ts'));
  assert.ok(globToRegExp('src/**/x.?s').test('src/x.js'));
  assert.ok(globToRegExp('**/{jest,vitest}.config.*').test('web/vitest.config.mts'));
  assert.ok(!globToRegExp('**/{jest,vitest}.config.*').test('web/webpack.config.js'));
  assert.ok(globToRegExp('a+b(c).md').test('a+b(c).md'));
});

const defaults = new TestPathMatcher(undefined, '/w');
const cases: [string, boolean][] = [
  ['/w/src/cart.test.ts', true],
  ['/w/src/cart.spec.js', true],
  ['/w/src/__tests__/cart.js', true],
  ['/w/tests/test_cart.py', true],
  ['/w/pkg/test_cart.py', true],
  ['/w/pkg/cart_test.py', true],
  ['/w/conftest.py', true],
  ['/w/svc/price_test.go', true],
  ['/w/svc/testdata/golden.json', true],
  ['/w/crate/tests/integration.rs', true],
  ['/w/app/src/test/java/com/x/CalcTest.java', true],
  ['/w/app/src/main/java/com/x/CalcTest.java', true],
  ['/w/Calc.Tests/CalcTests.cs', true],
  ['/w/spec/calc_spec.rb', true],
  ['/w/src/__snapshots__/cart.test.ts.snap', true],
  ['/w/jest.config.js', true],
  ['/w/pytest.ini', true],
  ['/w/src/cart.ts', false],
  ['/w/shop/cart.py', false],
  ['/w/svc/price.go', false],
  ['/w/src/main/java/com/x/Calc.java', false],
  ['/w/README.md', false],
  ['/w/src/contest.py', false],
  ['/w/src/latest/index.ts', false],
];
for (const [path, expected] of cases) {
  test(`default test globs: ${path} → ${expected}`, () => assert.equal(defaults.isTestPath(path), expected));
}

test('paths are matched relative to the workspace root, so the root folder name does not count', () => {
  const matcher = new TestPathMatcher(undefined, '/home/dev/tests/project');
  assert.equal(matcher.isTestPath('/home/dev/tests/project/src/app.ts'), false);
  assert.equal(matcher.isTestPath('/home/dev/tests/project/src/app.test.ts'), true);
});

test('custom globs replace the defaults', () => {
  const matcher = new TestPathMatcher(['qa/**', ' '], '/w');
  assert.equal(matcher.isTestPath('/w/qa/check.py'), true);
  assert.equal(matcher.isTestPath('/w/tests/test_a.py'), false);
});

test('a root passed per call (a session cwd) overrides the workspace root', () => {
  const matcher = new TestPathMatcher();
  assert.equal(matcher.isTestPath('/srv/test/app/src/main.py'), true); // no root: the whole path counts
  assert.equal(matcher.isTestPath('/srv/test/app/src/main.py', '/srv/test/app'), false);
  assert.equal(matcher.isTestPath('/srv/test/app/tests/test_main.py', '/srv/test/app'), true);
});
