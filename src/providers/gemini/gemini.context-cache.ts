import { createHash } from 'node:crypto';
import { joinUrl, type ContextCacheCodec, type HttpRequestSpec, type ProviderContext } from '../core/adapter';
import type { ChatMessage, ChatRequest } from '../core/canonical';
import { cacheControlsOf } from '../core/content';
import { ProviderError } from '../core/provider-error';
import { toGeminiContents } from './gemini.contents';
import { parseGeminiError } from './gemini.errors';
import { geminiHeaders, geminiModelResource, GEMINI_DEFAULT_BASE_URL } from './gemini.http';
import { geminiModelTraits } from './gemini.request';
import { toGeminiTools } from './gemini.tools';

/**
 * LiteLLM-style explicit context caching (seed 001 "Context Caching"), as pure steps for the caller
 * that owns the I/O:
 *
 * 1. `planGeminiContextCache(req, ctx)`: the first continuous run of messages with a `cache_control`
 *    part (plus every system message and the tools, which Gemini refuses next to `cachedContent`)
 *    becomes a `POST {base}/v1beta/cachedContents` body, named by a content hash (`displayName`), with
 *    the first valid `ttl` ("3600s"). `request` is what remains to send.
 * 2. Optionally `listCachedContentsRequest` + `findCachedContent` to reuse a live cache of that name.
 * 3. `withCachedContent(plan.request, name)` → the request to send, with `cachedContent` set.
 *
 * Nothing is planned when no part is marked or when nothing would be left to ask.
 */
export interface GeminiCachePlan {
  displayName: string;
  /** The `ttl` the create body asks for (absent: Gemini's default hour). */
  ttl?: string;
  createRequest: HttpRequestSpec;
  request: ChatRequest;
}

const TTL = /^\d+(\.\d+)?s$/;

export function planGeminiContextCache(req: ChatRequest, ctx: ProviderContext): GeminiCachePlan | undefined {
  const marked = (m: ChatMessage) => cacheControlsOf(m).length > 0;
  if (!req.messages.some(marked)) return undefined;
  // The first continuous block of marked turns (system messages go to the cache wherever they are).
  const block: number[] = [];
  for (
    let i = req.messages.findIndex((m) => m.role !== 'system' && marked(m));
    i !== -1 && i < req.messages.length;
    i++
  ) {
    if (req.messages[i].role === 'system') continue;
    if (!marked(req.messages[i])) break;
    block.push(i);
  }
  // Something must be left to ask: the last turn of the block stays in the request if need be.
  if (req.messages.every((m, i) => m.role === 'system' || block.includes(i))) block.pop();
  const cached = req.messages.filter((m, i) => m.role === 'system' || block.includes(i));
  const remaining = req.messages.filter((m, i) => m.role !== 'system' && !block.includes(i));
  if (cached.length === 0 || remaining.length === 0) return undefined;

  const traits = geminiModelTraits(ctx.deployment.upstreamModel, ctx.deployment.settings);
  const conversation = toGeminiContents(cached, { perPartMediaResolution: traits.perPartMediaResolution });
  const tools = toGeminiTools(req, traits.legacySchema);
  const content = { model: geminiModelResource(ctx), ...conversation, ...tools };
  const displayName = `switchboard-${createHash('sha256').update(JSON.stringify(content)).digest('hex').slice(0, 40)}`;
  const ttl = cached
    .flatMap(cacheControlsOf)
    .map((c) => c.ttl)
    .find((t): t is string => typeof t === 'string' && TTL.test(t));

  const body = { ...content, ...(ttl ? { ttl } : {}), displayName };
  const { tools: _tools, toolChoice: _choice, ...rest } = req;
  return {
    displayName,
    ...(ttl ? { ttl } : {}),
    createRequest: {
      method: 'POST',
      url: cachedContentsUrl(ctx),
      headers: geminiHeaders(ctx),
      body: JSON.stringify(body),
    },
    request: { ...rest, messages: remaining },
  };
}

export function listCachedContentsRequest(ctx: ProviderContext): HttpRequestSpec {
  return { method: 'GET', url: `${cachedContentsUrl(ctx)}?pageSize=1000`, headers: geminiHeaders(ctx) };
}

/** The name of a live cache with this displayName in a `cachedContents` list answer. */
export function findCachedContent(
  listBody: unknown,
  displayName: string,
  now = Date.now(),
): string | undefined {
  const caches =
    (listBody as { cachedContents?: Array<{ name?: string; displayName?: string; expireTime?: string }> })
      ?.cachedContents ?? [];
  const hit = caches.find(
    (c) => c.displayName === displayName && (!c.expireTime || Date.parse(c.expireTime) > now),
  );
  return hit?.name;
}

/** The `name` ("cachedContents/…") of a create answer. */
export function fromCachedContentResponse(body: unknown): string {
  const name = (body as { name?: unknown } | undefined)?.name;
  if (typeof name !== 'string')
    throw new ProviderError({
      kind: 'upstream',
      message: 'Gemini created a cache without a name',
      raw: body,
    });
  return name;
}

/** The tokens a cachedContents answer says the cache holds (`usageMetadata.totalTokenCount`). */
export function cachedContentTokens(body: unknown): number | undefined {
  const n = (body as { usageMetadata?: { totalTokenCount?: unknown } } | undefined)?.usageMetadata
    ?.totalTokenCount;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : undefined;
}

export function withCachedContent(req: ChatRequest, name: string): ChatRequest {
  return {
    ...req,
    extensions: { ...req.extensions, gemini: { ...req.extensions?.gemini, cachedContent: name } },
  };
}

function cachedContentsUrl(ctx: ProviderContext): string {
  const base = (ctx.deployment.baseUrl ?? GEMINI_DEFAULT_BASE_URL)
    .replace(/\/+$/, '')
    .replace(/\/v1beta$/, '');
  return joinUrl(base, '/v1beta/cachedContents');
}

/** Gemini `cachedContents`: create on the collection, get / patch / delete one cache. */
export const geminiContextCacheCodec: ContextCacheCodec = {
  buildCreate: (body, ctx) => ({
    method: 'POST',
    url: cachedContentsUrl(ctx),
    headers: geminiHeaders(ctx),
    body: JSON.stringify({ ...body, model: geminiModelResource(ctx) }),
  }),
  buildOne: (method, name, ctx, body, query) => ({
    method,
    url: `${joinUrl(cachedContentsUrl(ctx).slice(0, -'/cachedContents'.length), `/${name}`)}${query ? `?${query}` : ''}`,
    headers: geminiHeaders(ctx),
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  }),
  parseCreated: (body) => ({ name: fromCachedContentResponse(body), tokens: cachedContentTokens(body) }),
  parseError: parseGeminiError,
};
