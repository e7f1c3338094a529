import { fromGooglePassthroughBody } from '../../../dialects/google/google.passthrough-body';
import type { ProviderClient } from '../../../providers/core/provider-client';
import { ProviderError } from '../../../providers/core/provider-error';
import { estimateTextPromptTokens } from '../../../providers/core/token-estimate';
import { DialectValidationError } from '../../../dialects/dialect-validation-error';
import { reserveEstimateNano } from '../../usage/pricing/reserve-estimate';
import type { GoogleChatHandler } from '../google-chat.handler';
import { modelActionOf } from '../google-chat.handler';
import type { Operation, OperationName } from '../pipeline/operation';
import { named } from '../preparation/gemini-cache-access';
import type { GeminiCacheRegistry } from '../preparation/gemini-cache-registry';
import { requireOwnCache } from './cache-owner-check';

/** The Google model actions that only a Gemini-wire deployment serves, by operation. */
export const GOOGLE_PASSTHROUGH_ACTIONS: Partial<Record<OperationName, readonly string[]>> = {
  countTokens: ['countTokens'],
  'google.embeddings': ['embedContent', 'batchEmbedContents'],
};

/**
 * A Google model action forwarded as is to a deployment that speaks Gemini's wire format (countTokens,
 * embedContent, batchEmbedContents); any other deployment cannot serve it. The body is reserved as a
 * prompt; a cache it names must be the caller's.
 */
export function googlePassthroughOperation(
  name: 'countTokens' | 'google.embeddings',
  google: GoogleChatHandler,
  client: ProviderClient,
  caches: GeminiCacheRegistry,
): Operation<{ cachedContent?: string }> {
  const actions = GOOGLE_PASSTHROUGH_ACTIONS[name] ?? [];
  return {
    name,
    wire: 'gemini',
    parse(body, params) {
      const { model, action } = modelActionOf(params);
      if (!actions.includes(action))
        throw new DialectValidationError(`unsupported action ':${action}'`, 'action');
      const p = fromGooglePassthroughBody(body, action);
      return {
        publicModel: model,
        stream: false,
        body: p.body,
        request: p.cachedContent !== undefined ? { cachedContent: p.cachedContent } : {},
        endpoint: action,
        promptTokens: estimateTextPromptTokens(p.text),
        clientWantsStreamUsage: false,
        streamFormat: 'sse',
      };
    },
    reserveNano: (parsed, rates) => reserveEstimateNano(parsed.promptTokens, 1, rates, false),
    authorize: (identity, parsed) =>
      requireOwnCache(caches, identity, named(parsed.request.cachedContent, 'cachedContent')),
    async attempt({ adapter, parsed, ctx, rctx, meter, signal, info }) {
      const codec = adapter.passthrough;
      if (codec?.wire !== 'gemini')
        throw new ProviderError({
          kind: 'unsupported',
          param: 'model',
          message: `'${parsed.endpoint}' is served only by gemini deployments; model '${rctx.publicModel}' is on ${info.target.provider}`,
        });
      const result = await client.passthrough(codec, parsed.endpoint, parsed.body, ctx, false, signal);
      meter.usage(codec.usageFromResponse(parsed.endpoint, result.body));
      return { kind: 'json', body: google.passthroughJson(result.body, rctx) };
    },
  };
}
