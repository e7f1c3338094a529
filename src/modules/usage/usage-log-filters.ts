import { invalidRequest } from '../../common/errors/gateway-error';

/** A `status` filter of the usage logs: the status codes from `min` to `max`, both included. */
export interface StatusRange {
  min: number;
  max: number;
}

/** The words `status` takes besides a code and a class (`4xx`); `error` counts as the summary's `errors` do. */
const STATUS_WORDS = new Map<string, StatusRange>([
  ['error', { min: 400, max: 599 }],
  ['success', { min: 100, max: 399 }],
]);

/** What `status` accepts, for the error message and the OpenAPI description. */
export const STATUS_FILTER_HELP =
  'an HTTP status code (429), a class (2xx, 3xx, 4xx, 5xx), error (>= 400, as the summary counts errors) or success (< 400)';

/** Parses `status` of `GET /admin/usage/logs`; absent or empty: every status. */
export function parseStatusFilter(v: unknown): StatusRange | undefined {
  if (v === undefined || v === '') return undefined;
  const s = typeof v === 'string' ? v.trim().toLowerCase() : '';
  if (/^[1-5]\d\d$/.test(s)) return { min: Number(s), max: Number(s) };
  const cls = /^([1-5])xx$/.exec(s);
  if (cls) return { min: Number(cls[1]) * 100, max: Number(cls[1]) * 100 + 99 };
  const word = STATUS_WORDS.get(s);
  if (word) return word;
  throw invalidRequest(`status must be ${STATUS_FILTER_HELP}`, 'status');
}

/** Parses `provider` (exact, as the records name it: `openai`, `anthropic`…); absent or empty: every provider. */
export function parseProviderFilter(v: unknown): string | undefined {
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string') throw invalidRequest('provider must be a string', 'provider');
  return v.trim() || undefined;
}
