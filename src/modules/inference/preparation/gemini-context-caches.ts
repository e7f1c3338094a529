import { Inject, Injectable } from '@nestjs/common';
import { GatewayError } from '../../../common/errors/gateway-error';
import { LOGGER } from '../../../common/logging/logger.module';
import type { Logger } from '../../../common/logging/logger';
import type { ProviderContext } from '../../../providers/core/adapter';
import type { ChatRequest } from '../../../providers/core/canonical';
import { ProviderClient } from '../../../providers/core/provider-client';
import { ProviderError } from '../../../providers/core/provider-error';
import { estimateTextTokens } from '../../../providers/core/token-estimate';
import {
  cachedContentTokens,
  fromCachedContentResponse,
  planGeminiContextCache,
  withCachedContent,
  type GeminiCachePlan,
} from '../../../providers/gemini/gemini.context-cache';
import type { Identity } from '../../auth/identity';
import type { ResolvedModel } from '../../routing/catalog.types';
import { cacheModel } from '../google-caches.wire';
import { GeminiCacheChanges, type CacheChange } from './gemini-cache-changes';
import { GeminiCacheMetering, type CacheCall, type CacheModel } from './gemini-cache-metering';
import { GeminiCacheRegistry, ownedContentKey } from './gemini-cache-registry';
import { creationLifetime } from './gemini-cache-ttl';
import type { CancelSignal } from '../../../providers/core/cancel';

/** A cache this close to its expiry is not reused (the request itself takes time). */
const EXPIRY_MARGIN_MS = 10_000;
/** Content Gemini refused to cache (too small, unsupported) is sent normally for this long without asking again. */
const REFUSAL_MEMORY_MS = 5 * 60_000;
const MAX_ENTRIES = 10_000;

/** Who asks for the cache: it is theirs alone, billed to them under the public model serving. */
interface CacheCaller {
  identity: Identity;
  model: CacheModel;
}

interface Entry {
  name?: string;
  /** For a refusal: when to ask again. */
  expiresAt: number;
}

/**
 * Explicit context caching (seed 001 "Context Caching", `cache_control` + `ttl`) for Gemini
 * deployments: the pure planner picks the cached block and names it by content hash; a live cache
 * of that hash on that deployment made for the same key is reused — from memory, else from the
 * `gemini_cached_contents` table (so replicas share it) — else created upstream
 * (`POST /v1beta/cachedContents`), admitted and metered like an explicit creation
 * (GeminiCacheMetering), and stored with its owner. A key never gets another key's cache.
 * The request then goes with `cachedContent` and without the cached turns. When Gemini refuses to
 * cache (below its minimum token count, …), the creation fails or the limits refuse it (budget,
 * rate), the content is sent normally. A cache deleted or re-timed through the cachedContents API
 * is dropped or re-timed here too, on every replica (GeminiCacheChanges).
 */
@Injectable()
export class GeminiContextCaches {
  private readonly memory = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<string | undefined>>();

  constructor(
    private readonly client: ProviderClient,
    private readonly registry: GeminiCacheRegistry,
    private readonly metering: GeminiCacheMetering,
    @Inject(LOGGER) private readonly logger: Logger,
    changes: GeminiCacheChanges,
  ) {
    changes.onChange((change) => this.changed(change));
  }

  /** A cache deleted or given a new expiry through the API (on any replica) is dropped or re-timed. */
  private changed(change: CacheChange): void {
    const { gone, expiresAt } = change;
    if (!gone && expiresAt === undefined) return;
    for (const [key, entry] of this.memory) {
      if (entry.name !== change.name) continue;
      if (gone || expiresAt === undefined) this.memory.delete(key);
      else entry.expiresAt = expiresAt;
    }
  }

  /**
   * `req` with its marked block cached for `identity` (who owns and pays for it, under the public
   * model `serving`); as it is when nothing is marked (nothing allocated then).
   */
  async apply(
    req: ChatRequest,
    ctx: ProviderContext,
    identity: Identity,
    serving: ResolvedModel,
    signal?: CancelSignal,
  ): Promise<ChatRequest> {
    if (hasOwnCachedContent(req)) return req;
    const plan = planGeminiContextCache(req, ctx);
    if (!plan) return req;
    const caller: CacheCaller = { identity, model: cacheModel(serving.requestedName, serving.model) };
    const name = await this.cacheNameFor(plan, ctx, caller, signal);
    return name ? withCachedContent(plan.request, name) : req;
  }

  private cacheNameFor(
    plan: GeminiCachePlan,
    ctx: ProviderContext,
    caller: CacheCaller,
    signal?: CancelSignal,
  ): Promise<string | undefined> {
    const contentKey = ownedContentKey(caller.identity, plan.displayName);
    const key = `${ctx.deployment.id}\u0000${contentKey}`;
    const now = Date.now();
    const known = this.memory.get(key);
    if (known && known.expiresAt - (known.name ? EXPIRY_MARGIN_MS : 0) > now)
      return Promise.resolve(known.name);
    let pending = this.inflight.get(key);
    if (!pending) {
      pending = this.lookupOrCreate(key, contentKey, plan, ctx, caller, signal).finally(() =>
        this.inflight.delete(key),
      );
      this.inflight.set(key, pending);
    }
    return pending;
  }

