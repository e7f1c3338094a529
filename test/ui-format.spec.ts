import { byCostDesc, compareDecimal, percent } from '../ui/src/format';

describe('console money formatting (ui/src/format.ts)', () => {
  it('orders decimal strings exactly, without floats', () => {
    expect(compareDecimal('12.5', '3.75')).toBeGreaterThan(0);
    expect(compareDecimal('0.1', '0.10')).toBe(0);
    expect(compareDecimal('007', '7.0')).toBe(0);
    expect(compareDecimal('0.0000000001', '0')).toBeGreaterThan(0);
    // Past a double's precision: 2^53 + 1 vs 2^53.
    expect(compareDecimal('9007199254740993', '9007199254740992')).toBeGreaterThan(0);
    expect(compareDecimal('0.30000000000000001', '0.3')).toBeGreaterThan(0);
  });

  it('sorts rows by cost, largest first, keeping the strings as they came', () => {
    const rows = [{ cost_usd: '0.9' }, { cost_usd: '10' }, { cost_usd: '0.00222' }, { cost_usd: '9.99' }];
    expect(byCostDesc(rows).map((r) => r.cost_usd)).toEqual(['10', '9.99', '0.9', '0.00222']);
  });

  it('gives an error rate of 0% for no requests', () => {
    expect(percent(0, 0)).toBe('0%');
    expect(percent(29, 3001)).toBe('0.97%');
  });
});
