import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { GatewayError } from '../../common/errors/gateway-error';
import { toGatewayError } from '../../common/errors/provider-error.mapping';
import { encodeCursor } from '../../common/http/cursor-page';
import { requestIdOf } from '../../common/http/request-context';
import { type HttpMethod, type HttpRequestSpec, type ProviderContext } from '../../providers/core/adapter';
import { ProviderClient } from '../../providers/core/provider-client';
import { ProviderError } from '../../providers/core/provider-error';
import { estimateTextTokens } from '../../providers/core/token-estimate';
import { cachedContentTokens, fromCachedContentResponse } from '../../providers/gemini/gemini.context-cache';
import { parseGeminiError } from '../../providers/gemini/gemini.errors';
import { geminiHeaders, geminiModelResource } from '../../providers/gemini/gemini.http';
import { AuthService } from '../auth/auth.service';
import type { Identity } from '../auth/identity';
import { CatalogService } from '../routing/catalog.service';
import type { CatalogDeployment, CatalogModel } from '../routing/catalog.types';
import { RouterService, RoutingFailure } from '../routing/router.service';
import { GeminiCacheMetering, type CacheCharge } from './preparation/gemini-cache-metering';
import {
  API_CACHE_PREFIX,
  GeminiCacheRegistry,
  isCacheName,
  mayAccessCache,
} from './preparation/gemini-cache-registry';
import {
  addedSeconds,
  creationLifetime,
  maskMovesExpiry,
  reportedExpiry,
  requestedLifetime,
} from './preparation/gemini-cache-ttl';
import {
  cacheModel,
  cachesUrl,
  geminiOnly,
  listedCache,
  listPageSize,
  pageOffset,
  publicModelOf,
  requireObject,
  withExpiry,
  withModel,
} from './google-caches.wire';

/**
 * Google-dialect `cachedContents` (contract §4): create goes to a Gemini deployment of the body's
 * `models/<public>` (routed like any call, the model replaced by the upstream one, the deployment's
 * key used). A cache belongs to the key that created it: the deployment and the owner of each cache
 * are remembered (`gemini_cached_contents`), so get, patch and delete reach the same deployment, and
 * any key but the owner (or an admin) gets the 404 of an unknown cache; the list shows one's own.
 * Creating a cache and extending its TTL are admitted and metered like any call (GeminiCacheMetering).
 * Answers keep Google's shape with the public model name.
 */
@Injectable()
export class GoogleCachesService {
  constructor(
    private readonly auth: AuthService,
    private readonly catalog: CatalogService,
    private readonly router: RouterService,
    private readonly client: ProviderClient,
    private readonly registry: GeminiCacheRegistry,
    private readonly metering: GeminiCacheMetering,
  ) {}

