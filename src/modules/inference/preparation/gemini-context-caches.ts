import { Inject, Injectable } from '@nestjs/common';
import { LOGGER } from '../../../common/logging/logger.module';
import type { Logger } from '../../../common/logging/logger';
import type { ProviderContext } from '../../../providers/core/adapter';
import type { ChatRequest } from '../../../providers/core/canonical';
import { ProviderClient } from '../../../providers/core/provider-client';
import { ProviderError } from '../../../providers/core/provider-error';
import {
  fromCachedContentResponse,
  planGeminiContextCache,
  withCachedContent,
  type GeminiCachePlan,
} from '../../../providers/gemini/gemini.context-cache';
import { expiryOf, GeminiCacheRegistry } from './gemini-cache-registry';
import type { CancelSignal } from '../../../providers/core/cancel';

/** A cache this close to its expiry is not reused (the request itself takes time). */
const EXPIRY_MARGIN_MS = 10_000;
/** Content Gemini refused to cache (too small, unsupported) is sent normally for this long without asking again. */
const REFUSAL_MEMORY_MS = 5 * 60_000;
const MAX_ENTRIES = 10_000;

interface Entry {
  name?: string;
  /** For a refusal: when to ask again. */
  expiresAt: number;
}

/**
 * Explicit context caching (seed 001 "Context Caching", `cache_control` + `ttl`) for Gemini
 * deployments: the pure planner picks the cached block and names it by content hash; a live cache
 * of that hash on that deployment is reused — from memory, else from the `gemini_cached_contents`
 * table (so replicas share it) — else created upstream (`POST /v1beta/cachedContents`) and stored.
 * The request then goes with `cachedContent` and without the cached turns. When Gemini refuses to
 * cache (below its minimum token count, …) or the creation fails, the content is sent normally.
 */
@Injectable()
export class GeminiContextCaches {
  private readonly memory = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<string | undefined>>();

  constructor(
    private readonly client: ProviderClient,
    private readonly registry: GeminiCacheRegistry,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async apply(req: ChatRequest, ctx: ProviderContext, signal?: CancelSignal): Promise<ChatRequest> {
    if (hasOwnCachedContent(req)) return req;
    const plan = planGeminiContextCache(req, ctx);
    if (!plan) return req;
    const name = await this.cacheNameFor(plan, ctx, signal);
    return name ? withCachedContent(plan.request, name) : req;
  }

  private cacheNameFor(
    plan: GeminiCachePlan,
    ctx: ProviderContext,
    signal?: CancelSignal,
  ): Promise<string | undefined> {
    const key = `${ctx.deployment.id}\u0000${plan.displayName}`;
    const now = Date.now();
    const known = this.memory.get(key);
    if (known && known.expiresAt - (known.name ? EXPIRY_MARGIN_MS : 0) > now)
      return Promise.resolve(known.name);
    let pending = this.inflight.get(key);
    if (!pending) {
      pending = this.lookupOrCreate(key, plan, ctx, signal).finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    return pending;
  }

  private async lookupOrCreate(
    key: string,
    plan: GeminiCachePlan,
    ctx: ProviderContext,
    signal?: CancelSignal,
  ): Promise<string | undefined> {
    const deploymentId = ctx.deployment.id;
    const row = await this.registry.find(deploymentId, plan.displayName).catch((err: unknown) => {
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
    return this.create(key, plan, ctx, signal);
  }

  private async create(
    key: string,
    plan: GeminiCachePlan,
    ctx: ProviderContext,
    signal?: CancelSignal,
  ): Promise<string | undefined> {
    let res: Awaited<ReturnType<ProviderClient['sendRaw']>>;
    try {
      res = await this.client.sendRaw(plan.createRequest, ctx, signal);
    } catch (err) {
      if (signal?.aborted || (err instanceof ProviderError && err.upstreamCode === 'client_aborted'))
        throw err;
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
      // A refusal of this content (too small, bad field) will not change: do not ask on every request.
      if (res.status === 400) this.remember(key, { expiresAt: Date.now() + REFUSAL_MEMORY_MS });
      return undefined;
    }
    const name = fromCachedContentResponse(res.body);
    // Gemini answers with the `expireTime` the requested ttl gave (else its default of one hour).
    const expiresAt = expiryOf(res.body);
    this.remember(key, { name, expiresAt: expiresAt.getTime() });
    await this.registry
      .save({ deploymentId: ctx.deployment.id, contentHash: plan.displayName, upstreamName: name, expiresAt })
      .catch((err: unknown) =>
        this.logger.warn(
          { request_id: ctx.requestId, err: errText(err) },
          'could not store the gemini cache row',
        ),
      );
    return name;
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
