import { GatewayError } from '../../../common/errors/gateway-error';
import { refuseNulText } from '../../../common/validation/nul-text';
import { checkShape } from '../../../dialects/google/google.passthrough-body';
import type { ProviderClient } from '../../../providers/core/provider-client';
import { ProviderError } from '../../../providers/core/provider-error';
import { estimateTextTokens } from '../../../providers/core/token-estimate';
import { getAdapter } from '../../../providers/provider-registry';
import { toNanoUsd } from '../../usage/pricing/cost';
import { effectivePricing } from '../../usage/pricing/price-table';
import { cacheHolders, requireObject, withExpiry, withModel } from '../google-caches.wire';
import type { Operation } from '../pipeline/operation';
import { cacheCost } from '../preparation/gemini-cache-metering';
import type { GeminiCacheRegistry } from '../preparation/gemini-cache-registry';
import { API_CACHE_PREFIX } from '../preparation/gemini-cache-registry';
import { creationLifetime, type CacheLifetime } from '../preparation/gemini-cache-ttl';
import { withoutCredential } from '../../../providers/core/redact-secrets';

interface CacheCreation {
  lifetime: CacheLifetime;
  /** Tokens the body holds, estimated (the answer's count replaces it). */
  tokens: number;
}

/**
 * Google `POST /v1beta/cachedContents`: a context cache created on a deployment of `models/{model}`
 * that can hold one, routed like any call, admitted with a reservation of its write plus its storage
 * for the TTL, metered the same (`endpoint` = `cache_create`), and owned by the calling key.
 */
export function cacheCreateOperation(
  client: ProviderClient,
  registry: GeminiCacheRegistry,
): Operation<CacheCreation> {
  return {
    name: 'cachedContents.create',
    wire: 'gemini',
    parse(raw) {
      const body = requireObject(raw);
      checkShape(body, 'cachedContents');
      refuseNulText(body.displayName, 'displayName');
      if (typeof body.model !== 'string' || body.model.length === 0)
        throw new GatewayError('invalid_request', "'model' is required (models/{model})", { param: 'model' });
      // The whole body, as Gemini reads it (`system_instruction` as well as `systemInstruction`).
      const tokens = estimateTextTokens(JSON.stringify(body));
      return {
        publicModel: body.model.replace(/^models\//, ''),
        stream: false,
        body,
        request: { lifetime: creationLifetime(body), tokens },
        endpoint: 'cache_create',
        promptTokens: tokens,
        clientWantsStreamUsage: false,
        streamFormat: 'sse',
      };
    },
    onResolved: (resolved) => cacheHolders(resolved),
    reserveNano({ request }, _rates, resolved) {
      const upstream = resolved.model.deployments[0]?.upstreamModel;
      const pricing = effectivePricing(resolved.model.pricing, upstream, resolved.model.name);
      return toNanoUsd(
        cacheCost({ tokens: request.tokens, seconds: request.lifetime.seconds, write: true }, pricing),
      );
    },
    async attempt({ adapter, parsed, ctx, meter, signal }) {
      const codec = adapter.contextCache;
      if (!codec)
        throw new ProviderError({
          kind: 'unsupported',
          param: 'model',
          message: `${adapter.id} holds no context caches`,
        });
      const res = await client.sendRaw(codec.buildCreate(parsed.body, ctx), ctx, signal);
      if (res.status >= 400)
        throw withoutCredential(codec.parseError(res.status, res.body, res.headers), ctx);
      const tokens = codec.parseCreated(res.body).tokens ?? parsed.request.tokens;
      meter.usage({ promptTokens: tokens, completionTokens: 0, cacheWriteTokens: tokens });
      meter.storage({ tokens, seconds: parsed.request.lifetime.seconds });
      return { kind: 'json', body: res.body };
    },
    async completed({ parsed, resolved, identity, info }, body) {
      const created = getAdapter(info.target.provider)!.contextCache!.parseCreated(body);
      const { lifetime, tokens } = parsed.request;
      const model = `models/${resolved.requestedName}`;
      await registry.save({
        deploymentId: info.deployment.id,
        contentHash: `${API_CACHE_PREFIX}${created.name}`,
        upstreamName: created.name,
        expiresAt: lifetime.expiresAt,
        keyId: identity.keyId ?? null,
        teamId: identity.teamId ?? null,
        model,
        displayName: typeof parsed.body.displayName === 'string' ? parsed.body.displayName : null,
        tokens: created.tokens ?? tokens,
      });
      return withExpiry(withModel(body, model), lifetime.expiresAt);
    },
  };
}
