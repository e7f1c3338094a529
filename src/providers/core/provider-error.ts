/** The router decides retries and fallbacks from `kind`, never from message text. */
export type ProviderErrorKind =
  | 'auth'
  | 'invalid_request'
  | 'not_found'
  | 'context_length'
  | 'content_filter'
  | 'rate_limit'
  | 'overloaded'
  | 'timeout'
  | 'upstream'
  | 'connection'
  | 'unsupported'
  /** The deployment's provider account is out of credit: others may serve; it is not broken. */
  | 'insufficient_credit';

const RETRYABLE: ReadonlySet<ProviderErrorKind> = new Set([
  'rate_limit',
  'overloaded',
  'timeout',
  'upstream',
  'connection',
]);

export interface ProviderErrorInit {
  kind: ProviderErrorKind;
  message: string;
  /** HTTP status the upstream answered with (0 for transport failures). */
  upstreamStatus?: number;
  /** Upstream's own error code/type, kept for the message. */
  upstreamCode?: string;
  retryAfterMs?: number;
  /** Which request field caused it, when known. */
  param?: string;
  /** Raw upstream body (for `enforce_validation` and debugging; never contains our secrets). */
  raw?: unknown;
}

export class ProviderError extends Error {
  readonly kind: ProviderErrorKind;
  readonly upstreamStatus: number;
  readonly upstreamCode?: string;
  readonly retryAfterMs?: number;
  readonly param?: string;
  readonly raw?: unknown;

  constructor(init: ProviderErrorInit) {
    super(init.message);
    this.name = 'ProviderError';
    this.kind = init.kind;
    this.upstreamStatus = init.upstreamStatus ?? 0;
    this.upstreamCode = init.upstreamCode;
    this.retryAfterMs = init.retryAfterMs;
    this.param = init.param;
    this.raw = init.raw;
  }

  get retryable(): boolean {
    return RETRYABLE.has(this.kind);
  }
}

/** Classifies an HTTP status when the provider's body says nothing more specific. */
export function kindFromStatus(status: number): ProviderErrorKind {
  if (status === 400 || status === 422) return 'invalid_request';
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'not_found';
  if (status === 408 || status === 504) return 'timeout';
  if (status === 413) return 'context_length';
  if (status === 429) return 'rate_limit';
  if (status === 503 || status === 529) return 'overloaded';
  return 'upstream';
}

/** Parses a `retry-after` header (seconds or HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Response headers as a codec receives them (fetch `Headers` or Node's header record). */
export type HeadersLike = Headers | Record<string, string | string[] | undefined>;

/**
 * A request the provider cannot honour, refused before any network call: `invalid_request` naming the
 * field (the message starts with it); `upstreamCode` is what the provider itself would answer.
 */
export function refusedParam(param: string, message: string, upstreamCode: string): ProviderError {
  return new ProviderError({ kind: 'invalid_request', message: `${param}: ${message}`, param, upstreamCode });
}
