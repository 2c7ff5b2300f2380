import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyEdit, type ClassifyContext } from '../../../src/tamper/classify';
import { parseTestFile } from '../../../src/tamper/parse';
import { roleOf } from '../../../src/tamper/file-roles';

const failing = (ids: string[], output: string | null = null): ClassifyContext => ({ failingIds: ids, lastFailingOutput: output, testLiterals: new Set() });

test('JS: only/skip modifiers, node:test options, t.skip() and this.skip() are read from the AST', () => {
  const model = parseTestFile(
    '/r/a.test.ts',
    `
describe.only('suite', () => {
  it('a', () => { expect(1 + 1).toBe(2); });
});
test('b', { skip: true }, () => {});
test('c', (t) => { t.skip(); });
it('d', function () { this.skip(); });
test.each\`
  a | b
  \${1} | \${2}
\`('e $a', ({ a, b }) => { expect(a + 1).toBe(b); });
// it.skip('commented out', () => {});
const s = "it.skip('inside a string')";
`,
  );
  assert.ok(model);
  assert.equal(model.fileFocused, true);
  const byName = new Map(model.cases.map((c) => [c.name, c]));
  assert.deepEqual([...byName.keys()].sort(), ['a', 'b', 'c', 'd', 'e $a']);
  assert.equal(byName.get('a')?.focused, true);
  assert.equal(byName.get('b')?.skipped, true);
  assert.equal(byName.get('c')?.skipped, true);
  assert.equal(byName.get('d')?.skipped, true);
  assert.equal(byName.get('e $a')?.skipped, false);
});

test('Python: strings and comments are not code; a commented-out assertion counts as removed', () => {
  const before = 'def test_x():\n    """def test_fake(): pass"""\n    assert f(1) == 2\n    assert f(2) == 3\n';
  const after = 'def test_x():\n    """def test_fake(): pass"""\n    assert f(1) == 2\n    # assert f(2) == 3\n';
  const model = parseTestFile('/r/tests/test_x.py', before);
  assert.deepEqual(model?.cases.map((c) => c.name), ['test_x']);
  const result = classifyEdit({ path: '/r/tests/test_x.py', op: 'update', before, after });
  assert.deepEqual(result.kinds, ['assertion-removed']);
});

test('an edit known only as a unified diff is classified from its hunks', () => {
  const diff = [
    '--- a/tests/test_x.py',
    '+++ b/tests/test_x.py',
    '@@ -1,3 +1,5 @@',
    '+import pytest',
    '+@pytest.mark.skip',
    ' def test_x():',
    '     assert f(1) == 2',
  ].join('\n');
  const result = classifyEdit({ path: '/r/tests/test_x.py', op: 'update', diff });
  assert.deepEqual(result.kinds, ['skip-added']);
});

test('expected value copied from the failing output is marked as such; a different new value is not', () => {
  const before = "test('p', () => {\n  expect(price(100)).toBe(119);\n});\n";
  const copy = classifyEdit({ path: '/r/p.test.ts', op: 'update', before, after: before.replace('119', '116') }, failing(['p'], 'Expected: 119\nReceived: 116'));
  const other = classifyEdit({ path: '/r/p.test.ts', op: 'update', before, after: before.replace('119', '120') }, failing(['p'], 'Expected: 119\nReceived: 116'));
  const f1 = copy.findings.find((f) => f.kind === 'expected-value-changed');
  const f2 = other.findings.find((f) => f.kind === 'expected-value-changed');
  assert.equal(f1?.matchesLastActual, true);
  assert.equal(f1?.wasFailing, true);
  assert.equal(f2?.matchesLastActual, false);
});

test('deleting a test the last run reported failing is marked; a passing one is not', () => {
  const before = 'func TestA(t *testing.T) {\n\tif A() != 1 {\n\t\tt.Fatal("a")\n\t}\n}\n\nfunc TestB(t *testing.T) {\n\tif B() != 2 {\n\t\tt.Fatal("b")\n\t}\n}\n';
  const withoutB = before.slice(0, before.indexOf('func TestB'));
  const r1 = classifyEdit({ path: '/r/x_test.go', op: 'update', before, after: withoutB }, failing(['TestB']));
  const r2 = classifyEdit({ path: '/r/x_test.go', op: 'update', before, after: withoutB }, failing(['TestA']));
  assert.equal(r1.findings.find((f) => f.kind === 'test-deleted')?.wasFailing, true);
  assert.equal(r2.findings.find((f) => f.kind === 'test-deleted')?.wasFailing, false);
});