  private async lookupOrCreate(
    key: string,
    contentKey: string,
    plan: GeminiCachePlan,
    ctx: ProviderContext,
    caller: CacheCaller,
    signal?: CancelSignal,
  ): Promise<string | undefined> {
    const deploymentId = ctx.deployment.id;
    const row = await this.registry.find(deploymentId, contentKey).catch((err: unknown) => {
      this.logger.warn(
        { request_id: ctx.requestId, err: errText(err) },
        'gemini cache lookup failed; creating one',
      );
      return null;
    });
    if (row && row.expiresAt.getTime() - EXPIRY_MARGIN_MS > Date.now()) {
      this.remember(key, { name: row.upstreamName, expiresAt: row.expiresAt.getTime() });
      return row.upstreamName;
    }
    return this.create(key, contentKey, plan, ctx, caller, signal);
  }

  private async create(
    key: string,
    contentKey: string,
    plan: GeminiCachePlan,
    ctx: ProviderContext,
    caller: CacheCaller,
    signal?: CancelSignal,
  ): Promise<string | undefined> {
    const lifetime = creationLifetime(plan.ttl ? { ttl: plan.ttl } : {});
    const estimate = estimateTextTokens(String(plan.createRequest.body ?? ''));
    const call = await this.admit(caller, ctx, { tokens: estimate, seconds: lifetime.seconds, write: true });
    if (!call) return undefined;
    const target = ctx.deployment;
    let res: Awaited<ReturnType<ProviderClient['sendRaw']>>;
    try {
      res = await this.client.sendRaw(plan.createRequest, ctx, signal);
    } catch (err) {
      if (signal?.aborted || (err instanceof ProviderError && err.upstreamCode === 'client_aborted')) {
        await this.metering.record(call, { target, status: 499, errorType: 'client_aborted' });
        throw err;
      }
      await this.metering.record(call, {
        target,
        status: 502,
        errorType: err instanceof ProviderError ? err.kind : 'internal',
      });
      this.logger.warn(
        { request_id: ctx.requestId, deployment_id: ctx.deployment.id, err: errText(err) },
        'gemini cache creation failed; sending the content uncached',
      );
      return undefined;
    }
    if (res.status < 200 || res.status >= 300) {
      const message = (res.body as { error?: { message?: string } } | undefined)?.error?.message;
      this.logger.info(
        {
          request_id: ctx.requestId,
          deployment_id: ctx.deployment.id,
          upstream_status: res.status,
          upstream_message: message?.slice(0, 300),
        },
        'gemini refused to cache the marked content; sending it uncached',
      );
      await this.metering.record(call, { target, status: res.status, errorType: 'upstream_error' });
      // A refusal of this content (too small, bad field) will not change: do not ask on every request.
      if (res.status === 400) this.remember(key, { expiresAt: Date.now() + REFUSAL_MEMORY_MS });
      return undefined;
    }
    let name: string;
    try {
      name = fromCachedContentResponse(res.body);
    } catch (err) {
      await this.metering.record(call, { target, status: 502, errorType: 'upstream' });
      throw err;
    }
    const tokens = cachedContentTokens(res.body) ?? estimate;
    // The cache lives as long as the requested ttl (Gemini's default hour without one).
    const { expiresAt } = lifetime;
    await this.metering.record(call, {
      target,
      status: 200,
      charge: { tokens, seconds: lifetime.seconds, write: true },
    });
    this.remember(key, { name, expiresAt: expiresAt.getTime() });
    await this.registry
      .save({
        deploymentId: ctx.deployment.id,
        contentHash: contentKey,
        upstreamName: name,
        expiresAt,
        keyId: caller.identity.keyId ?? null,
        teamId: caller.identity.teamId ?? null,
        model: `models/${caller.model.publicName}`,
        displayName: plan.displayName,
        tokens,
      })
      .catch((err: unknown) =>
        this.logger.warn(
          { request_id: ctx.requestId, err: errText(err) },
          'could not store the gemini cache row',
        ),
      );
    return name;
  }

  /** The limits' admission of a creation; undefined (sent uncached) when they refuse it. */
  private async admit(
    caller: CacheCaller,
    ctx: ProviderContext,
    estimate: { tokens: number; seconds: string; write: boolean },
  ): Promise<CacheCall | undefined> {
    try {
      return await this.metering.admit(
        caller.identity,
        ctx.requestId,
        'cache_create',
        caller.model,
        ctx.deployment.upstreamModel,
        estimate,
      );
    } catch (err) {
      if (!(err instanceof GatewayError)) throw err;
      this.logger.info(
        { request_id: ctx.requestId, code: err.code },
        'limits refused the gemini cache creation; sending the content uncached',
      );
      return undefined;
    }
  }

  private remember(key: string, entry: Entry): void {
    if (this.memory.size >= MAX_ENTRIES) {
      const now = Date.now();
      for (const [k, e] of this.memory) if (e.expiresAt <= now) this.memory.delete(k);
      if (this.memory.size >= MAX_ENTRIES) this.memory.delete(this.memory.keys().next().value as string);
    }
    this.memory.delete(key);
    this.memory.set(key, entry);
  }
}

/** The client named a cache itself (`cached_content` / Google `cachedContent`): nothing to plan. */
function hasOwnCachedContent(req: ChatRequest): boolean {
  const gemini = req.extensions?.gemini ?? {};
  const openai = req.extensions?.openai ?? {};
  return (
    gemini.cachedContent !== undefined ||
    openai.cached_content !== undefined ||
    openai.cachedContent !== undefined
  );
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
