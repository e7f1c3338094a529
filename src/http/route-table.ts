import type { Dialect } from '../dialects/dialect';
import type { OperationName } from '../modules/inference/pipeline/operation';

/** How a route's body is read: JSON (the default), multipart streamed, or none (GET, DELETE). */
export type RouteBody = 'json' | 'multipart' | 'none';

/** Routes served by a plain service call (not metered): what they answer is sent as JSON, status 200. */
export type ServiceRouteName =
  | 'models.list'
  | 'models.retrieve'
  | 'models.listGoogle'
  | 'cachedContents.list'
  | 'cachedContents.get'
  | 'cachedContents.update'
  | 'cachedContents.delete';

export interface RouteEntry {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** OpenAPI path templates, each one served the same way (`{name}` is one path segment). */
  paths: readonly string[];
  /** The caller's dialect: errors are answered in its shape. */
  dialect: Dialect;
  /** A metered operation of the pipeline, or a service route. */
  serves: { operation: OperationName } | { service: ServiceRouteName };
  /** Constant parameters the entry hands its operation (e.g. the Google model action). */
  constants?: Readonly<Record<string, string>>;
  /** The last path parameter may span several segments (model names with `/`). */
  restParam?: boolean;
  body: RouteBody;
  tag: string;
  summary: string;
  /** Component schema of the request body (absent: no body). */
  request?: string;
  /** Component schema of the 200 answer (JSON). */
  response: string;
  /** Component schema of one streamed event, when the route can stream (SSE `data:`). */
  stream?: string;
}

const OPENAI = 'OpenAI';
const GOOGLE = 'Google GenAI';
const both = (path: string) => [path, path.replace(/^\/v1/, '')];
const google = (path: string) => [`/v1beta${path}`, `/gemini/v1beta${path}`];

/** A Google `models/{model}:{action}` route served by a metered operation. */
function modelAction(
  action: string,
  operation: OperationName,
  summary: string,
  schemas: { request: string; response: string; stream?: string },
): RouteEntry {
  return {
    method: 'POST',
    paths: google(`/models/{model}:${action}`),
    dialect: 'google',
    serves: { operation },
    constants: { action },
    body: 'json',
    tag: GOOGLE,
    summary,
    ...schemas,
  };
}

/**
 * Every route the dialects serve (admin, health, metrics and docs are Nest controllers): the fast
 * listener (src/bootstrap/fast-inference-routes.ts) matches and serves requests from this table, and
 * the OpenAPI document (/docs-json) describes these paths from it, so both say the same.
 */
export const ROUTE_TABLE: readonly RouteEntry[] = [
  {
    method: 'POST',
    paths: both('/v1/chat/completions'),
    dialect: 'openai',
    serves: { operation: 'chat.completions' },
    body: 'json',
    tag: OPENAI,
    summary: 'OpenAI chat completions (JSON or SSE stream), routed to any chat provider',
    request: 'CreateChatCompletionRequest',
    response: 'CreateChatCompletionResponse',
    stream: 'CreateChatCompletionStreamResponse',
  },
  {
    method: 'POST',
    paths: both('/v1/embeddings'),
    dialect: 'openai',
    serves: { operation: 'embeddings' },
    body: 'json',
    tag: OPENAI,
    summary: 'OpenAI embeddings, routed to any embeddings provider (Gemini batchEmbedContents included)',
    request: 'CreateEmbeddingRequest',
    response: 'CreateEmbeddingResponse',
  },
  {
    method: 'GET',
    paths: both('/v1/models'),
    dialect: 'openai',
    serves: { service: 'models.list' },
    body: 'none',
    tag: OPENAI,
    summary: 'Public models the calling key may use (OpenAI list shape)',
    response: 'ListModelsResponse',
  },
  {
    method: 'GET',
    paths: both('/v1/models/{model}'),
    dialect: 'openai',
    serves: { service: 'models.retrieve' },
    restParam: true,
    body: 'none',
    tag: OPENAI,
    summary:
      'One public model the calling key may use (OpenAI Model shape; the name may contain `/`); 404 model_not_found otherwise',
    response: 'Model',
  },
  {
    method: 'GET',
    paths: google('/models'),
    dialect: 'google',
    serves: { service: 'models.listGoogle' },
    body: 'none',
    tag: GOOGLE,
    summary: 'Public models the calling key may use (Google list shape)',
    response: 'GoogleListModelsResponse',
  },
  modelAction('generateContent', 'generateContent', 'Generate content, routed to any chat provider', {
    request: 'GenerateContentRequest',
    response: 'GenerateContentResponse',
  }),
  modelAction(
    'streamGenerateContent',
    'generateContent',
    'Stream generated content: SSE with `?alt=sse`, else one JSON array of responses',
    {
      request: 'GenerateContentRequest',
      response: 'GenerateContentResponseArray',
      stream: 'GenerateContentResponse',
    },
  ),
  modelAction('countTokens', 'countTokens', 'Count tokens (Gemini deployments only, forwarded as is)', {
    request: 'CountTokensRequest',
    response: 'CountTokensResponse',
  }),
  modelAction('embedContent', 'google.embeddings', 'Embed content (Gemini deployments only)', {
    request: 'EmbedContentRequest',
    response: 'EmbedContentResponse',
  }),
  modelAction('batchEmbedContents', 'google.embeddings', 'Embed a batch (Gemini deployments only)', {
    request: 'BatchEmbedContentsRequest',
    response: 'BatchEmbedContentsResponse',
  }),
  {
    method: 'POST',
    paths: google('/cachedContents'),
    dialect: 'google',
    serves: { operation: 'cachedContents.create' },
    body: 'json',
    tag: GOOGLE,
    summary:
      'Create a context cache on a deployment of models/{model}, owned by the calling key; admitted and metered (write + storage for the TTL)',
    request: 'CachedContent',
    response: 'CachedContent',
  },
  {
    method: 'GET',
    paths: google('/cachedContents'),
    dialect: 'google',
    serves: { service: 'cachedContents.list' },
    body: 'none',
    tag: GOOGLE,
    summary: "List the caller's context caches (an admin's: all); pageSize, pageToken",
    response: 'ListCachedContentsResponse',
  },
  {
    method: 'GET',
    paths: google('/cachedContents/{id}'),
    dialect: 'google',
    serves: { service: 'cachedContents.get' },
    body: 'none',
    tag: GOOGLE,
    summary: 'Get a context cache (from the deployment that holds it)',
    response: 'CachedContent',
  },
  {
    method: 'PATCH',
    paths: google('/cachedContents/{id}'),
    dialect: 'google',
    serves: { service: 'cachedContents.update' },
    body: 'json',
    tag: GOOGLE,
    summary: 'Update a context cache (ttl / expireTime; ?updateMask); added hours are metered',
    request: 'CachedContent',
    response: 'CachedContent',
  },
  {
    method: 'DELETE',
    paths: google('/cachedContents/{id}'),
    dialect: 'google',
    serves: { service: 'cachedContents.delete' },
    body: 'none',
    tag: GOOGLE,
    summary: 'Delete a context cache',
    response: 'Empty',
  },
];
