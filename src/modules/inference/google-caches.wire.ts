import { GatewayError } from '../../common/errors/gateway-error';
import { decodeCursor, MAX_PAGE_LIMIT } from '../../common/http/cursor-page';
import { getAdapter } from '../../providers/provider-registry';
import { bareModelId } from '../../providers/gemini/gemini.thinking';
import type { CatalogDeployment, CatalogModel, ResolvedModel } from '../routing/catalog.types';
import type { ListedCache } from './preparation/gemini-cache-registry';

/** Pure pieces of the Google-dialect cachedContents endpoints: URLs, answer shapes, list paging. */

const DEFAULT_LIST_PAGE = 50;

/**
 * Only the model's deployments whose provider holds context caches (`contextCache` on the adapter) can
 * hold one; no fallbacks to other models.
 */
export function cacheHolders(resolved: ResolvedModel): ResolvedModel {
  const deployments = resolved.model.deployments.filter((d) => getAdapter(d.provider)?.contextCache);
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

/** The public model name of a cache held by `d` (a wildcard model keeps the upstream rest). */
export function publicModelOf(d: CatalogDeployment, body: unknown): string {
  if (!d.modelName.endsWith('/*')) return `models/${d.modelName}`;
  const upstream = (body as { model?: unknown } | undefined)?.model;
  const rest =
    typeof upstream === 'string' ? upstream.replace(/^models\//, '') : bareModelId(d.upstreamModel);
  return `models/${d.modelName.slice(0, -1)}${rest}`;
}

export function cacheModel(publicName: string, model: CatalogModel) {
  return { publicName, name: model.name, pricing: model.pricing };
}

/** A row of the registry as Gemini lists a cache (metadata only). */
export function listedCache(row: ListedCache): Record<string, unknown> {
  return {
    name: row.upstreamName,
    model: row.model,
    ...(row.displayName ? { displayName: row.displayName } : {}),
    createTime: row.createdAt.toISOString(),
    updateTime: row.updatedAt.toISOString(),
    expireTime: row.expiresAt.toISOString(),
    usageMetadata: { totalTokenCount: row.tokens },
  };
}

/** `pageToken` (from the previous page) → how many caches to skip; a bad one is a 400 naming it. */
export function pageOffset(token: unknown): number {
  if (token === undefined) return 0;
  try {
    return decodeCursor(String(token), isOffset) ?? 0;
  } catch {
    throw new GatewayError('invalid_request', "'pageToken' is not a token from a previous page", {
      param: 'pageToken',
    });
  }
}

function isOffset(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

/** An answer without `expireTime` gets the one the caller asked for. */
export function withExpiry(body: unknown, expiresAt: Date): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body) || 'expireTime' in body) return body;
  return { ...body, expireTime: expiresAt.toISOString() };
}

export function withModel(body: unknown, model: string): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
  return 'model' in body ? { ...body, model } : body;
}

export function requireObject(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new GatewayError('invalid_request', 'the request body must be a JSON object', { param: 'body' });
  }
  return body as Record<string, unknown>;
}

/** `pageSize` of a list call: 1 to MAX_PAGE_LIMIT, DEFAULT_LIST_PAGE when absent; else a 400 naming it. */
export function listPageSize(pageSize: unknown): number {
  const size = pageSize === undefined ? DEFAULT_LIST_PAGE : Number(pageSize);
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_LIMIT)
    throw new GatewayError('invalid_request', `'pageSize' must be an integer from 1 to ${MAX_PAGE_LIMIT}`, {
      param: 'pageSize',
    });
  return size;
}
