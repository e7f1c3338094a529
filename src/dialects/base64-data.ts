import { failQuoted, type FailAt } from './dialect-validation-error';

/**
 * Which base64 a provider decodes: OpenAI and Anthropic the standard alphabet (`+/`); Google's
 * proto3 JSON `bytes` fields (`inlineData.data`) also the URL-safe one (`-_`). Padding is optional
 * in both.
 */
export type Base64Kind = 'standard' | 'standard-or-url';

const ALPHABET: Record<Base64Kind, RegExp> = {
  standard: /^[A-Za-z0-9+/]*={0,2}$/,
  'standard-or-url': /^[A-Za-z0-9+/_-]*={0,2}$/,
};

/**
 * True when `text` is non-empty base64 of `kind`: its alphabet, `=` only as up to two closing
 * characters that pad to a multiple of four, and no length base64 cannot have (4k + 1 symbols).
 * One pass over the characters, nothing decoded: cheap on a many-megabyte image.
 */
export function isBase64(text: string, kind: Base64Kind = 'standard'): boolean {
  if (text.length === 0 || !ALPHABET[kind].test(text)) return false;
  const padded = text.endsWith('=');
  if (padded) return text.length % 4 === 0;
  return text.length % 4 !== 1;
}

/** Refuses `text` (naming `path`) unless it is base64 of `kind`. */
export function requireBase64(
  text: string,
  path: string,
  kind: Base64Kind = 'standard',
  fail: FailAt = failQuoted,
): string {
  if (!isBase64(text, kind)) fail(path, 'must be valid base64 data');
  return text;
}

/**
 * Refuses a `data:` URI (naming `path`) whose payload is declared base64 (`;base64,`) but is not,
 * or that has no `,` before its data. Any other string (an https URL, a file id) passes untouched.
 */
export function requireValidDataUri(url: string, path: string, fail: FailAt = failQuoted): string {
  if (!/^data:/i.test(url)) return url;
  const comma = url.indexOf(',');
  if (comma === -1) fail(path, 'must be a data: URI of the form data:<mime>;base64,<data>');
  if (/;base64$/i.test(url.slice(0, comma)) && !isBase64(url.slice(comma + 1)))
    fail(path, 'has invalid base64 data after "base64,"');
  return url;
}

/**
 * Base64 that `isBase64(text, 'standard-or-url')` accepted → the standard, padded spelling other
 * providers decode. Returns `text` itself (no copy) when it already is.
 */
export function toStandardBase64(text: string): string {
  const standard = /[-_]/.test(text) ? text.replace(/-/g, '+').replace(/_/g, '/') : text;
  const missing = (4 - (standard.length % 4)) % 4;
  return missing ? standard + '='.repeat(missing) : standard;
}
