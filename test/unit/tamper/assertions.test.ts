import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decomposeAssertion } from '../../../src/tamper/assertions';
import type { Language } from '../../../src/tamper/test-model';

// [language, statement, strength, tolerance?]: exact checks 3, partial 2, truthiness 1, constant 0.
const CASES: [Language, string, number, number?][] = [
  ['python', 'assert add(1, 2) == 3', 3],
  ['python', 'assert add(1, 2)', 1],
  ['python', 'assert True', 0],
  ['python', 'assert "x" in out', 2],
  ['python', 'assert v == pytest.approx(2.0, rel=1e-3)', 2, 1e-3],
  ['python', 'self.assertAlmostEqual(a, b, places=2)', 2, 0.01],
  ['python', 'self.assertIsNotNone(user)', 1],
  ['python', 'with pytest.raises(ValueError):', 2],
  ['javascript', 'expect(x).toEqual({ a: 1 })', 3],
  ['javascript', 'expect(x).not.toBe(3)', 1],
  ['javascript', 'expect(x).toBeTruthy()', 1],
  ['javascript', 'expect(true).toBe(true)', 0],
  ['javascript', 'expect(x).to.be.ok', 1],
  ['javascript', 'assert.strictEqual(a, 1)', 3],
  ['javascript', 'expect(v).toBeCloseTo(1.5, 2)', 2, 0.005],
  ['go', 'assert.Equal(t, 3, got)', 3],
  ['go', 'require.NoError(t, err)', 2],
  ['go', 'assert.InDelta(t, 1.0, got, 0.5)', 2, 0.5],
  ['rust', 'assert_eq!(v.len(), 2)', 3],
  ['rust', 'assert!(r.is_ok())', 1],
  ['rust', 'assert!(true)', 0],
  ['rust', '#[should_panic(expected = "boom")]', 2],
  ['java', 'assertEquals(2, list.size())', 3],
  ['java', 'assertEquals(1.0, v, 0.25)', 2, 0.25],
  ['java', 'assertThat(name).isEqualTo("ann")', 3],
  ['java', 'assertThat(name).isNotNull()', 1],
  ['csharp', 'Assert.AreEqual(3, n)', 3],
  ['csharp', 'Assert.That(n, Is.EqualTo(3))', 3],
  ['csharp', 'n.Should().Be(3)', 3],
  ['csharp', 'Assert.True(true)', 0],
  ['ruby', 'expect(total).to eq(3)', 3],
  ['ruby', 'expect(total).to eq 3', 3],
  ['ruby', 'expect(user).to be_truthy', 1],
  ['ruby', 'expect(d).to be_within(0.1).of(3.5)', 2, 0.1],
  ['ruby', 'assert_equal 3, cart.total', 3],
  ['ruby', 'assert_in_delta 3.5, d, 0.2', 2, 0.2],
];

test('assertions in every language reduce to a strength (and tolerance)', () => {
  for (const [language, statement, strength, tolerance] of CASES) {
    const shape = decomposeAssertion(statement, language);
    assert.ok(shape, `${language}: not read as an assertion: ${statement}`);
    assert.equal(shape.strength, strength, `${language}: ${statement} → ${JSON.stringify(shape)}`);
    if (tolerance !== undefined)
      assert.ok(Math.abs((shape.tolerance ?? NaN) - tolerance) < 1e-12, `${statement}: tolerance ${shape.tolerance}`);
  }
});

test('ordinary statements are not assertions', () => {
  for (const [language, statement] of [
    ['python', 'result = add(1, 2)'],
    ['javascript', 'const users = await listUsers()'],
    ['go', 'got := Make("x")'],
    ['java', 'Order o = service.refund(order(3), 1);'],
    ['ruby', 'cart.checkout!'],
  ] as [Language, string][]) {
    assert.equal(decomposeAssertion(statement, language), null, statement);
  }
});
