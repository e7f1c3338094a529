import type { Dialect } from '../dialects/dialect';
import type { OperationName } from '../modules/inference/pipeline/operation';
import type { VideoRouteName } from '../modules/video/video-api.service';

/**
 * How a route's body is read: JSON (the default), multipart streamed, either one by its content type
 * (the OpenAI SDK sends video creates as forms), or none (GET, DELETE).
 */
export type RouteBody = 'json' | 'multipart' | 'json-or-multipart' | 'none';

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
  /** A metered operation of the pipeline, a service route, or a video task route (contract §5). */
  serves: { operation: OperationName } | { service: ServiceRouteName } | { video: VideoRouteName };
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
const ANTHROPIC = 'Anthropic';
const GOOGLE = 'Google GenAI';
const VIDEO = 'Video tasks';
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

/** A video task route (the gateway answers from its own task table; contract §5). */
function video(
  method: RouteEntry['method'],
  paths: readonly string[],
  dialect: Dialect,
  name: VideoRouteName,
  summary: string,
  schemas: { request?: string; response: string },
  extra: Partial<RouteEntry> = {},
): RouteEntry {
  const body = method === 'GET' || method === 'DELETE' ? 'none' : 'json';
  return { method, paths, dialect, serves: { video: name }, body, tag: VIDEO, summary, ...schemas, ...extra };
}

const SEEDANCE_TASKS = '/seedance/api/v3/contents/generations/tasks';
const kling = (route: string) => ({ constants: { route } });

