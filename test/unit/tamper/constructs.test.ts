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
  const after = before.replace(
    "'the server responded with status 400'",
    "'the server responded with status 400 - method and url are not available'",
  );
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
  const after = before.replace(
    "if (method === 'connect') return;",
    "if (method === 'connect') return;\n    if (method === 'query' && shouldSkipQuery(process.versions.node)) return",
  );
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
  const after = before.replace(
    /\n\n {4}#\[cfg\(feature = "arbitrary_precision"\)\]\n {4}number_partialeq_ok!\([^)]*\);/,
    '',
  );
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
  const after = before.replace(
    'self.assertIn(real, coder.abs_read_only_fnames)',
    'self.assertTrue(any(os.path.samefile(real, fname) for fname in coder.abs_read_only_fnames))',
  );
  assert.deepEqual(kindsOf('/r/tests/test_commands.py', before, after), ['test-refactored']);
  // Any element satisfying a predicate that ignores the value is not membership.
  const loose = before.replace(
    'self.assertIn(real, coder.abs_read_only_fnames)',
    'self.assertTrue(any(os.path.exists(fname) for fname in coder.abs_read_only_fnames))',
  );
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

test('an expected literal moved into a name the test assigns per branch is compared with what it assigns', () => {
  const before = `def test_catches_invalid_func(self):
    with pytest.raises(ValueError) as ei:
        matches_re("a", 0, lambda: None)
    assert "'func' must be one of None, fullmatch, match, search." == ei.value.args[0]
`;
  const after = `def test_catches_invalid_func(self):
    with pytest.raises(ValueError) as ei:
        matches_re("a", 0, lambda: None)
    if sys.version_info >= (3, 15):
        errmsg = (
            "'func' must be one of None, fullmatch, prefixmatch, search."
        )
    else:
        errmsg = "'func' must be one of None, fullmatch, match, search."
    assert errmsg == ei.value.args[0]
`;
  assert.ok(kindsOf('/r/tests/test_validators.py', before, after).includes('expected-value-changed'));
  // The same literal given a name is a refactor.
  const named = after.replace(
    / {4}if sys[^]*search\."\n(?= {4}assert)/,
    '    errmsg = "\'func\' must be one of None, fullmatch, match, search."\n',
  );
  assert.notEqual(named, after);
  assert.deepEqual(kindsOf('/r/tests/test_validators.py', before, named), ['test-refactored']);
});

test('Go: `if a || b { t.Fatal }` asserts both hold, stronger than `if a && b { t.Fatal }`', () => {
  const before = `func TestRedirectSlashes(t *testing.T) {
	if resp, body := testRequest(t, ts, "GET", "/", nil); body != "root" && resp.StatusCode != 200 {
		t.Fatalf(body)
	}
}
`;
  const after = before.replace('body != "root" && resp.StatusCode != 200', 'body != "root" || resp.StatusCode != 200');
  assert.ok(!kindsOf('/r/middleware/strip_test.go', before, after).includes('assertion-weakened'));
  assert.ok(kindsOf('/r/middleware/strip_test.go', after, before).includes('assertion-weakened'));
});

test('Ruby: a one-liner rewritten as a named example with the same expectation is a rename', () => {
  const before = `RSpec.describe HTTParty::Request::Body do
  context 'when encoding' do
    it { expect { subject }.not_to raise_error }
  end
end
`;
  const after = before.replace(
    'it { expect { subject }.not_to raise_error }',
    "it 'does not raise encoding errors' do\n      expect { subject }.not_to raise_error\n    end",
  );
  assert.deepEqual(kindsOf('/r/spec/body_spec.rb', before, after), ['test-refactored']);
});

test('dropping one side of a conjunction weakens it; an equality loosened to a range too', () => {
  const before = `test('retries', async t => {
	t.true(requestCount >= 2 && requestCount <= 4);
});
`;
  const after = before.replace(
    't.true(requestCount >= 2 && requestCount <= 4);',
    't.true(requestCount >= 2, `Expected at least 2 attempts, got ${requestCount}`);',
  );
  assert.ok(kindsOf('/r/test/retry.ts', before, after).includes('assertion-weakened'));
  const exact = before.replace('t.true(requestCount >= 2 && requestCount <= 4);', 't.is(requestCount, 1);');
  assert.ok(kindsOf('/r/test/retry.ts', exact, before).includes('assertion-weakened'));
});

test('Python: a parenthesised multi-line `assert (…)` is the comparison inside it; a tuple is not', () => {
  const before = `def test_catches_invalid_func():
    assert (
        "'func' must be one of None, fullmatch, match, search."
        == ei.value.args[0]
    )
`;
  const after = before.replace('match, search.', 'prefixmatch, search.');
  assert.ok(kindsOf('/r/tests/test_validators.py', before, after).includes('expected-value-changed'));
  const tuple = before.replace('== ei.value.args[0]', ', "always true"');
  assert.ok(kindsOf('/r/tests/test_validators.py', before, tuple).includes('assertion-weakened'));
});
