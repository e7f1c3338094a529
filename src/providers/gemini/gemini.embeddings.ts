import type { EmbeddingsCodec, ProviderContext } from '../core/adapter';
import type { EmbeddingsRequest, EmbeddingsResponse, Usage } from '../core/canonical';
import { ProviderError } from '../core/provider-error';
import { estimateTextTokens } from '../core/token-estimate';
import { invalidParam, parseGeminiError } from './gemini.errors';
import { geminiModelResource, geminiPost } from './gemini.http';
import { fromGeminiUsage } from './gemini.parts';
import type { GeminiBatchEmbedRequest, GeminiBatchEmbedResponse } from './gemini.wire';

/**
 * The Gemini API reports no usage for embeddings, so the estimate of each request's input is kept
 * from `buildRequest` to `parseResponse` (keyed by the request's context object, no I/O).
 */
const estimates = new WeakMap<ProviderContext, number>();

/** OpenAI-style embeddings → `:batchEmbedContents` (the call the JS SDK makes for every embed). */
export function toGeminiBatchEmbedRequest(req: EmbeddingsRequest, model: string): GeminiBatchEmbedRequest {
  if (req.input.length === 0) throw invalidParam('input', 'at least one input is required');
  return {
    requests: req.input.map((item, i) => {
      if (typeof item !== 'string')
        throw invalidParam(`input[${i}]`, 'Gemini embeds text only, not token arrays');
      const r: GeminiBatchEmbedRequest['requests'][number] = { model, content: { parts: [{ text: item }] } };
      if (req.taskType) r.taskType = req.taskType;
      if (req.dimensions !== undefined) r.outputDimensionality = req.dimensions;
      return r;
    }),
  };
}

export function fromGeminiBatchEmbedResponse(
  body: unknown,
  estimatedPromptTokens: number | undefined,
): EmbeddingsResponse {
  const res = body as GeminiBatchEmbedResponse | undefined;
  if (!res || !Array.isArray(res.embeddings)) {
    throw new ProviderError({
      kind: 'upstream',
      message: 'Gemini answered batchEmbedContents without embeddings',
      raw: body,
    });
  }
  const out: EmbeddingsResponse = { embeddings: res.embeddings.map((e) => e.values ?? []) };
  const reported = fromGeminiUsage(res.usageMetadata);
  const usage: Usage | undefined =
    reported ??
    (estimatedPromptTokens !== undefined
      ? { promptTokens: estimatedPromptTokens, completionTokens: 0, estimated: true }
      : undefined);
  if (usage) out.usage = usage;
  return out;
}

export const geminiEmbeddingsCodec: EmbeddingsCodec = {
  buildRequest(req, ctx) {
    const body = toGeminiBatchEmbedRequest(req, geminiModelResource(ctx));
    estimates.set(
      ctx,
      req.input.reduce((n, item) => n + (typeof item === 'string' ? estimateTextTokens(item) : 0), 0),
    );
    return geminiPost(ctx, 'batchEmbedContents', body);
  },
  parseResponse: (body, ctx) => fromGeminiBatchEmbedResponse(body, estimates.get(ctx)),
  parseError: parseGeminiError,
};