/** The video routes: the unified OpenAI API for every provider, and Kling's, Seedance's and Veo's own. */
const VIDEO_ROUTES: readonly RouteEntry[] = [
  video(
    'POST',
    both('/v1/videos'),
    'openai',
    'videos.create',
    'Create a video task on any video provider (JSON or multipart; `Idempotency-Key` honoured; optional signed `callback_url`)',
    { request: 'CreateVideoRequest', response: 'VideoResource' },
    { body: 'json-or-multipart' },
  ),
  video(
    'GET',
    both('/v1/videos'),
    'openai',
    'videos.list',
    "The calling key's video tasks (`after`, `limit`, `order`)",
    { response: 'VideoListResource' },
  ),
  video(
    'GET',
    both('/v1/videos/{id}'),
    'openai',
    'videos.retrieve',
    'A video task, as the gateway last polled it',
    { response: 'VideoResource' },
  ),
  video(
    'GET',
    both('/v1/videos/{id}/content'),
    'openai',
    'videos.content',
    'The video bytes (or `variant` thumbnail / spritesheet), streamed through the gateway; `Range` honoured (206)',
    { response: 'VideoContent' },
  ),
  video(
    'POST',
    both('/v1/videos/{id}/remix'),
    'openai',
    'videos.remix',
    'Remix a completed video on the deployment that made it (where the provider can)',
    { request: 'RemixVideoRequest', response: 'VideoResource' },
    { body: 'json-or-multipart' },
  ),
  video(
    'DELETE',
    both('/v1/videos/{id}'),
    'openai',
    'videos.delete',
    'Delete an ended video task (hidden from lists; its usage record stays)',
    { response: 'DeletedVideoResource' },
  ),
  video(
    'POST',
    ['/kling/v1/videos/text2video'],
    'kling',
    'kling.create',
    'Kling text-to-video, native envelope',
    { request: 'KlingCreateVideoRequest', response: 'KlingTaskEnvelope' },
    kling('text2video'),
  ),
  video(
    'POST',
    ['/kling/v1/videos/image2video'],
    'kling',
    'kling.create',
    'Kling image-to-video, native envelope',
    { request: 'KlingCreateVideoRequest', response: 'KlingTaskEnvelope' },
    kling('image2video'),
  ),
  video(
    'GET',
    ['/kling/v1/videos/text2video/{id}'],
    'kling',
    'kling.get',
    'A Kling text-to-video task',
    { response: 'KlingTaskEnvelope' },
    kling('text2video'),
  ),
  video(
    'GET',
    ['/kling/v1/videos/image2video/{id}'],
    'kling',
    'kling.get',
    'A Kling image-to-video task',
    { response: 'KlingTaskEnvelope' },
    kling('image2video'),
  ),
  video(
    'POST',
    [SEEDANCE_TASKS],
    'seedance',
    'seedance.create',
    'Seedance content generation task (Ark shape)',
    { request: 'SeedanceCreateTaskRequest', response: 'SeedanceCreatedTask' },
  ),
  video(
    'GET',
    [SEEDANCE_TASKS],
    'seedance',
    'seedance.list',
    'Seedance tasks of the calling key (`page_num`, `page_size`, `filter.status`, `filter.model`)',
    { response: 'SeedanceTaskList' },
  ),
  video('GET', [`${SEEDANCE_TASKS}/{id}`], 'seedance', 'seedance.get', 'A Seedance task', {
    response: 'SeedanceTask',
  }),
  video(
    'DELETE',
    [`${SEEDANCE_TASKS}/{id}`],
    'seedance',
    'seedance.delete',
    'Cancel a queued Seedance task (uncharged), or delete an ended one',
    { response: 'Empty' },
  ),
  video(
    'POST',
    google('/models/{model}:predictLongRunning'),
    'google',
    'veo.predict',
    'Veo video generation (`models.generateVideos`): a long-running operation',
    { request: 'VeoPredictLongRunningRequest', response: 'VeoOperation' },
  ),
  video(
    'GET',
    google('/models/{model}/operations/{id}'),
    'google',
    'veo.operation',
    'A Veo operation (`operations.getVideosOperation`)',
    { response: 'VeoOperation' },
  ),
  video(
    'POST',
    google('/models/{model}:fetchPredictOperation'),
    'google',
    'veo.fetchOperation',
    'A Veo operation by `operationName` (Vertex-style fetch)',
    { request: 'VeoFetchOperationRequest', response: 'VeoOperation' },
  ),
  video(
    'GET',
    google('/files/{file}:download'),
    'google',
    'veo.download',
    'A Veo output (`files.download`, `alt=media`), streamed through the gateway; `Range` honoured',
    { response: 'VideoContent' },
  ),
];

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
    paths: both('/v1/completions'),
    dialect: 'openai',
    serves: { operation: 'completions' },
    body: 'json',
    tag: OPENAI,
    summary:
      'OpenAI legacy completions (JSON or SSE stream): passed through to OpenAI deployments, translated (one prompt) to any chat provider',
    request: 'CreateCompletionRequest',
    response: 'CreateCompletionResponse',
    stream: 'CreateCompletionResponse',
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
    method: 'POST',
    paths: both('/v1/audio/transcriptions'),
    dialect: 'openai',
    serves: { operation: 'audio.transcriptions' },
    body: 'multipart',
    tag: OPENAI,
    summary:
      'OpenAI transcription (multipart upload re-sent to an OpenAI-wire deployment; json, text, srt, verbose_json, vtt); metered by tokens or audio seconds',
    request: 'CreateTranscriptionRequest',
    response: 'CreateTranscriptionResponse',
  },
  {
    method: 'POST',
    paths: both('/v1/audio/translations'),
    dialect: 'openai',
    serves: { operation: 'audio.translations' },
    body: 'multipart',
    tag: OPENAI,
    summary:
      'OpenAI translation to English (multipart upload re-sent to an OpenAI-wire deployment); metered by audio seconds',
    request: 'CreateTranslationRequest',
    response: 'CreateTranscriptionResponse',
  },
  {
    method: 'POST',
    paths: both('/v1/audio/speech'),
    dialect: 'openai',
    serves: { operation: 'audio.speech' },
    body: 'json',
    tag: OPENAI,
    summary:
      'OpenAI text-to-speech: passed through to OpenAI-wire deployments (audio streamed back), translated to Gemini TTS (wav or pcm)',
    request: 'CreateSpeechRequest',
    response: 'SpeechAudio',
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
  {
    method: 'POST',
    paths: ['/v1/messages'],
    dialect: 'anthropic',
    serves: { operation: 'messages' },
    body: 'json',
    tag: ANTHROPIC,
    summary:
      'Anthropic Messages (JSON or SSE): passed through to Anthropic deployments (unknown fields and beta headers kept), translated to any other chat provider',
    request: 'AnthropicMessagesRequest',
    response: 'AnthropicMessage',
    stream: 'AnthropicStreamEvent',
  },
  {
    method: 'POST',
    paths: ['/v1/messages/count_tokens'],
    dialect: 'anthropic',
    serves: { operation: 'messages.countTokens' },
    body: 'json',
    tag: ANTHROPIC,
    summary:
      'Count the input tokens of a Messages request (by an Anthropic deployment, else estimated locally)',
    request: 'AnthropicCountTokensRequest',
    response: 'AnthropicCountTokensResponse',
  },
  ...VIDEO_ROUTES,
];