  async create(req: Request): Promise<unknown> {
    const identity = await this.auth.authenticate(req);
    const body = requireObject(req.body);
    if (typeof body.model !== 'string' || body.model.length === 0) {
      throw new GatewayError('invalid_request', "'model' is required (models/{model})", { param: 'model' });
    }
    const publicModel = body.model.replace(/^models\//, '');
    const resolved = this.catalog.resolve(publicModel);
    if (!resolved)
      throw new GatewayError('model_not_found', `The model '${publicModel}' does not exist`, {
        param: 'model',
      });
    this.auth.authorizeModel(identity, resolved.model.name);
    const gemini = geminiOnly(resolved);
    const lifetime = creationLifetime(body);
    const requestId = requestIdOf(req);
    const estimate: CacheCharge = {
      // The whole body, as Gemini reads it (`system_instruction` as well as `systemInstruction`).
      tokens: estimateTextTokens(JSON.stringify(body)),
      seconds: lifetime.seconds,
      write: true,
    };
    const call = await this.metering.admit(
      identity,
      requestId,
      'cache_create',
      cacheModel(resolved.requestedName, resolved.model),
      gemini.model.deployments[0].upstreamModel,
      estimate,
    );
    for (const k in call.admission.headers) req.res?.setHeader(k, call.admission.headers[k]);
    let routed;
    try {
      routed = await this.router.run(gemini, (info) => {
        const ctx: ProviderContext = { deployment: info.target, requestId };
        return this.call(ctx, 'POST', cachesUrl(ctx.deployment), {
          ...body,
          model: geminiModelResource(ctx),
        });
      });
    } catch (err) {
      const failure = err instanceof RoutingFailure ? err : new RoutingFailure(err);
      const error = toGatewayError(failure.error);
      if (failure.last)
        await this.metering.record(call, {
          target: failure.last.target,
          status: error.status,
          errorType: error.code,
        });
      else this.metering.release(call);
      throw error;
    }
    let name: string;
    try {
      name = fromCachedContentResponse(routed.value);
    } catch (err) {
      await this.metering.record(call, { target: routed.info.target, status: 502, errorType: 'upstream' });
      throw toGatewayError(err);
    }
    const tokens = cachedContentTokens(routed.value) ?? estimate.tokens;
    await this.metering.record(call, {
      target: routed.info.target,
      status: 200,
      charge: { tokens, seconds: lifetime.seconds, write: true },
    });
    await this.registry.save({
      deploymentId: routed.info.deployment.id,
      contentHash: `${API_CACHE_PREFIX}${name}`,
      upstreamName: name,
      expiresAt: lifetime.expiresAt,
      keyId: identity.keyId ?? null,
      teamId: identity.teamId ?? null,
      model: `models/${resolved.requestedName}`,
      displayName: typeof body.displayName === 'string' ? body.displayName : null,
      tokens,
    });
    return withExpiry(withModel(routed.value, `models/${resolved.requestedName}`), lifetime.expiresAt);
  }

  /** The caller's caches (an admin's: all), newest first; `pageSize` (≤ 1000) and `pageToken`. */
  async list(req: Request): Promise<unknown> {
    const identity = await this.auth.authenticate(req);
    const size = listPageSize(req.query.pageSize);
    const offset = pageOffset(req.query.pageToken);
    const rows = await this.registry.list(identity, offset, size + 1);
    const page = rows.slice(0, size).map(listedCache);
    return rows.length > size
      ? { cachedContents: page, nextPageToken: encodeCursor(offset + size) }
      : { cachedContents: page };
  }

  async get(req: Request, id: string): Promise<unknown> {
    const { ctx, name, deployment } = await this.owned(req, id);
    const body = await this.callOwner(ctx, name, 'GET', cachesUrl(ctx.deployment, name));
    return withModel(body, publicModelOf(deployment, body));
  }

  /**
   * Changes the expiry; the hours it adds are admitted and metered (tokens × hours × storage price):
   * from the expiry Gemini's answer reports, else the one asked for when `updateMask` (if given)
   * names it, counted from the stored expiry it replaces (one extension at a time per cache).
   */
  async update(req: Request, id: string): Promise<unknown> {
    const { identity, ctx, name, deployment, model, row } = await this.owned(req, id);
    const { updateMask } = req.query;
    const mask = typeof updateMask === 'string' ? `?updateMask=${encodeURIComponent(updateMask)}` : '';
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
      body = await this.callOwner(ctx, name, 'PATCH', `${cachesUrl(ctx.deployment, name)}${mask}`, patch);
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

  async remove(req: Request, id: string): Promise<unknown> {
    const { ctx, name } = await this.owned(req, id);
    const body = await this.callOwner(ctx, name, 'DELETE', cachesUrl(ctx.deployment, name));
    await this.registry.forget(name);
    return body ?? {};
  }

  /**
   * Authenticates and finds the cache, its deployment and model: a cache that is not the caller's
   * (an admin may reach any) answers the same 404 as one that does not exist.
   */
  private async owned(req: Request, id: string) {
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
    method: HttpMethod,
    url: string,
    body?: unknown,
  ): Promise<unknown> {
    try {
      return await this.call(ctx, method, url, body);
    } catch (err) {
      // Gemini no longer knows it (expired, deleted elsewhere): forget the owner too.
      if (err instanceof ProviderError && err.kind === 'not_found')
        await this.registry.forget(name).catch(() => undefined);
      throw toGatewayError(err);
    }
  }

  private async call(
    ctx: ProviderContext,
    method: HttpMethod,
    url: string,
    body?: unknown,
  ): Promise<unknown> {
    const spec: HttpRequestSpec = {
      method,
      url,
      headers: geminiHeaders(ctx),
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    };
    const res = await this.client.sendRaw(spec, ctx);
    if (res.status >= 400) throw parseGeminiError(res.status, res.body, res.headers);
    return res.body;
  }

  private deploymentById(id: string): { deployment: CatalogDeployment; model: CatalogModel } | undefined {
    for (const model of this.catalog.list()) {
      const deployment = model.deployments.find((x) => x.id === id);
      if (deployment) return { deployment, model };
    }
    return undefined;
  }
}
