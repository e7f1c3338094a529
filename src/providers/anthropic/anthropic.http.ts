import { joinUrl, type HttpRequestSpec, type ProviderContext } from '../core/adapter';

/** What `@anthropic-ai/sdk` uses when no base URL is given (contract §9.1). */
export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com';

/** The API version translated calls send (contract §9.13); passthrough forwards the client's. */
export const ANTHROPIC_VERSION = '2023-06-01';

/** The client headers a passthrough call forwards to Anthropic (lower-case names). */
export const ANTHROPIC_FORWARDED_HEADERS = ['anthropic-version', 'anthropic-beta'] as const;

/** `{base}/v1/messages` (or `/v1/messages/count_tokens`); a base URL ending in `/v1` is accepted too. */
export function anthropicUrl(ctx: ProviderContext, path: '/messages' | '/messages/count_tokens'): string {
  const base = (ctx.deployment.baseUrl ?? ANTHROPIC_DEFAULT_BASE_URL)
    .replace(/\/+$/, '')
    .replace(/\/v1$/, '');
  return joinUrl(base, `/v1${path}`);
}

/**
 * `x-api-key`, `anthropic-version` and the content type; `forwarded` (passthrough) may set
 * `anthropic-version` and `anthropic-beta`, nothing else. The key stays in memory.
 */
export function anthropicHeaders(
  ctx: ProviderContext,
  forwarded?: Record<string, string>,
): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'anthropic-version': ANTHROPIC_VERSION,
  };
  if (forwarded) {
    for (const name of ANTHROPIC_FORWARDED_HEADERS) {
      const value = headerOf(forwarded, name);
      if (value) headers[name] = value;
    }
  }
  if (ctx.deployment.apiKey) headers['x-api-key'] = ctx.deployment.apiKey;
  return headers;
}

function headerOf(headers: Record<string, string>, name: string): string | undefined {
  if (headers[name] !== undefined) return headers[name];
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return v;
  return undefined;
}

export function anthropicPost(
  ctx: ProviderContext,
  path: '/messages' | '/messages/count_tokens',
  body: unknown,
  forwarded?: Record<string, string>,
): HttpRequestSpec {
  return {
    method: 'POST',
    url: anthropicUrl(ctx, path),
    headers: anthropicHeaders(ctx, forwarded),
    body: JSON.stringify(body),
  };
}
