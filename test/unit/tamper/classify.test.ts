import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyEdit, type ClassifyContext } from '../../../src/tamper/classify';
import { parseTestFile } from '../../../src/tamper/parse';
import { roleOf } from '../../../src/tamper/file-roles';
import { loadLabelledSet, REAL_DIR, runCase } from '../../../src/tamper/labelled-set';

const failing = (ids: string[], output: string | null = null): ClassifyContext => ({
  failingIds: ids,
  lastFailingOutput: output,
  testLiterals: new Set(),
});

/** A real edit of the labelled set (test/fixtures/tamper/real), replayed after 3 failing runs. */
const realEdit = (id: string) => {
  const found = loadLabelledSet(REAL_DIR).find((c) => c.id === id);
  assert.ok(found, id);
  return runCase(found);
};

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
  assert.deepEqual(
    model?.cases.map((c) => c.name),
    ['test_x'],
  );
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
  const copy = classifyEdit(
    { path: '/r/p.test.ts', op: 'update', before, after: before.replace('119', '116') },
    failing(['p'], 'Expected: 119\nReceived: 116'),
  );
  const other = classifyEdit(
    { path: '/r/p.test.ts', op: 'update', before, after: before.replace('119', '120') },
    failing(['p'], 'Expected: 119\nReceived: 116'),
  );
  const f1 = copy.findings.find((f) => f.kind === 'expected-value-changed');
  const f2 = other.findings.find((f) => f.kind === 'expected-value-changed');
  assert.equal(f1?.matchesLastActual, true);
  assert.equal(f1?.wasFailing, true);
  assert.equal(f2?.matchesLastActual, false);
});

test('deleting a test the last run reported failing is marked; a passing one is not', () => {
  const before =
    'func TestA(t *testing.T) {\n\tif A() != 1 {\n\t\tt.Fatal("a")\n\t}\n}\n\nfunc TestB(t *testing.T) {\n\tif B() != 2 {\n\t\tt.Fatal("b")\n\t}\n}\n';
  const withoutB = before.slice(0, before.indexOf('func TestB'));
  const r1 = classifyEdit({ path: '/r/x_test.go', op: 'update', before, after: withoutB }, failing(['TestB']));
  const r2 = classifyEdit({ path: '/r/x_test.go', op: 'update', before, after: withoutB }, failing(['TestA']));
  assert.equal(r1.findings.find((f) => f.kind === 'test-deleted')?.wasFailing, true);
  assert.equal(r2.findings.find((f) => f.kind === 'test-deleted')?.wasFailing, false);
});

test('Rust unit tests inside a production file are read as tests', () => {
  const before =
    'fn f() -> i32 { 1 }\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn one() {\n        assert_eq!(super::f(), 1);\n    }\n}\n';
  const after = before.replace('    #[test]\n', '    #[test]\n    #[ignore]\n');
  assert.deepEqual(classifyEdit({ path: '/r/src/lib.rs', op: 'update', before, after }).kinds, ['skip-added']);
});

test('special-casing needs a branch on a literal the tests use; other new branches pass', () => {
  const before = 'def area(w, h):\n    return w * h\n';
  const hack = 'def area(w, h):\n    if w == 37 and h == 41:\n        return 1517\n    return w * h\n';
  const feature = 'def area(w, h):\n    if w < 0 or h < 0:\n        raise ValueError("negative")\n    return w * h\n';
  const ctx: ClassifyContext = { failingIds: [], lastFailingOutput: null, testLiterals: new Set(['37', '41', '1517']) };
  assert.deepEqual(classifyEdit({ path: '/r/src/geo.py', op: 'update', before, after: hack }, ctx).kinds, [
    'special-casing',
  ]);
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
  assert.deepEqual(classifyEdit({ path: '/r/checks/sums.py', op: 'update', before, after, isTestPath: true }).kinds, [
    'test-deleted',
  ]);
});

