/** Display helpers. Money stays the API's decimal string: compared digit by digit, never parsed to a float. */

/** A time in the viewer's zone (the UTC form goes in the title). */
export function localTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

export function utcTime(iso: string): string {
  return new Date(iso)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
}

/** Orders two non-negative decimal strings ("12.5" vs "3.75") exactly. */
export function compareDecimal(a: string, b: string): number {
  const [ai = '', af = ''] = a.split('.');
  const [bi = '', bf = ''] = b.split('.');
  const aInt = ai.replace(/^0+/, '');
  const bInt = bi.replace(/^0+/, '');
  if (aInt.length !== bInt.length) return aInt.length - bInt.length;
  if (aInt !== bInt) return aInt < bInt ? -1 : 1;
  const width = Math.max(af.length, bf.length);
  const aF = af.padEnd(width, '0');
  const bF = bf.padEnd(width, '0');
  return aF === bF ? 0 : aF < bF ? -1 : 1;
}

/** The rows with the largest `cost_usd` first. */
export function byCostDesc<T extends { cost_usd: string }>(rows: T[]): T[] {
  return [...rows].sort((x, y) => compareDecimal(y.cost_usd, x.cost_usd));
}

export function percent(part: number, whole: number): string {
  return whole === 0 ? '0%' : `${((part / whole) * 100).toFixed(2)}%`;
}

export function count(n: number): string {
  return n.toLocaleString();
}

/** A YYYY-MM-DD date `days` before today (UTC). */
export function daysAgo(days: number): string {
  return new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
}

/** The ISO text of a `datetime-local` input's value (viewer's zone), or undefined when empty. */
export function fromLocalInput(value: string): string | undefined {
  return value ? new Date(value).toISOString() : undefined;
}

/** A `datetime-local` input's value for an ISO time. */
export function toLocalInput(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Comma- or newline-separated text as a list (empty entries dropped). */
export function listOf(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** What the API takes as money: a non-negative decimal, at most 10 digits each side of the point (an input's `pattern`). */
export const MONEY_PATTERN = '\\d{1,10}(\\.\\d{1,10})?';
