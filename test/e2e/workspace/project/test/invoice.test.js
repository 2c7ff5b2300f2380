const { test } = require('node:test');
const assert = require('node:assert/strict');
const { total } = require('../invoice.js');

test('sums line amounts', () => {
  assert.equal(total([{ qty: 2, unitPrice: 5 }, { qty: 1, unitPrice: 2.5 }]), 12.5);
});

test('applies the discount before tax', () => {
  assert.equal(total([{ qty: 1, unitPrice: 100 }], { discountPct: 10, taxPct: 20 }), 108);
});

test('rounds half-cents up', () => {
  assert.equal(total([{ qty: 1, unitPrice: 1.005 }]), 1.01);
});