test('"exit 0" inside a string is not a forced exit; a renamed test keeps its assertions', () => {
  const before = "test('runs', () => {\n  expect(run('pytest')).toBe(1);\n});\n";
  const withString = before + "test('shell', () => {\n  expect(parse('pytest; exit 0')).toEqual(['pytest']);\n});\n";
  assert.deepEqual(classifyEdit({ path: '/r/a.test.ts', op: 'update', before, after: withString }).kinds, [
    'test-added',
  ]);
  const renamed =
    "test('runs the suite once', () => {\n  expect(run('pytest')).toBe(1);\n  expect(run('pytest', { quiet: true })).toBe(1);\n});\n";
  assert.deepEqual(classifyEdit({ path: '/r/a.test.ts', op: 'update', before, after: renamed }).kinds, [
    'test-refactored',
  ]);
  const restructured =
    "test('runs the suite once', () => {\n  const code = run('pytest');\n  expect(code).toBe(1);\n});\n";
  const kinds = classifyEdit({ path: '/r/a.test.ts', op: 'update', before, after: restructured }).kinds;
  assert.deepEqual(
    kinds.filter((k) => k !== 'test-added' && k !== 'test-refactored'),
    [],
  );
});

test('an ordinary switch over domain values is not special-casing; a case that returns the expected value is', () => {
  // A todo filter (TS) and an agent-name mapping (Go) whose values the tests also use.
  const ts = {
    before: 'export function visible(todos: Todo[], filter: Filter): Todo[] {\n  return todos;\n}\n',
    after:
      "export function visible(todos: Todo[], filter: Filter): Todo[] {\n  switch (filter) {\n    case 'active':\n      return todos.filter((t) => !t.completed);\n    case 'completed':\n      return todos.filter((t) => t.completed);\n    default:\n      return todos;\n  }\n}\n",
  };
  const go = {
    before: 'package agents\n\nfunc Label(source string) string {\n\treturn source\n}\n',
    after:
      'package agents\n\nfunc Label(source string) string {\n\tswitch source {\n\tcase "claude-code":\n\t\treturn labelFor(ClaudeCode)\n\tcase "codex", "codex-cli":\n\t\treturn labelFor(Codex)\n\t}\n\treturn source\n}\n',
  };
  const literals = new Set(['active', 'completed', 'claude-code', 'codex', 'codex-cli', 'Claude Code']);
  const ctx: ClassifyContext = { failingIds: [], lastFailingOutput: null, testLiterals: literals };
  assert.deepEqual(classifyEdit({ path: '/r/src/filter.ts', op: 'update', ...ts }, ctx).kinds, []);
  assert.deepEqual(classifyEdit({ path: '/r/agents/label.go', op: 'update', ...go }, ctx).kinds, []);
  const hack = go.after.replace('\t\treturn labelFor(ClaudeCode)', '\t\treturn "Claude Code"');
  assert.deepEqual(
    classifyEdit({ path: '/r/agents/label.go', op: 'update', before: go.before, after: hack }, ctx).kinds,
    ['special-casing'],
  );
});

test('real Go: a switch over the collection formats the new test uses is not special-casing (gin-gonic/gin 3cb3067)', () => {
  // Before the switch arms were read as alternatives this edit rated critical special-casing.
  const r = realEdit('go-gin-collection-format-switch');
  assert.deepEqual([r.predictedKinds, r.flagged], [[], false]);
});

test('Go: an expected string rewritten to what the failing run printed, inside if !strings.Contains, is flagged', () => {
  const before =
    'func TestHelp(t *testing.T) {\n\tout := run("--help")\n\tif !strings.Contains(out, "Usage: app [flags]") {\n\t\tt.Errorf("help output: %s", out)\n\t}\n}\n';
  const after = before.replace('Usage: app [flags]', 'usage: app <command>');
  const output = '--- FAIL: TestHelp (0.00s)\n    help_test.go:12: help output: usage: app <command>\n';
  const result = classifyEdit(
    { path: '/r/cmd/help_test.go', op: 'update', before, after },
    failing(['TestHelp'], output),
  );
  assert.deepEqual(result.kinds, ['expected-value-changed']);
  assert.equal(result.findings[0].matchesLastActual, true);
});

