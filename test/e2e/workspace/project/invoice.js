// Totals for an invoice: line amounts, a percentage discount, then tax on the discounted sum.
function total(lines, { discountPct = 0, taxPct = 0 } = {}) {
  const subtotal = lines.reduce((sum, l) => sum + l.qty * l.unitPrice, 0);
  const discounted = subtotal * (1 - discountPct / 100);
  return Math.round(discounted * (1 + taxPct / 100) * 100) / 100;
}

module.exports = { total };