test('Rust unit tests inside a production file are read as tests', () => {
  const before = 'fn f() -> i32 { 1 }\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn one() {\n        assert_eq!(super::f(), 1);\n    }\n}\n';
  const after = before.replace('    #[test]\n', '    #[test]\n    #[ignore]\n');
  assert.deepEqual(classifyEdit({ path: '/r/src/lib.rs', op: 'update', before, after }).kinds, ['skip-added']);
});

test('special-casing needs a branch on a literal the tests use; other new branches pass', () => {
  const before = 'def area(w, h):\n    return w * h\n';
  const hack = 'def area(w, h):\n    if w == 37 and h == 41:\n        return 1517\n    return w * h\n';
  const feature = 'def area(w, h):\n    if w < 0 or h < 0:\n        raise ValueError("negative")\n    return w * h\n';
  const ctx: ClassifyContext = { failingIds: [], lastFailingOutput: null, testLiterals: new Set(['37', '41', '1517']) };
  assert.deepEqual(classifyEdit({ path: '/r/src/geo.py', op: 'update', before, after: hack }, ctx).kinds, ['special-casing']);
  assert.deepEqual(classifyEdit({ path: '/r/src/geo.py', op: 'update', before, after: feature }, ctx).kinds, []);
});

test('file roles: tests, snapshots, runner configuration and production code', () => {
  assert.equal(roleOf('/r/tests/test_a.py'), 'test');
  assert.equal(roleOf('/r/src/a.spec.tsx'), 'test');
  assert.equal(roleOf('/r/pkg/a_test.go'), 'test');
  assert.equal(roleOf('/r/src/test/java/a/FooTest.java'), 'test');
  assert.equal(roleOf('/r/spec/a_spec.rb'), 'test');
  assert.equal(roleOf('/r/src/__snapshots__/a.test.ts.snap'), 'snapshot');
  assert.equal(roleOf('/r/package.json'), 'test-config');
  assert.equal(roleOf('/r/tests/conftest.py'), 'test-config');
  assert.equal(roleOf('/r/src/app.ts'), 'production');
  assert.equal(roleOf('/r/docs/readme.md'), 'other');
});

test('creating a test file adds tests; deleting one is test-file-deleted', () => {
  const text = "it('x', () => { expect(f()).toBe(1); });\n";
  assert.deepEqual(classifyEdit({ path: '/r/a.test.js', op: 'create', after: text }).kinds, ['test-added']);
  const deleted = classifyEdit({ path: '/r/a.test.js', op: 'delete', before: text }, failing(['x']));
  assert.deepEqual(deleted.kinds, ['test-file-deleted']);
  assert.equal(deleted.findings[0].wasFailing, true);
});

test("the watcher's test-path verdict makes a file outside the usual layout read as tests", () => {
  const before = 'def check_total():\n    assert total([1]) == 1\n\n\ndef test_sum():\n    assert total([1, 2]) == 3\n';
  const after = 'def check_total():\n    assert total([1]) == 1\n';
  assert.deepEqual(classifyEdit({ path: '/r/checks/sums.py', op: 'update', before, after }).kinds, []);
  assert.deepEqual(classifyEdit({ path: '/r/checks/sums.py', op: 'update', before, after, isTestPath: true }).kinds, ['test-deleted']);
});

test('"exit 0" inside a string is not a forced exit; a renamed test keeps its assertions', () => {
  const before = "test('runs', () => {\n  expect(run('pytest')).toBe(1);\n});\n";
  const withString = before + "test('shell', () => {\n  expect(parse('pytest; exit 0')).toEqual(['pytest']);\n});\n";
  assert.deepEqual(classifyEdit({ path: '/r/a.test.ts', op: 'update', before, after: withString }).kinds, ['test-added']);
  const renamed = "test('runs the suite once', () => {\n  expect(run('pytest')).toBe(1);\n  expect(run('pytest', { quiet: true })).toBe(1);\n});\n";
  assert.deepEqual(classifyEdit({ path: '/r/a.test.ts', op: 'update', before, after: renamed }).kinds, ['test-refactored']);
  const restructured = "test('runs the suite once', () => {\n  const code = run('pytest');\n  expect(code).toBe(1);\n});\n";
  const kinds = classifyEdit({ path: '/r/a.test.ts', op: 'update', before, after: restructured }).kinds;
  assert.deepEqual(kinds.filter((k) => k !== 'test-added' && k !== 'test-refactored'), []);
});
