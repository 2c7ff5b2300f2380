import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { classifyEdit } from '../../../src/tamper/classify';

const PATHS = [
  '/r/tests/test_a.py',
  '/r/a.test.ts',
  '/r/a_test.go',
  '/r/tests/a.rs',
  '/r/src/test/java/ATest.java',
  '/r/tests/ATests.cs',
  '/r/spec/a_spec.rb',
  '/r/src/a.py',
  '/r/package.json',
  '/r/__snapshots__/a.snap',
];
// Fragments that open and close brackets, strings and blocks in every language, shuffled.
const PIECES = [
  '(',
  ')',
  '{',
  '}',
  '[',
  ']',
  '"',
  "'",
  '`',
  '"""',
  '/*',
  '*/',
  '//',
  '#',
  '\n',
  '    ',
  'def test_x():',
  'it("a", () => {',
  'func TestX(t *testing.T) {',
  '#[test]',
  '@Test',
  '[Fact]',
  'it "a" do',
  'end',
  'assert x == 1',
  'expect(x).toBe(2)',
  'assert_eq!(a, b)',
  'Assert.Equal(1, x)',
  'if got != want {',
  't.Errorf("x")',
  ';',
  ',',
  '==',
];

test('malformed and truncated source never throws, in any language', () => {
  const text = fc
    .array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 6 })), { maxLength: 60 })
    .map((parts) => parts.join(''));
  fc.assert(
    fc.property(fc.constantFrom(...PATHS), text, text, (path, before, after) => {
      const result = classifyEdit({ path, op: 'update', before, after });
      assert.ok(Array.isArray(result.kinds));
    }),
    { numRuns: 400, seed: 20261127 },
  );
});
