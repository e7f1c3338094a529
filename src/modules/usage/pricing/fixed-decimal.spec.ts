import { add, ceilUnits, fixed, mul, shift, toText, divCeil } from './fixed-decimal';

describe('fixed-decimal (exact BigInt arithmetic for prices)', () => {
  it('parses and prints plain decimals exactly', () => {
    for (const t of ['0', '12', '0.075', '2.50', '0.0000001', '-3.25'])
      expect(toText(fixed(t))).toBe(t.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, ''));
    expect(() => fixed('1e-7')).toThrow('not a plain decimal');
  });

  it('adds and multiplies without rounding where binary floats would drift', () => {
    expect(toText(add(fixed('0.1'), fixed('0.2')))).toBe('0.3');
    expect(toText(shift(mul(fixed(1000), fixed('0.15')), 6))).toBe('0.00015');
    expect(toText(add(shift(mul(fixed(3), fixed('0.075')), 6), fixed('0.000000775')))).toBe('0.000001');
  });

  it('rounds up to whole units (nano-USD for the budget counters)', () => {
    expect(ceilUnits(fixed('0.0000000011'), 9)).toBe(2n);
    expect(ceilUnits(fixed('0.000000001'), 9)).toBe(1n);
    expect(ceilUnits(fixed('5'), 9)).toBe(5_000_000_000n);
  });

  it('divides rounding up at the given places (per-hour prices of seconds)', () => {
    expect(toText(divCeil(fixed(1), 3n, 10))).toBe('0.3333333334');
    expect(toText(divCeil(fixed('7.2'), 3600n, 10))).toBe('0.002');
    expect(toText(divCeil(fixed('0.00000000001'), 1n, 10))).toBe('0.0000000001');
    expect(toText(divCeil(fixed(0), 7n, 10))).toBe('0');
  });
});
