import {
  fromOpenAiEmbeddingsRequest,
  toOpenAiEmbeddingsResponse,
} from '../../../dialects/openai/openai-embeddings.request';
import type { EmbeddingsRequest } from '../../../providers/core/canonical';
import type { ProviderClient } from '../../../providers/core/provider-client';
import { ProviderError } from '../../../providers/core/provider-error';
import { estimateTextPromptTokens } from '../../../providers/core/token-estimate';
import { reserveEstimateNano } from '../../usage/pricing/reserve-estimate';
import type { Operation } from '../pipeline/operation';

/**
 * OpenAI `POST /v1/embeddings`: passed through to OpenAI-wire deployments, through the adapter's
 * embeddings codec (Gemini `batchEmbedContents`) otherwise; a provider without one cannot serve it.
 * The input is reserved as a prompt; no output is.
 */
export function embeddingsOperation(client: ProviderClient): Operation<EmbeddingsRequest> {
  return {
    name: 'embeddings',
    wire: 'openai',
    parse(body) {
      const p = fromOpenAiEmbeddingsRequest(body);
      return {
        publicModel: p.publicModel,
        stream: false,
        body: p.body,
        request: p.request,
        endpoint: 'embeddings',
        promptTokens: estimateTextPromptTokens(p.text),
        clientWantsStreamUsage: false,
        streamFormat: 'sse',
      };
    },
    reserveNano: (parsed, rates) => reserveEstimateNano(parsed.promptTokens, 1, rates, false),
    async attempt({ adapter, parsed, ctx, rctx, meter, signal }) {
      if (adapter.passthrough?.wire === 'openai') {
        const codec = adapter.passthrough;
        const result = await client.passthrough(codec, 'embeddings', parsed.body, ctx, false, signal);
        meter.usage(codec.usageFromResponse('embeddings', result.body));
        return { kind: 'json', body: withModel(result.body, rctx.publicModel) };
      }
      if (!adapter.embeddings)
        throw new ProviderError({
          kind: 'unsupported',
          param: 'model',
          message: `model '${rctx.publicModel}' is on ${adapter.id}, which has no embeddings endpoint`,
        });
      const resp = await client.embed(adapter, parsed.request, ctx, signal);
      meter.usage(resp.usage);
      const body = toOpenAiEmbeddingsResponse(
        resp.embeddings,
        rctx.publicModel,
        resp.usage,
        parsed.request.encodingFormat,
      );
      return { kind: 'json', body };
    },
  };
}

function withModel(body: unknown, publicModel: string): unknown {
  if (body && typeof body === 'object' && 'model' in body)
    (body as Record<string, unknown>).model = publicModel;
  return body;
}
