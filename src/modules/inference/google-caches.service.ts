import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { GatewayError } from '../../common/errors/gateway-error';
import { toGatewayError } from '../../common/errors/provider-error.mapping';
import { requestIdOf } from '../../common/http/request-context';
import {
  joinUrl,
  type DeploymentTarget,
  type HttpMethod,
  type HttpRequestSpec,
  type ProviderContext,
} from '../../providers/core/adapter';
import { ProviderClient } from '../../providers/core/provider-client';
import { ProviderError } from '../../providers/core/provider-error';
import { fromCachedContentResponse } from '../../providers/gemini/gemini.context-cache';
import { parseGeminiError } from '../../providers/gemini/gemini.errors';
import {
  geminiHeaders,
  geminiModelResource,
  GEMINI_DEFAULT_BASE_URL,
} from '../../providers/gemini/gemini.http';
import { bareModelId } from '../../providers/gemini/gemini.thinking';
import { AuthService } from '../auth/auth.service';
import { CatalogService } from '../routing/catalog.service';
import type { CatalogDeployment, ResolvedModel } from '../routing/catalog.types';
import { RouterService, RoutingFailure } from '../routing/router.service';
import { API_CACHE_PREFIX, expiryOf, GeminiCacheRegistry } from './preparation/gemini-cache-registry';

const CACHE_ID = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * Google-dialect `cachedContents` (contract §4): create goes to a Gemini deployment of the body's
 * `models/<public>` (routed like any call, the model replaced by the upstream one, the deployment's
 * key used); the deployment that owns each cache is remembered (`gemini_cached_contents`), so get,
 * patch and delete reach the same deployment. Answers keep Google's shape with the public model name.
 */
@Injectable()
export class GoogleCachesService {
  constructor(
    private readonly auth: AuthService,
    private readonly catalog: CatalogService,
    private readonly router: RouterService,
    private readonly client: ProviderClient,
    private readonly registry: GeminiCacheRegistry,
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
    const requestId = requestIdOf(req);
    let routed;
    try {
      routed = await this.router.run(geminiOnly(resolved), (info) => {
        const ctx: ProviderContext = { deployment: info.target, requestId };
        return this.call(ctx, 'POST', cachesUrl(ctx.deployment), {
          ...body,
          model: geminiModelResource(ctx),
        });
      });
    } catch (err) {
      throw toGatewayError(err instanceof RoutingFailure ? err.error : err);
    }
    const name = fromCachedContentResponse(routed.value);
    await this.registry.save({
      deploymentId: routed.info.deployment.id,
      contentHash: `${API_CACHE_PREFIX}${name}`,
      upstreamName: name,
      expiresAt: expiryOf(routed.value),
    });
    return withModel(routed.value, `models/${resolved.requestedName}`);
  }

  async get(req: Request, id: string): Promise<unknown> {
    const { ctx, name, deployment } = await this.owner(req, id);
    const body = await this.callOwner(ctx, name, 'GET', cachesUrl(ctx.deployment, name));
    return withModel(body, publicModelOf(deployment, body));
  }

  async update(req: Request, id: string): Promise<unknown> {
    const { ctx, name, deployment } = await this.owner(req, id);
    const mask =
      typeof req.query.updateMask === 'string'
        ? `?updateMask=${encodeURIComponent(req.query.updateMask)}`
        : '';
    const patch = { ...requireObject(req.body) };
    delete patch.model;
    const body = await this.callOwner(ctx, name, 'PATCH', `${cachesUrl(ctx.deployment, name)}${mask}`, patch);
    await this.registry.setExpiry(name, expiryOf(body));
    return withModel(body, publicModelOf(deployment, body));
  }

  async remove(req: Request, id: string): Promise<unknown> {
    const { ctx, name } = await this.owner(req, id);
    const body = await this.callOwner(ctx, name, 'DELETE', cachesUrl(ctx.deployment, name));
    await this.registry.forget(name);
    return body ?? {};
  }

  /** Authenticates, finds the deployment that owns the cache and checks the caller may use its model. */
  private async owner(req: Request, id: string) {
    const identity = await this.auth.authenticate(req);
    const name = `cachedContents/${id}`;
    const notFound = () => new GatewayError('not_found', `${name} not found`, { param: 'name' });
    if (!CACHE_ID.test(id)) throw notFound();
    const row = await this.registry.ownerOf(name);
    const deployment = row ? this.deploymentById(row.deploymentId) : undefined;
    if (!deployment) throw notFound();
    this.auth.authorizeModel(identity, deployment.modelName);
    return { ctx: { deployment, requestId: requestIdOf(req) } as ProviderContext, name, deployment };
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

  private deploymentById(id: string): CatalogDeployment | undefined {
    for (const m of this.catalog.list()) {
      const d = m.deployments.find((x) => x.id === id);
      if (d) return d;
    }
    return undefined;
  }
}

/** Only the model's Gemini deployments can hold a Gemini cache; no fallbacks to other models. */
function geminiOnly(resolved: ResolvedModel): ResolvedModel {
  const deployments = resolved.model.deployments.filter((d) => d.provider === 'gemini');
  if (deployments.length === 0) {
    throw new GatewayError(
      'invalid_request',
      `cachedContents need a Gemini deployment; model '${resolved.requestedName}' has none`,
      { param: 'model' },
    );
  }
  return {
    ...resolved,
    model: {
      ...resolved.model,
      deployments,
      fallbacks: [],
      contextWindowFallbacks: [],
      contentPolicyFallbacks: [],
    },
  };
}

function cachesUrl(d: DeploymentTarget, name?: string): string {
  const base = (d.baseUrl ?? GEMINI_DEFAULT_BASE_URL).replace(/\/+$/, '').replace(/\/v1beta$/, '');
  return joinUrl(base, `/v1beta/${name ?? 'cachedContents'}`);
}

/** The public model name of a cache held by `d` (a wildcard model keeps the upstream rest). */
function publicModelOf(d: CatalogDeployment, body: unknown): string {
  if (!d.modelName.endsWith('/*')) return `models/${d.modelName}`;
  const upstream = (body as { model?: unknown } | undefined)?.model;
  const rest =
    typeof upstream === 'string' ? upstream.replace(/^models\//, '') : bareModelId(d.upstreamModel);
  return `models/${d.modelName.slice(0, -1)}${rest}`;
}

function withModel(body: unknown, model: string): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
  return 'model' in body ? { ...body, model } : body;
}

function requireObject(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new GatewayError('invalid_request', 'the request body must be a JSON object', { param: 'body' });
  }
  return body as Record<string, unknown>;
}
