import { headerValue } from '../core/http-executor';
import {
  kindFromStatus,
  parseRetryAfter,
  ProviderError,
  type ProviderErrorKind,
} from '../core/provider-error';
import type { OpenAiErrorBody } from './openai.wire';

/** Classifies an OpenAI-style error body by status first, refined by the error `code`/`type`. */
export function parseOpenAiError(
  status: number,
  body: unknown,
  headers: Headers | Record<string, string | string[] | undefined>,
): ProviderError {
  const err = (body as OpenAiErrorBody | undefined)?.error;
  const code = err?.code != null ? String(err.code) : undefined;
  const type = err?.type;
  let kind: ProviderErrorKind = kindFromStatus(status);
  if (code === 'context_length_exceeded' || code === 'string_above_max_length') kind = 'context_length';
  else if (code === 'content_filter' || code === 'content_policy_violation') kind = 'content_filter';
  const retryAfterMs =
    parseRetryAfter(headerValue(headers, 'retry-after')) ?? msHeader(headerValue(headers, 'retry-after-ms'));
  const message =
    err?.message ?? (typeof body === 'string' && body ? body.slice(0, 500) : `upstream answered ${status}`);
  return new ProviderError({
    kind,
    message,
    upstreamStatus: status,
    upstreamCode: code ?? type,
    retryAfterMs,
    param: err?.param ?? undefined,
    raw: body,
  });
}

function msHeader(v: string | undefined): number | undefined {
  const n = v === undefined ? NaN : Number(v);
  return Number.isFinite(n) ? n : undefined;
}