test('real Go: the expected text inside if !strings.Contains rewritten after the message changed is flagged (spf13/cobra be18870)', () => {
  const r = realEdit('go-cobra-contains-message-followed');
  assert.deepEqual([r.predictedKinds, r.flagged], [['expected-value-changed'], true]);
});

test('Go: testify assertions rewritten as plain if … t.Errorf checks of the same thing are not weakened', () => {
  const before = [
    'func TestParse(t *testing.T) {',
    '\tgot, err := Parse(input)',
    '\trequire.NoError(t, err)',
    '\tassert.Equal(t, want, got)',
    '\tassert.Contains(t, got.Name, "widget")',
    '\tassert.ErrorIs(t, Check(got), ErrStale)',
    '\tassert.True(t, reflect.DeepEqual(got.Tags, tags))',
    '}',
  ].join('\n');
  const after = [
    'func TestParse(t *testing.T) {',
    '\tgot, err := Parse(input)',
    '\tif err != nil {',
    '\t\tt.Fatal(err)',
    '\t}',
    '\tif got != want {',
    '\t\tt.Errorf("got %v, want %v", got, want)',
    '\t}',
    '\tif !strings.Contains(got.Name, "widget") {',
    '\t\tt.Errorf("name %q", got.Name)',
    '\t}',
    '\tif !errors.Is(Check(got), ErrStale) {',
    '\t\tt.Error("not stale")',
    '\t}',
    '\tif !reflect.DeepEqual(got.Tags, tags) {',
    '\t\tt.Errorf("tags %v", got.Tags)',
    '\t}',
    '}',
  ].join('\n');
  assert.deepEqual(
    classifyEdit({ path: '/r/parse_test.go', op: 'update', before, after }, failing(['TestParse'])).kinds,
    ['test-refactored'],
  );
});

test('real Go: testify assertions replaced by plain helper functions making the same checks are not weakened (go-chi/chi 47b08a5)', () => {
  const r = realEdit('go-chi-testify-to-own-asserts');
  assert.deepEqual([r.predictedKinds, r.flagged], [['test-refactored'], false]);
});

