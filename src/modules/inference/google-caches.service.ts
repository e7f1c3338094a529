import { Injectable } from '@nestjs/common';
import type { InferenceRequest } from '../../common/http/inference-request';
import { GatewayError } from '../../common/errors/gateway-error';
import { toGatewayError } from './pipeline/provider-error.mapping';
import { encodeCursor } from '../../common/http/cursor-page';
import { requestIdOf } from '../../common/http/request-context';
import type { ProviderContext } from '../../providers/core/adapter';
import { ProviderClient } from '../../providers/core/provider-client';
import { ProviderError } from '../../providers/core/provider-error';
import { getAdapter } from '../../providers/provider-registry';
import { AuthService } from '../auth/auth.service';
import type { Identity } from '../auth/identity';
import { CatalogService } from '../routing/catalog.service';
import type { CatalogDeployment, CatalogModel } from '../routing/catalog.types';
import { GeminiCacheMetering, type CacheCharge } from './preparation/gemini-cache-metering';
import { GeminiCacheRegistry, isCacheName, mayAccessCache } from './preparation/gemini-cache-registry';
import {
  addedSeconds,
  maskMovesExpiry,
  reportedExpiry,
  requestedLifetime,
} from './preparation/gemini-cache-ttl';
import {
  cacheModel,
  listedCache,
  listPageSize,
  pageOffset,
  publicModelOf,
  requireObject,
  withExpiry,
  withModel,
} from './google-caches.wire';
import { withoutCredential } from '../../providers/core/redact-secrets';

/**
 * Google-dialect `cachedContents` (contract §4) after their creation (a metered operation of the
 * pipeline: operations/cache-create.operation.ts). A cache belongs to the key that created it: the
 * deployment and the owner of each cache are remembered (`gemini_cached_contents`), so get, patch and
 * delete reach the same deployment through its adapter's `contextCache` codec, and any key but the
 * owner (or an admin) gets the 404 of an unknown cache; the list shows one's own. Extending a TTL is
 * admitted and metered (GeminiCacheMetering). Answers keep Google's shape with the public model name.
 */
@Injectable()
export class GoogleCachesService {
  constructor(
    private readonly auth: AuthService,
    private readonly catalog: CatalogService,
    private readonly client: ProviderClient,
    private readonly registry: GeminiCacheRegistry,
    private readonly metering: GeminiCacheMetering,
  ) {}

  /** The caller's caches (an admin's: all), newest first; `pageSize` (≤ 1000) and `pageToken`. */
  async list(req: InferenceRequest): Promise<unknown> {
    const identity = await this.auth.authenticate(req);
    const size = listPageSize(req.query.pageSize);
    const offset = pageOffset(req.query.pageToken);
    const rows = await this.registry.list(identity, offset, size + 1);
    const page = rows.slice(0, size).map(listedCache);
    return rows.length > size
      ? { cachedContents: page, nextPageToken: encodeCursor(offset + size) }
      : { cachedContents: page };
  }

  async get(req: InferenceRequest, id: string): Promise<unknown> {
    const { ctx, name, deployment } = await this.owned(req, id);
    const body = await this.callOwner(ctx, name, 'GET');
    return withModel(body, publicModelOf(deployment, body));
  }

  /**
   * Changes the expiry; the hours it adds are admitted and metered (tokens × hours × storage price):
   * from the expiry Gemini's answer reports, else the one asked for when `updateMask` (if given)
   * names it, counted from the stored expiry it replaces (one extension at a time per cache).
   */
  async update(req: InferenceRequest, id: string): Promise<unknown> {
    const { identity, ctx, name, deployment, model, row } = await this.owned(req, id);
    const { updateMask } = req.query;
    const mask = typeof updateMask === 'string' ? `updateMask=${encodeURIComponent(updateMask)}` : undefined;
    const patch = { ...requireObject(req.body) };
    delete patch.model;
    const asked = requestedLifetime(patch);
    const lifetime = asked && maskMovesExpiry(updateMask) ? asked : undefined;
    const estimate: CacheCharge = {
      tokens: row.tokens,
      seconds: lifetime ? addedSeconds(row.expiresAt, lifetime.expiresAt) : '0',
      write: false,
    };
    const call =
      estimate.seconds !== '0'
        ? await this.metering.admit(
            identity,
            ctx.requestId,
            'cache_extend',
            cacheModel((row.model || publicModelOf(deployment, row)).replace(/^models\//, ''), model),
            deployment.upstreamModel,
            estimate,
          )
        : undefined;
    let body: unknown;
    try {
      body = await this.callOwner(ctx, name, 'PATCH', patch, mask);
    } catch (err) {
      const error = err instanceof GatewayError ? err : toGatewayError(err);
      if (call)
        await this.metering.record(call, { target: deployment, status: error.status, errorType: error.code });
      throw error;
    }
    const applied = reportedExpiry(body) ?? lifetime?.expiresAt;
    const before = applied && (await this.registry.setExpiry(name, applied));
    if (call) {
      const seconds = applied ? addedSeconds(before ?? row.expiresAt, applied) : '0';
      await this.metering.record(call, { target: deployment, status: 200, charge: { ...estimate, seconds } });
    }
    return withModel(applied ? withExpiry(body, applied) : body, publicModelOf(deployment, body));
  }

  async remove(req: InferenceRequest, id: string): Promise<unknown> {
    const { ctx, name } = await this.owned(req, id);
    const body = await this.callOwner(ctx, name, 'DELETE');
    await this.registry.forget(name);
    return body ?? {};
  }

  /**
   * Authenticates and finds the cache, its deployment and model: a cache that is not the caller's
   * (an admin may reach any) answers the same 404 as one that does not exist.
   */
  private async owned(req: InferenceRequest, id: string) {
    const identity: Identity = await this.auth.authenticate(req);
    const name = `cachedContents/${id}`;
    const notFound = () => new GatewayError('not_found', `${name} not found`, { param: 'name' });
    if (!isCacheName(name)) throw notFound();
    const row = await this.registry.ownerOf(name);
    if (!row || !mayAccessCache(identity, row)) throw notFound();
    const found = this.deploymentById(row.deploymentId);
    if (!found) throw notFound();
    const { deployment, model } = found;
    this.auth.authorizeModel(identity, deployment.modelName);
    const ctx: ProviderContext = { deployment, requestId: requestIdOf(req) };
    return { identity, ctx, name, deployment, model, row };
  }

  private async callOwner(
    ctx: ProviderContext,
    name: string,
    method: 'GET' | 'PATCH' | 'DELETE',
    body?: unknown,
    query?: string,
  ): Promise<unknown> {
    try {
      const codec = getAdapter(ctx.deployment.provider)?.contextCache;
      if (!codec) throw new GatewayError('not_found', `${name} not found`, { param: 'name' });
      const res = await this.client.sendRaw(codec.buildOne(method, name, ctx, body, query), ctx);
      if (res.status >= 400)
        throw withoutCredential(codec.parseError(res.status, res.body, res.headers), ctx);
      return res.body;
    } catch (err) {
      // The provider no longer knows it (expired, deleted elsewhere): forget the owner too.
      if (err instanceof ProviderError && err.kind === 'not_found')
        await this.registry.forget(name).catch(() => undefined);
      throw err instanceof GatewayError ? err : toGatewayError(err);
    }
  }

  private deploymentById(id: string): { deployment: CatalogDeployment; model: CatalogModel } | undefined {
    for (const model of this.catalog.list()) {
      const deployment = model.deployments.find((x) => x.id === id);
      if (deployment) return { deployment, model };
    }
    return undefined;
  }
}
