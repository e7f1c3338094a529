import type { PassthroughCodec, ProviderContext } from '../core/adapter';
import type { Usage } from '../core/canonical';
import { ProviderError } from '../core/provider-error';
import { parseGeminiError } from './gemini.errors';
import { geminiModelResource, geminiPost } from './gemini.http';
import { fromGeminiUsage } from './gemini.parts';
import type { GeminiGenerateContentResponse, GeminiUsageMetadata } from './gemini.wire';

export const GEMINI_PASSTHROUGH_OPERATIONS = [
  'generateContent',
  'streamGenerateContent',
  'countTokens',
  'embedContent',
  'batchEmbedContents',
] as const;
const OPERATIONS = new Set<string>(GEMINI_PASSTHROUGH_OPERATIONS);

/**
 * Google-dialect requests to a Gemini deployment: the body goes unchanged (unknown fields kept) to
 * `{base}/v1beta/models/{upstream}:{operation}` (`?alt=sse` for a streamed streamGenerateContent);
 * only the model names inside the body (batch requests, countTokens' generateContentRequest) are
 * replaced, because Gemini refuses a body whose model differs from the URL's.
 */
export const geminiPassthroughCodec: PassthroughCodec = {
  wire: 'gemini',
  buildRequest(operation, body, ctx, stream) {
    if (!OPERATIONS.has(operation)) {
      throw new ProviderError({
        kind: 'unsupported',
        message: `Gemini passthrough does not serve "${operation}"`,
      });
    }
    const query = operation === 'streamGenerateContent' && stream ? { alt: 'sse' } : undefined;
    return geminiPost(ctx, operation, withUpstreamModel(operation, body, ctx), query);
  },
  usageFromResponse(operation, body) {
    // countTokens is free: zero, not "unknown" (which would be estimated and billed).
    if (operation === 'countTokens') return { promptTokens: 0, completionTokens: 0 };
    if (Array.isArray(body)) return lastUsage(body);
    return usageOf(body);
  },
  usageFromStreamChunk(_operation, chunk) {
    return usageOf(chunk);
  },
  // Gemini ends a stream by closing the connection: only a finishReason (or a blocked prompt) ends an answer.
  streamComplete(_operation, chunk) {
    const c = chunk as GeminiGenerateContentResponse | undefined;
    return Boolean(c?.candidates?.some((x) => x?.finishReason) || c?.promptFeedback?.blockReason);
  },
  parseError: parseGeminiError,
};

function withUpstreamModel(
  operation: string,
  body: Record<string, unknown>,
  ctx: ProviderContext,
): Record<string, unknown> {
  const model = geminiModelResource(ctx);
  const out: Record<string, unknown> = { ...body };
  if ('model' in out) out.model = model;
  if (operation === 'batchEmbedContents' && Array.isArray(body.requests)) {
    out.requests = body.requests.map((r: unknown) =>
      r && typeof r === 'object' ? { ...(r as object), model } : r,
    );
  }
  if (
    operation === 'countTokens' &&
    body.generateContentRequest &&
    typeof body.generateContentRequest === 'object'
  ) {
    out.generateContentRequest = { ...(body.generateContentRequest as object), model };
  }
  return out;
}

function usageOf(body: unknown): Usage | undefined {
  if (!body || typeof body !== 'object') return undefined;
  return fromGeminiUsage((body as { usageMetadata?: GeminiUsageMetadata }).usageMetadata);
}

/** A non-SSE stream is a JSON array of chunks; usage is the last one that carries usageMetadata. */
function lastUsage(chunks: unknown[]): Usage | undefined {
  for (let i = chunks.length - 1; i >= 0; i--) {
    const u = usageOf(chunks[i]);
    if (u) return u;
  }
  return undefined;
}
