import { GatewayError } from '../../../common/errors/gateway-error';
import {
  fromOpenAiImageEdit,
  fromOpenAiImageGeneration,
  type ParsedOpenAiImages,
} from '../../../dialects/openai/openai-images';
import type { ImageCall } from '../../../providers/core/images';
import type { ProviderClient } from '../../../providers/core/provider-client';
import { ProviderError } from '../../../providers/core/provider-error';
import { estimateTextPromptTokens } from '../../../providers/core/token-estimate';
import { getAdapter } from '../../../providers/provider-registry';
import type { ResolvedModel } from '../../routing/catalog.types';
import { perImageReserveNano, reserveEstimateNano } from '../../usage/pricing/reserve-estimate';
import type { Operation } from '../pipeline/operation';
import { withoutCredential } from '../../../providers/core/redact-secrets';

/** The two image routes of the OpenAI dialect. */
export type ImagesOperationName = 'images.generations' | 'images.edits';

/** Output tokens reserved per image: gpt-image-1 at high quality, 1536x1024 (Gemini: 1,290). */
const RESERVE_TOKENS_PER_IMAGE = 6_240;
/** Prompt tokens an input image is estimated at (reservation only; the provider's count is billed). */
const PROMPT_TOKENS_PER_INPUT_IMAGE = 1_290;

/**
 * OpenAI `POST /v1/images/generations` (JSON) and `POST /v1/images/edits` (multipart), on any
 * deployment whose provider makes images (`adapter.images`): OpenAI-wire providers get the body or
 * form passed through, Gemini image models a translated `generateContent` (see geminiImagesCodec).
 * Metered per image (`per_image`) plus the tokens the provider reports (gpt-image `usage`, Gemini
 * `usageMetadata` with image output tokens). A model without such a deployment: a 400 naming `model`.
 */
export function imagesOperation(name: ImagesOperationName, client: ProviderClient): Operation<ImageCall> {
  const read: (body: unknown) => ParsedOpenAiImages =
    name === 'images.edits' ? fromOpenAiImageEdit : fromOpenAiImageGeneration;
  return {
    name,
    wire: 'openai',
    parse(body) {
      const { publicModel, call } = read(body);
      return {
        publicModel,
        stream: false,
        body: call.fields,
        request: call,
        endpoint: name,
        promptTokens:
          estimateTextPromptTokens(call.prompt) + call.images.length * PROMPT_TOKENS_PER_INPUT_IMAGE,
        clientWantsStreamUsage: false,
        streamFormat: 'sse',
      };
    },
    reserveNano: (parsed, rates) =>
      reserveEstimateNano(parsed.promptTokens, parsed.request.n * RESERVE_TOKENS_PER_IMAGE, rates, false) +
      perImageReserveNano(parsed.request.n, rates),
    onResolved: (resolved) => imageDeploymentsOnly(resolved),
    async attempt({ adapter, parsed, ctx, meter, signal }) {
      const codec = adapter.images;
      if (!codec)
        throw new ProviderError({
          kind: 'unsupported',
          param: 'model',
          message: `model '${parsed.publicModel}' is on ${adapter.id}, which does not generate images`,
        });
      const spec = codec.buildRequest(parsed.request, ctx);
      const res = await client.sendRaw(spec, ctx, signal);
      if (res.status >= 400)
        throw withoutCredential(codec.parseError(res.status, res.body, res.headers), ctx);
      const result = codec.parseResponse(res.body, parsed.request);
      meter.usage(result.usage);
      meter.images(result.images);
      if (result.failure) throw result.failure;
      return { kind: 'json', body: result.body };
    },
  };
}

/**
 * The model with only its deployments that make images; none: a 400 naming `model`. A fallback
 * model's deployment without images is refused by the attempt.
 */
function imageDeploymentsOnly(resolved: ResolvedModel): ResolvedModel {
  const deployments = resolved.model.deployments.filter((d) => getAdapter(d.provider)?.images);
  if (deployments.length === resolved.model.deployments.length) return resolved;
  if (deployments.length === 0)
    throw new GatewayError(
      'invalid_request',
      `model '${resolved.requestedName}' does not generate images (its providers: ${[
        ...new Set(resolved.model.deployments.map((d) => d.provider)),
      ].join(', ')})`,
      { param: 'model' },
    );
  return { ...resolved, model: { ...resolved.model, deployments } };
}
