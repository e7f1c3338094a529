/**
 * Exact decimal arithmetic on BigInt for the hot path (prices × token counts): a value is
 * `units × 10^-scale`. Adding and multiplying never round, so no sum ever passes through a binary
 * float; decimal.js stays the library for everything else (reports, admin input).
 */
export interface Fixed {
  units: bigint;
  scale: number;
}

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;
const ZERO: Fixed = { units: 0n, scale: 0 };

export function fixed(text: string | number | bigint): Fixed {
  if (typeof text === 'bigint') return { units: text, scale: 0 };
  if (typeof text === 'number') {
    if (Number.isInteger(text)) return { units: BigInt(text), scale: 0 };
    text = String(text);
  }
  const m = DECIMAL.exec(text);
  if (!m) throw new Error(`not a plain decimal: "${text}"`);
  const frac = m[3] ?? '';
  const units = BigInt(m[2] + frac);
  return { units: m[1] ? -units : units, scale: frac.length };
}

const POW10 = Array.from({ length: 40 }, (_, i) => 10n ** BigInt(i));

function pow10(n: number): bigint {
  return POW10[n] ?? 10n ** BigInt(n);
}

function align(a: Fixed, scale: number): bigint {
  return a.units * pow10(scale - a.scale);
}

export function add(a: Fixed, b: Fixed): Fixed {
  const scale = Math.max(a.scale, b.scale);
  return { units: align(a, scale) + align(b, scale), scale };
}

export function mul(a: Fixed, b: Fixed): Fixed {
  return { units: a.units * b.units, scale: a.scale + b.scale };
}

/** Exact division by a power of ten (moves the decimal point). */
export function shift(a: Fixed, digits: number): Fixed {
  return { units: a.units, scale: a.scale + digits };
}

export function sum(values: Fixed[]): Fixed {
  return values.reduce(add, ZERO);
}

export function isZero(a: Fixed): boolean {
  return a.units === 0n;
}

/** Plain decimal text, no exponent, trailing zeros trimmed ("0.00135", "12"). */
export function toText(a: Fixed): string {
  const negative = a.units < 0n;
  let digits = (negative ? -a.units : a.units).toString();
  if (a.scale > 0) {
    digits = digits.padStart(a.scale + 1, '0');
    const int = digits.slice(0, digits.length - a.scale);
    const frac = digits.slice(digits.length - a.scale).replace(/0+$/, '');
    digits = frac ? `${int}.${frac}` : int;
  }
  return negative && digits !== '0' ? `-${digits}` : digits;
}

/** Rounds up (toward +∞) to an integer number of 10^-digits units: e.g. USD → nano-USD with digits 9. */
export function ceilUnits(a: Fixed, digits: number): bigint {
  const drop = a.scale - digits;
  if (drop <= 0) return a.units * pow10(-drop);
  const d = pow10(drop);
  const q = a.units / d;
  return a.units > 0n && a.units % d !== 0n ? q + 1n : q;
}

/** a ÷ divisor, rounded up (toward +∞) to `digits` decimal places: for prices that are per hour of seconds. */
export function divCeil(a: Fixed, divisor: bigint, digits: number): Fixed {
  const up = Math.max(0, digits - a.scale);
  const down = Math.max(0, a.scale - digits);
  const n = a.units * pow10(up);
  const d = divisor * pow10(down);
  const q = n / d;
  return { units: n > 0n && n % d !== 0n ? q + 1n : q, scale: digits };
}

/** The larger of two values. */
export function max(a: Fixed, b: Fixed): Fixed {
  const scale = Math.max(a.scale, b.scale);
  return align(a, scale) >= align(b, scale) ? a : b;
}
