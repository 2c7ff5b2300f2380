// Constructs the real edits showed the classifier missing or misreading, one test per kind of
// construct (each written in the shape of the real edit that exposed it, see the labelled set).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyEdit, EMPTY_CONTEXT } from '../../../src/tamper/classify';

const kindsOf = (path: string, before: string | undefined, after: string): string[] =>
  classifyEdit({ path, op: before === undefined ? 'create' : 'update', before, after }, EMPTY_CONTEXT).kinds;

test('Rust: assertions moved into a test gated by #[rustversion::…] or #[cfg_attr(…, ignore)] are skipped on other toolchains', () => {
  const before = `#[test]
fn test_unary() {
    assert_err(test, "a (1 vs 2)");
    assert_err(test, "b (false vs false)");
}
`;
  for (const gate of ['#[rustversion::since(1.82)]', '#[cfg_attr(miri, ignore)]']) {
    const after = `#[test]
fn test_unary() {
    assert_err(test, "a (1 vs 2)");
}

${gate}
#[test]
fn test_raw_addr() {
    assert_err(test, "b (false vs false)");
}
`;
    assert.ok(kindsOf('/r/tests/test_ensure.rs', before, after).includes('skip-added'), gate);
  }
  // A new gated test with new assertions skips nothing.
  const added = `${before}
#[rustversion::since(1.82)]
#[test]
fn test_raw_addr() {
    assert_err(test, "c");
}
`;
  assert.deepEqual(kindsOf('/r/tests/test_ensure.rs', before, added), ['test-added']);
});

test('comments inside a multi-line assertion call are not operands: the expected string change is seen', () => {
  const before = `#[test]
fn test_unary() {
    assert_err(
        test,
        "Condition failed: \`x\`", // FIXME
    );
}
`;
  const after = before.replace('"Condition failed: `x`", // FIXME', '"Condition failed: `x` (false vs false)",');
  assert.deepEqual(kindsOf('/r/tests/test.rs', before, after), ['expected-value-changed']);
  // A comment edited on its own changes no assertion.
  assert.deepEqual(kindsOf('/r/tests/test.rs', before, before.replace('FIXME', 'TODO: later')), ['test-refactored']);
});

test('Ruby: the expected value of an RSpec one-liner `it { expect(x).to eq(…) }` is compared', () => {
  const before = `RSpec.describe Faraday::Error do
  context 'with response hash' do
    it { expect(subject.response).to eq(exception) }
    it { expect(subject.message).to eq('the server responded with status 400') }
    it { expect(subject.response_status).to eq(400) }
  end
end
`;
  const after = before.replace("'the server responded with status 400'", "'the server responded with status 400 - method and url are not available'");
  assert.ok(kindsOf('/r/spec/error_spec.rb', before, after).includes('expected-value-changed'));
});

test('JS: a conditional `return` added before the `it(…)` a loop registers skips that test', () => {
  const before = `describe('methods', function(){
  methods.forEach(function(method){
    if (method === 'connect') return;

    it('should include ' + method, function(done){
      request(app)[method]('/foo').expect(200, done);
    });
  });
});
`;
  const after = before.replace("if (method === 'connect') return;", "if (method === 'connect') return;\n    if (method === 'query' && shouldSkipQuery(process.versions.node)) return");
  assert.ok(kindsOf('/r/test/app.router.js', before, after).includes('skip-added'));
  // A return inside a test body is not a registration guard.
  const inBody = before.replace('function(done){', 'function(done){\n      if (!app) return done();');
  assert.ok(!kindsOf('/r/test/app.router.js', before, inBody).includes('skip-added'));
});

