import Decimal from 'decimal.js';

/** A non-negative decimal, as a string or a JSON/YAML number; an exponent (`2.5e-6`) is allowed. */
const MONEY_TEXT = /^\d+(\.\d+)?([eE][-+]?\d+)?$/;

/**
 * A money value checked against MONEY_TEXT, as the plain decimal text prices are stored and computed
 * in (`2.5e-6` → `0.0000025`; other values keep their text, `2.50` stays `2.50`). Undefined if invalid.
 */
export function moneyText(v: unknown): string | undefined {
  const s = typeof v === 'number' ? String(v) : v;
  if (typeof s !== 'string' || !MONEY_TEXT.test(s)) return undefined;
  return /[eE]/.test(s) ? new Decimal(s).toFixed() : s;
}