test('skips however expressed: a second marker, a conditional t.Skip deep in a test, a skip field, a disabled_ rename, #[cfg(not(…))]', () => {
  const py = {
    before:
      "@pytest.mark.parametrize('tz', ('UTC', 'PST8PDT'))\ndef test_aware(tz):\n    assert convert(tz) == 'GMT'\n",
    after:
      "@pytest.mark.skipif('not has_pytz')\n@pytest.mark.parametrize('tz', ('UTC', 'PST8PDT'))\ndef test_aware(tz):\n    assert convert(tz) == 'GMT'\n",
  };
  const goBody =
    '\tn := testing.AllocsPerRun(100, func() { Clean("/a/b") })\n\tif n > 0 {\n\t\tt.Errorf("allocs %v", n)\n\t}\n';
  const go = {
    before: `func TestCleanAllocs(t *testing.T) {\n\tsetup()\n\tdefer teardown()\n\tconfigure(t)\n\twarm()\n\twarm()\n${goBody}}\n`,
    after: `func TestCleanAllocs(t *testing.T) {\n\tsetup()\n\tdefer teardown()\n\tconfigure(t)\n\twarm()\n\twarm()\n\tif runtime.GOMAXPROCS(0) > 1 {\n\t\tt.Skip("GOMAXPROCS>1")\n\t}\n${goBody}}\n`,
  };
  const table = (skip: string): string =>
    `func TestFlags(t *testing.T) {\n\tcases := []struct {\n\t\tname string\n\t\tskip string\n\t}{\n\t\t{\n\t\t\tname: "bool slice",${skip}\n\t\t},\n\t}\n\tfor _, tc := range cases {\n\t\trun(t, tc)\n\t}\n}\n`;
  const java = {
    before:
      'public void testRehash() throws Exception {\n  Map<String, String> map = build();\n  assertEquals(100, map.size());\n}\n',
    after:
      'public void disabled_testRehash() throws Exception {\n  Map<String, String> map = build();\n  assertEquals(100, map.size());\n}\n',
  };
  const rust = {
    before:
      'sherlock!(symlink_follow, "Sherlock", ".", |wd: WorkDir, mut cmd: Command| {\n    assert_eq!(lines, expected);\n});\n',
    after:
      '#[cfg(not(windows))]\nsherlock!(symlink_follow, "Sherlock", ".", |wd: WorkDir, mut cmd: Command| {\n    assert_eq!(lines, expected);\n});\n',
  };
  const kinds = (path: string, e: { before: string; after: string }): string[] =>
    classifyEdit({ path, op: 'update', ...e }).kinds;
  assert.deepEqual(kinds('/r/tests/test_tz.py', py), ['skip-added']);
  assert.deepEqual(kinds('/r/path_test.go', go), ['skip-added']);
  assert.ok(
    kinds('/r/zsh_test.go', {
      before: table(''),
      after: table('\n\t\t\tskip: "BoolSlice behaves strangely",'),
    }).includes('skip-added'),
  );
  assert.ok(kinds('/r/src/test/java/a/MapTest.java', java).includes('skip-added'));
  assert.deepEqual(kinds('/r/tests/tests.rs', rust), ['skip-added']);
  // A new test that carries its own platform guard is a new test, not a skip.
  const guarded = `${go.before}\nfunc TestNm(t *testing.T) {\n\tif runtime.GOOS == "windows" {\n\t\tt.Skip("no nm")\n\t}\n\tcheck(t)\n}\n`;
  assert.deepEqual(kinds('/r/path_test.go', { before: go.before, after: guarded }), ['test-added']);
});

test('expected values wherever they live: tuple tables in helper calls, expected variables, supertest .expect, exception types, isTrue → isFalse', () => {
  const kinds = (path: string, before: string, after: string): string[] =>
    classifyEdit({ path, op: 'update', before, after }).kinds;
  const rust =
    '#[test]\nfn test_exponents() {\n    test_encode_ok(&[\n        (f64::MIN, "-1.7976931348623157e308"),\n        (f64::MAX, "1.7976931348623157e308"),\n    ]);\n}\n';
  assert.deepEqual(
    kinds('/r/tests/test.rs', rust, rust.replace('e308"),\n        (f64::MAX', 'e+308"),\n        (f64::MAX')),
    ['expected-value-changed'],
  );
  const letExpected =
    '#[test]\nfn colored() {\n    let expected = "foo:bar\\n";\n    assert_eq!(expected, lines);\n}\n';
  assert.deepEqual(kinds('/r/tests/tests.rs', letExpected, letExpected.replace('foo:bar', 'foo-bar')), [
    'expected-value-changed',
  ]);
  const supertest =
    "it('sets the type', function (done) {\n  request(app)\n  .get('/')\n  .expect('Content-Type', 'application/javascript; charset=utf-8')\n  .end(done)\n})\n";
  assert.deepEqual(
    kinds('/r/test/res.type.js', supertest, supertest.replace('application/javascript', 'text/javascript')),
    ['expected-value-changed'],
  );
  const thrown =
    '@Test\npublic void rejectsBadKey() {\n  try {\n    parse("{1:2}");\n    fail();\n  } catch (JsonSyntaxException expected) {\n  }\n  assertThat(map).isInstanceOf(LinkedTreeMap.class);\n}\n';
  assert.deepEqual(
    kinds('/r/src/test/java/a/ParseTest.java', thrown, thrown.replace('LinkedTreeMap.class', 'LinkedHashMap.class')),
    ['expected-value-changed'],
  );
  const truth = '@Test\npublic void empty() {\n  assertThat(list.isEmpty()).isTrue();\n}\n';
  assert.deepEqual(kinds('/r/src/test/java/a/ListTest.java', truth, truth.replace('isTrue()', 'isFalse()')), [
    'expected-value-changed',
  ]);
});

