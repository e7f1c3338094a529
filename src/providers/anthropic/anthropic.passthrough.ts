import type { PassthroughCodec, StreamUsageAccumulator } from '../core/adapter';
import type { Usage } from '../core/canonical';
import { parseAnthropicError } from './anthropic.errors';
import { anthropicPost } from './anthropic.http';
import { fromAnthropicUsage, mergeAnthropicUsage } from './anthropic.usage';
import type { AnthropicUsage } from './anthropic.wire';

/** An operation that counts tokens (`count_tokens`, `messages.count_tokens`, `countTokens`): free. */
function isCountTokens(operation: string): boolean {
  return /count_?tokens$/i.test(operation);
}

/** The usage object an Anthropic stream event carries: message_start's message.usage, message_delta's usage. */
function wireUsageOf(chunk: unknown): AnthropicUsage | undefined {
  if (!chunk || typeof chunk !== 'object') return undefined;
  const c = chunk as { type?: string; usage?: AnthropicUsage; message?: { usage?: AnthropicUsage } };
  const u = c.type === 'message_start' ? c.message?.usage : c.type === 'message_delta' ? c.usage : undefined;
  return u && typeof u === 'object' ? u : undefined;
}

/**
 * Anthropic-dialect requests to an Anthropic deployment: the body goes unchanged (unknown fields
 * kept) to `{base}/v1/messages` (`/v1/messages/count_tokens` for a count_tokens operation) with the
 * deployment's model and key; the client's `anthropic-version` and `anthropic-beta` are forwarded
 * (contract §9.13), nothing else of its headers. Usage is read from the answer, and from a stream
 * through `streamUsage` (message_start's input and cache counts merged with message_delta's
 * cumulative counts).
 */
export const anthropicPassthroughCodec: PassthroughCodec = {
  wire: 'anthropic',
  buildRequest(operation, body, ctx, _stream, clientHeaders) {
    const path = isCountTokens(operation) ? '/messages/count_tokens' : '/messages';
    return anthropicPost(ctx, path, { ...body, model: ctx.deployment.upstreamModel }, clientHeaders);
  },
  usageFromResponse(operation, body) {
    // count_tokens is free: zero, not "unknown" (which would be estimated and billed).
    if (isCountTokens(operation)) return { promptTokens: 0, completionTokens: 0 };
    if (!body || typeof body !== 'object') return undefined;
    return fromAnthropicUsage((body as { usage?: AnthropicUsage }).usage);
  },
  usageFromStreamChunk(_operation, chunk): Usage | undefined {
    const u = wireUsageOf(chunk);
    return u ? fromAnthropicUsage(u) : undefined;
  },
  streamUsage(): StreamUsageAccumulator {
    let acc: AnthropicUsage | undefined;
    return {
      add(chunk) {
        const u = wireUsageOf(chunk);
        if (!u) return undefined;
        acc = mergeAnthropicUsage(acc, u);
        return fromAnthropicUsage(acc);
      },
    };
  },
  parseError: parseAnthropicError,
};
