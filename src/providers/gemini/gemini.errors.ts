import { headerValue } from '../core/http-executor';
import {
  kindFromStatus,
  parseRetryAfter,
  ProviderError,
  refusedParam,
  type HeadersLike,
  type ProviderErrorKind,
} from '../core/provider-error';
import type { GeminiErrorBody, GeminiErrorDetail } from './gemini.wire';

/** A request the provider cannot honour: refused before any network call, naming the field. */
export function invalidParam(param: string, message: string): ProviderError {
  return refusedParam(param, message, 'INVALID_ARGUMENT');
}

/** `google.rpc.Code` names → kinds, for bodies that arrive with a 200 (stream error chunks). */
const KIND_BY_STATUS_NAME: Record<string, ProviderErrorKind> = {
  INVALID_ARGUMENT: 'invalid_request',
  FAILED_PRECONDITION: 'invalid_request',
  OUT_OF_RANGE: 'invalid_request',
  UNAUTHENTICATED: 'auth',
  PERMISSION_DENIED: 'auth',
  NOT_FOUND: 'not_found',
  RESOURCE_EXHAUSTED: 'rate_limit',
  UNAVAILABLE: 'overloaded',
  DEADLINE_EXCEEDED: 'timeout',
  INTERNAL: 'upstream',
  UNKNOWN: 'upstream',
};

const CONTEXT_LENGTH_MESSAGE =
  /input token count.*exceeds|exceeds the maximum number of tokens|context (window|length)|prompt is too long|request payload size exceeds/i;

/**
 * Classifies a Gemini error by HTTP status, refined by `error.status`, the ErrorInfo reason and the
 * message: 400 INVALID_ARGUMENT → invalid_request (context_length when the input is too long;
 * auth for reason API_KEY_INVALID), 401/403 → auth, 404 → not_found, 429 → rate_limit with the
 * delay from `retry-after` or RetryInfo, 500 → upstream, 503 → overloaded, 504 → timeout.
 */
export function parseGeminiError(status: number, body: unknown, headers: HeadersLike): ProviderError {
  const err = errorObjectOf(body);
  const statusName = err?.status;
  const details = Array.isArray(err?.details) ? err.details : [];
  const reason = details.find((d) => typeof d?.reason === 'string')?.reason;
  const message =
    err?.message ??
    (typeof body === 'string' && body.length > 0 ? body.slice(0, 500) : `Gemini answered HTTP ${status}`);

  // An error inside a 200 (a stream chunk, an array element) is classified by its own code/status.
  const inBand = status >= 200 && status < 300;
  const effective = inBand && typeof err?.code === 'number' ? err.code : status;
  let kind: ProviderErrorKind =
    inBand && effective === status
      ? (KIND_BY_STATUS_NAME[statusName ?? ''] ?? 'upstream')
      : kindFromStatus(effective);
  if (kind === 'invalid_request' && (reason === 'API_KEY_INVALID' || reason === 'API_KEY_SERVICE_BLOCKED'))
    kind = 'auth';
  else if (kind === 'invalid_request' && CONTEXT_LENGTH_MESSAGE.test(message)) kind = 'context_length';

  const retryAfterMs =
    kind === 'rate_limit' || kind === 'overloaded' ? retryDelayOf(headers, details) : undefined;
  return new ProviderError({
    kind,
    message,
    upstreamStatus: effective,
    upstreamCode: statusName ?? reason,
    retryAfterMs,
    raw: body,
  });
}

/** Accepts `{error}`, a JSON string of it, or the JSON-array form of a non-SSE stream. */
function errorObjectOf(body: unknown): GeminiErrorBody['error'] | undefined {
  let b = body;
  if (typeof b === 'string') {
    try {
      b = JSON.parse(b);
    } catch {
      return undefined;
    }
  }
  if (Array.isArray(b)) b = b.find((x) => x && typeof x === 'object' && 'error' in x);
  if (!b || typeof b !== 'object') return undefined;
  const e = (b as GeminiErrorBody).error;
  return e && typeof e === 'object' ? e : undefined;
}

function retryDelayOf(headers: HeadersLike, details: GeminiErrorDetail[]): number | undefined {
  const fromHeader = parseRetryAfter(headerValue(headers, 'retry-after'));
  if (fromHeader !== undefined) return fromHeader;
  const info = details.find((d) => String(d['@type'] ?? '').endsWith('google.rpc.RetryInfo'));
  return parseDuration(info?.retryDelay);
}

/** Protobuf JSON duration ("27s", "1.500s") → milliseconds. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^(\d+(?:\.\d+)?)s$/.exec(value.trim());
  return m ? Math.round(Number(m[1]) * 1000) : undefined;
}