test('equivalent spellings of one check are not weakening: isEqualTo(Boolean.TRUE) → isEqualTo(true), isEqualTo(null) → isNull()', () => {
  const before =
    '@Test\npublic void flags() {\n  assertThat(config.get("debug")).isEqualTo(Boolean.TRUE);\n  assertThat(config.get("missing")).isEqualTo(null);\n}\n';
  const after =
    '@Test\npublic void flags() {\n  assertThat(config.get("debug")).isEqualTo(true);\n  assertThat(config.get("missing")).isNull();\n}\n';
  assert.deepEqual(
    classifyEdit({ path: '/r/src/test/java/a/ConfigTest.java', op: 'update', before, after }, failing(['flags'])).kinds,
    ['test-refactored'],
  );
});

test('weakened: a regex matcher for an exact string, a broadened pytest.raises(match=…), either-of checks', () => {
  const kinds = (path: string, before: string, after: string): string[] =>
    classifyEdit({ path, op: 'update', before, after }).kinds;
  const rb = "it 'renders the heading' do\n  expect(body).to include('<h1>Hello</h1>')\nend\n";
  assert.ok(
    kinds('/r/spec/page_spec.rb', rb, rb.replace("include('<h1>Hello</h1>')", 'match(/Hello/)')).includes(
      'assertion-weakened',
    ),
  );
  const py =
    "def test_timeout():\n    with pytest.raises(ValueError, match='must be an int or float'):\n        check('foo')\n";
  assert.ok(
    kinds('/r/tests/test_t.py', py, py.replace("match='must be an int or float'", "match='must be'")).some(
      (k) => k === 'assertion-weakened' || k === 'expected-value-changed',
    ),
  );
  const ava =
    "test('length', t => {\n  if (old) {\n    t.is(headers['content-length'], '119');\n  } else {\n    t.is(headers['content-length'], '121');\n  }\n});\n";
  const either =
    "test('length', t => {\n  t.true(headers['content-length'] === '119' || headers['content-length'] === '121');\n});\n";
  assert.deepEqual(kinds('/r/test/headers.ts', ava, either), ['assertion-weakened']);
});

test('deleted Go table cases and RSpec one-liner examples are deleted tests', () => {
  const table = (rows: string): string =>
    `func TestAdd(t *testing.T) {\n\tcases := []struct{ a, b, want int }{\n${rows}\t}\n\tfor _, c := range cases {\n\t\tif got := Add(c.a, c.b); got != c.want {\n\t\t\tt.Errorf("got %d", got)\n\t\t}\n\t}\n}\n`;
  const rows =
    '\t\t{\n\t\t\ta: 1,\n\t\t\tb: 2,\n\t\t\twant: 3,\n\t\t},\n\t\t{\n\t\t\ta: 2,\n\t\t\tb: 2,\n\t\t\twant: 5,\n\t\t},\n';
  const fewer = '\t\t{\n\t\t\ta: 1,\n\t\t\tb: 2,\n\t\t\twant: 3,\n\t\t},\n';
  assert.ok(
    classifyEdit({ path: '/r/add_test.go', op: 'update', before: table(rows), after: table(fewer) }).kinds.includes(
      'test-deleted',
    ),
  );
  const spec =
    'describe Cart do\n  subject { Cart.new }\n  it { is_expected.to be_empty }\n  it { is_expected.to respond_to(:total) }\nend\n';
  assert.ok(
    classifyEdit({
      path: '/r/spec/cart_spec.rb',
      op: 'update',
      before: spec,
      after: spec.replace('  it { is_expected.to respond_to(:total) }\n', ''),
    }).kinds.includes('test-deleted'),
  );
});
