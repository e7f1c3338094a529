import { headerValue } from '../core/http-executor';
import {
  kindFromStatus,
  parseRetryAfter,
  ProviderError,
  refusedParam,
  type HeadersLike,
  type ProviderErrorKind,
} from '../core/provider-error';
import type { AnthropicErrorBody, AnthropicErrorObject } from './anthropic.wire';

/** A request the provider cannot honour: refused before any network call, naming the field. */
export function invalidParam(param: string, message: string): ProviderError {
  return refusedParam(param, message, 'invalid_request_error');
}

/** `error.type` → kind, for errors inside a 200 (a stream's `event: error`) and to refine a status. */
const KIND_BY_TYPE: Record<string, ProviderErrorKind> = {
  invalid_request_error: 'invalid_request',
  authentication_error: 'auth',
  permission_error: 'auth',
  billing_error: 'insufficient_credit',
  not_found_error: 'not_found',
  request_too_large: 'context_length',
  rate_limit_error: 'rate_limit',
  api_error: 'upstream',
  timeout_error: 'timeout',
  overloaded_error: 'overloaded',
};

const CONTEXT_LENGTH_MESSAGE =
  /prompt is too long|context (window|length)|exceeds? the (model's )?(maximum )?context|too many (input )?tokens/i;

/**
 * Classifies an Anthropic error (`{type:"error", error:{type, message}}`, providers.md §7.4): 400
 * invalid_request (context_length for "prompt is too long"), 401/403 auth, 402 billing_error →
 * insufficient_credit, 404 not_found, 413 request_too_large → context_length, 429 rate_limit (with
 * `retry-after`), 500 upstream, 504 timeout, 529 overloaded. A 200 (an `event: error` in a stream) is
 * classified by `error.type`.
 */
export function parseAnthropicError(status: number, body: unknown, headers: HeadersLike): ProviderError {
  const err = errorObjectOf(body);
  const type = err?.type;
  const message =
    err?.message ??
    (typeof body === 'string' && body.length > 0 ? body.slice(0, 500) : `Anthropic answered HTTP ${status}`);
  const inBand = status >= 200 && status < 300;
  let kind: ProviderErrorKind;
  if (inBand) kind = KIND_BY_TYPE[type ?? ''] ?? 'upstream';
  else if (status === 402 || type === 'billing_error') kind = 'insufficient_credit';
  else kind = kindFromStatus(status);
  if (kind === 'invalid_request' && CONTEXT_LENGTH_MESSAGE.test(message)) kind = 'context_length';
  const retryAfterMs =
    kind === 'rate_limit' || kind === 'overloaded'
      ? parseRetryAfter(headerValue(headers, 'retry-after'))
      : undefined;
  return new ProviderError({
    kind,
    message,
    upstreamStatus: status,
    upstreamCode: type,
    retryAfterMs,
    raw: body,
  });
}

/** Accepts the error body or its JSON text. */
function errorObjectOf(body: unknown): AnthropicErrorObject | undefined {
  let b = body;
  if (typeof b === 'string') {
    try {
      b = JSON.parse(b);
    } catch {
      return undefined;
    }
  }
  if (!b || typeof b !== 'object') return undefined;
  const e = (b as AnthropicErrorBody).error;
  return e && typeof e === 'object' ? e : undefined;
}