test('an assertion moved under an `if` may no longer run: weakened (Python, JS)', () => {
  const before = `def test_aborting(app):
    with app.test_client() as c:
        rv = c.get("/")
        assert rv.headers["Location"] == "http://localhost/test"
`;
  const after = `def test_aborting(app):
    with app.test_client() as c:
        rv = c.get("/")
        location_parts = rv.headers["Location"].rpartition("/")

        if location_parts[0]:
            assert location_parts[0] == "http://localhost"

        assert location_parts[2] == "test"
`;
  assert.ok(kindsOf('/r/tests/test_regression.py', before, after).includes('assertion-weakened'));
  const jsBefore = `it('redirects', () => {
  const res = get('/');
  expect(res.location).toBe('http://localhost/test');
});
`;
  const jsAfter = `it('redirects', () => {
  const res = get('/');
  if (res.absolute) {
    expect(res.location).toBe('http://localhost/test');
  }
});
`;
  assert.ok(kindsOf('/r/test/redirect.test.js', jsBefore, jsAfter).includes('assertion-weakened'));
  // An assertion that was conditional before and after is unchanged in strength.
  const both = jsAfter.replace('if (res.absolute) {', 'if (res.absolute && res.ok) {');
  assert.ok(!kindsOf('/r/test/redirect.test.js', jsAfter, both).includes('assertion-weakened'));
});

test('Rust: removing a call of a local macro whose body asserts removes its assertions', () => {
  const before = `#[test]
fn test_partialeq_number() {
    macro_rules! number_partialeq_ok {
        ($($n:expr)*) => {
            $(
                let value = to_value($n).unwrap();
                assert_eq!(value, $n);
            )*
        };
    }

    number_partialeq_ok!(0 1 100 i8::MIN i8::MAX);

    #[cfg(feature = "arbitrary_precision")]
    number_partialeq_ok!(i128::MIN i128::MAX u128::MIN u128::MAX);
}
`;
  const after = before.replace(/\n\n    #\[cfg\(feature = "arbitrary_precision"\)\]\n    number_partialeq_ok!\([^)]*\);/, '');
  assert.notEqual(after, before);
  assert.deepEqual(kindsOf('/r/tests/test.rs', before, after), ['assertion-removed']);
});

test('a project assertion helper given only the expected text is not an assertion that always holds', () => {
  const after = `public final class JavaWriterTest {
  @Test public void typeDeclaration() throws IOException {
    javaWriter.emitPackage("com.squareup");
    assertCode(""
        + "package com.squareup;\\n"
        + "}\\n");
  }
}
`;
  assert.ok(!kindsOf('/r/src/test/java/JavaWriterTest.java', undefined, after).includes('assertion-weakened'));
  // Two equal literals compared with each other still always hold.
  const trivial = after.replace('assertCode(""', 'assertEquals(1, 1);\n    assertCode(""');
  assert.ok(kindsOf('/r/src/test/java/JavaWriterTest.java', undefined, trivial).includes('assertion-weakened'));
});

test('membership through an equality predicate is membership: assertIn → assertTrue(any(samefile(…) for …))', () => {
  const before = `class T(unittest.TestCase):
    def test_read_only(self):
        real = os.path.realpath(external_file_path)
        self.assertIn(real, coder.abs_read_only_fnames)
`;
  const after = before.replace('self.assertIn(real, coder.abs_read_only_fnames)', 'self.assertTrue(any(os.path.samefile(real, fname) for fname in coder.abs_read_only_fnames))');
  assert.deepEqual(kindsOf('/r/tests/test_commands.py', before, after), ['test-refactored']);
  // Any element satisfying a predicate that ignores the value is not membership.
  const loose = before.replace('self.assertIn(real, coder.abs_read_only_fnames)', 'self.assertTrue(any(os.path.exists(fname) for fname in coder.abs_read_only_fnames))');
  assert.ok(kindsOf('/r/tests/test_commands.py', before, loose).includes('assertion-weakened'));
});

test('Ruby: a regex literal holding `#` and quotes is an operand, not a comment; its change is seen', () => {
  const before = `class RdocTest < Minitest::Test
  it 'renders inline rdoc strings' do
    rdoc_app { rdoc '= Hiya' }
    assert_body(/<h1[^>]*>Hiya(<a href=\\"#label-Hiya\\">&para;<\\/a>)?<\\/h1>/)
  end
end
`;
  const after = before.replace('Hiya(<a href=\\"#label-Hiya\\">&para;<\\/a>)?', '(<.*>)?Hiya(<.*>)?');
  assert.notEqual(after, before);
  assert.ok(kindsOf('/r/test/rdoc_test.rb', before, after).includes('expected-value-changed'));
});
