import { GatewayError } from '../errors/gateway-error';

/**
 * Postgres `text` and `jsonb` cannot hold U+0000: a value bound for a column must not carry one.
 * The path of the first string or key that holds one (`metadata.a`, `content[2]`), if any; bytes
 * (Buffers of uploaded files) are not text and are skipped.
 */
export function nulPath(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return undefined;
  const entries = Array.isArray(value) ? value.map((v, i) => [`[${i}]`, v] as const) : Object.entries(value);
  for (const [k, v] of entries) {
    const at = Array.isArray(value) ? `${path}${k}` : path ? `${path}.${k}` : k;
    if (!Array.isArray(value) && k.includes('\u0000')) return at;
    const found = nulPath(v, at);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** A 400 naming the first field (under `root`) whose text holds U+0000, which no column can store. */
export function refuseNulText(value: unknown, root = ''): void {
  const at = nulPath(value, root);
  if (at !== undefined)
    throw new GatewayError('invalid_request', `'${at || 'body'}' contains a NUL character (U+0000)`, {
      param: at || 'body',
    });
}

/** `value` with U+0000 in every string and key replaced by U+FFFD: a copy a `jsonb` column can hold. */
export function withoutNul<T>(value: T): T {
  if (nulPath(value, '') === undefined) return value;
  return JSON.parse(JSON.stringify(value).replace(/\\u0000/g, '\\ufffd')) as T;
}
