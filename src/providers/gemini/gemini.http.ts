import { joinUrl, type HttpRequestSpec, type ProviderContext } from '../core/adapter';
import { bareModelId } from './gemini.thinking';

/** What `@google/genai` uses when no base URL is given (contract §9.1: a forwarder's `…/gemini` works too). */
export const GEMINI_DEFAULT_BASE_URL = 'https://generativelanguage.googleapis.com';

/** `{base}/v1beta/models/{upstream}:{operation}` (tuned models keep their `tunedModels/` path). */
export function geminiModelUrl(
  ctx: ProviderContext,
  operation: string,
  query?: Record<string, string>,
): string {
  const base = (ctx.deployment.baseUrl ?? GEMINI_DEFAULT_BASE_URL)
    .replace(/\/+$/, '')
    .replace(/\/v1beta$/, '');
  const model = bareModelId(ctx.deployment.upstreamModel);
  const resource = model.startsWith('tunedModels/') ? model : `models/${model}`;
  const url = joinUrl(base, `/v1beta/${resource.split('/').map(encodeURIComponent).join('/')}:${operation}`);
  return query ? `${url}?${new URLSearchParams(query).toString()}` : url;
}

/** The SDK's auth header; the key stays in memory and never goes into the URL. */
export function geminiHeaders(ctx: ProviderContext): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (ctx.deployment.apiKey) headers['x-goog-api-key'] = ctx.deployment.apiKey;
  return headers;
}

/** `models/{upstream}`, as request bodies (batchEmbedContents, countTokens) name the model. */
export function geminiModelResource(ctx: ProviderContext): string {
  const model = bareModelId(ctx.deployment.upstreamModel);
  return model.startsWith('tunedModels/') ? model : `models/${model}`;
}

export function geminiPost(
  ctx: ProviderContext,
  operation: string,
  body: unknown,
  query?: Record<string, string>,
): HttpRequestSpec {
  return {
    method: 'POST',
    url: geminiModelUrl(ctx, operation, query),
    headers: geminiHeaders(ctx),
    body: JSON.stringify(body),
  };
}
