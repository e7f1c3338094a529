import type {
  ChatRequest,
  ChatResponse,
  ChatStreamEvent,
  EmbeddingsRequest,
  EmbeddingsResponse,
  Usage,
} from './canonical';
import type { UploadForm } from './multipart-encode';
import type { ProviderError } from './provider-error';
import type { SseEvent } from './sse';
import type { CancelSignal } from './cancel';
import type { ImagesCodec } from './images';
import type { VideoCodec } from './video';

import type { ProviderId } from './provider-ids';

export { PROVIDER_IDS, type ProviderId } from './provider-ids';

/** The wire format a provider speaks natively; a dialect equal to it is passed through. */
export type WireFormat = 'openai' | 'anthropic' | 'gemini';

/** What a codec needs to know about the deployment it is talking to. Secrets stay in memory only. */
export interface DeploymentTarget {
  id: string;
  provider: ProviderId;
  upstreamModel: string;
  baseUrl?: string;
  apiKey?: string;
  connectTimeoutMs: number;
  timeoutMs: number;
  streamIdleTimeoutMs: number;
  settings: Record<string, unknown>;
}

export interface ProviderContext {
  deployment: DeploymentTarget;
  requestId: string;
  /** The clock of codecs that sign their requests (Kling's JWT), epoch ms; `Date.now()` when absent. */
  nowMs?: number;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A fully built upstream request: absolute URL, headers (credentials included), serialised body. */
export interface HttpRequestSpec {
  method: HttpMethod;
  url: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

export interface Capabilities {
  chat: boolean;
  streaming: boolean;
  tools: boolean;
  vision: boolean;
  audioInput: boolean;
  embeddings: boolean;
  video: boolean;
  /** The provider fetches http(s) media URLs itself; when false the gateway inlines them first. */
  mediaUrls: boolean;
}

/** A provider that only makes videos (Kling, Seedance). */
export const VIDEO_ONLY_CAPABILITIES: Capabilities = {
  chat: false,
  streaming: false,
  tools: false,
  vision: false,
  audioInput: false,
  embeddings: false,
  video: true,
  mediaUrls: true,
};

/** Pure translation between the canonical schema and one provider's wire format. No I/O. */
export interface ChatCodec {
  readonly kind: 'http';
  buildRequest(req: ChatRequest, ctx: ProviderContext): HttpRequestSpec;
  parseResponse(body: unknown, ctx: ProviderContext): ChatResponse;
  /** Stream state lives inside the generator. */
  parseStream(events: AsyncIterable<SseEvent>, ctx: ProviderContext): AsyncIterable<ChatStreamEvent>;
  parseError(
    status: number,
    body: unknown,
    headers: Headers | Record<string, string | string[] | undefined>,
  ): ProviderError;
}

/** A provider with no network at all (the built-in `mock`): it answers in-process. */
export interface LocalChatHandler {
  readonly kind: 'local';
  complete(req: ChatRequest, ctx: ProviderContext, signal?: CancelSignal): Promise<ChatResponse>;
  stream(req: ChatRequest, ctx: ProviderContext, signal?: CancelSignal): AsyncIterable<ChatStreamEvent>;
}

/** The usage of one passthrough stream so far, fed every chunk (parsed JSON, or undefined) in order. */
export interface StreamUsageAccumulator {
  /** The merged usage after this chunk, or undefined when the chunk carried none. */
  add(chunk: unknown): Usage | undefined;
}

/**
 * Passthrough for a client dialect equal to the provider's wire format: the body is forwarded as is
 * (unknown fields kept), only the model (and credentials) are replaced; usage is still extracted.
 */
export interface PassthroughCodec {
  readonly wire: WireFormat;
  /**
   * `operation` is the dialect's operation name, e.g. `chat.completions` or `generateContent`.
   * `clientHeaders` are the client's headers the dialect chose to forward (Anthropic:
   * `anthropic-version`, `anthropic-beta`); a codec uses only those it knows.
   */
  buildRequest(
    operation: string,
    body: Record<string, unknown>,
    ctx: ProviderContext,
    stream: boolean,
    clientHeaders?: Record<string, string>,
  ): HttpRequestSpec;
  /**
   * A multipart upload (OpenAI `/audio/transcriptions`, `/audio/translations`): the client's form
   * re-encoded, its `model` field the deployment's. Only wires that take uploads have it.
   */
  buildUpload?(operation: string, form: UploadForm, ctx: ProviderContext): HttpRequestSpec;
  usageFromResponse(operation: string, body: unknown): Usage | undefined;
  /**
   * Usage carried by one stream chunk, if any (the last one seen wins). `chunk` is the event's data
   * already parsed as JSON by the caller (undefined when it is not JSON), so each chunk is parsed once.
   */
  usageFromStreamChunk(operation: string, chunk: unknown): Usage | undefined;
  /**
   * For a wire that spreads usage over several events (Anthropic: input and cache counts in
   * message_start, cumulative output in message_delta): a fresh accumulator per stream, used instead
   * of `usageFromStreamChunk`.
   */
  streamUsage?(operation: string): StreamUsageAccumulator;
  /**
   * For a wire whose streams end by closing the connection (Gemini), where a cut looks like an end:
   * whether a chunk (parsed as for `usageFromStreamChunk`) shows the answer complete.
   */
  streamComplete?(operation: string, chunk: unknown): boolean;
  parseError(
    status: number,
    body: unknown,
    headers: Headers | Record<string, string | string[] | undefined>,
  ): ProviderError;
}

export interface EmbeddingsCodec {
  buildRequest(req: EmbeddingsRequest, ctx: ProviderContext): HttpRequestSpec;
  parseResponse(body: unknown, ctx: ProviderContext): EmbeddingsResponse;
  parseError(
    status: number,
    body: unknown,
    headers: Headers | Record<string, string | string[] | undefined>,
  ): ProviderError;
}

/**
 * Provider-side context caches (Gemini `cachedContents`): the requests on the collection and on one
 * cache, and what a creation answer says. A provider with this member can hold a cache.
 */
export interface ContextCacheCodec {
  /** Creates a cache from the client's body, with the deployment's model in place of the public one. */
  buildCreate(body: Record<string, unknown>, ctx: ProviderContext): HttpRequestSpec;
  /** A request on one cache (`name` is `cachedContents/{id}`); `query` without its `?`. */
  buildOne(
    method: 'GET' | 'PATCH' | 'DELETE',
    name: string,
    ctx: ProviderContext,
    body?: unknown,
    query?: string,
  ): HttpRequestSpec;
  /** The created cache's name and the tokens it holds (when the answer says). */
  parseCreated(body: unknown): { name: string; tokens?: number };
  parseError(
    status: number,
    body: unknown,
    headers: Headers | Record<string, string | string[] | undefined>,
  ): ProviderError;
}

/** A text-to-speech call, as the OpenAI speech request names it (the voice already the provider's). */
export interface SpeechRequest {
  input: string;
  voice: string;
  /** Style directions (OpenAI `instructions`); a provider without them says them in its prompt. */
  instructions?: string;
}

/** Speech audio as a provider answered it: raw 16-bit little-endian PCM and its layout, with usage. */
export interface SpeechAudio {
  pcm: Buffer;
  sampleRate: number;
  channels: number;
  usage?: Usage;
}

/**
 * Text-to-speech for a provider whose wire is not OpenAI's (Gemini TTS models: generateContent with
 * audio output). OpenAI-wire deployments pass `/audio/speech` through instead.
 */
export interface SpeechCodec {
  buildRequest(req: SpeechRequest, ctx: ProviderContext): HttpRequestSpec;
  parseResponse(body: unknown, ctx: ProviderContext): SpeechAudio;
  parseError(
    status: number,
    body: unknown,
    headers: Headers | Record<string, string | string[] | undefined>,
  ): ProviderError;
  /** The provider's own voice for an OpenAI voice name; undefined when it has none (a 400 naming `voice`). */
  voiceFor(openAiVoice: string): string | undefined;
}

export interface ProviderAdapter {
  readonly id: ProviderId;
  readonly capabilities: Capabilities;
  readonly chat?: ChatCodec | LocalChatHandler;
  readonly passthrough?: PassthroughCodec;
  readonly embeddings?: EmbeddingsCodec;
  readonly contextCache?: ContextCacheCodec;
  /** Async video generation (submit, poll, download), when the provider has it. */
  readonly video?: VideoCodec;
  /** Text-to-speech translated from OpenAI's `/audio/speech` (Gemini TTS). */
  readonly speech?: SpeechCodec;
  /** Image generation and edits (OpenAI's images API, passed through; Gemini image models, translated). */
  readonly images?: ImagesCodec;
}

/** Joins a base URL and a documented path without doubling or losing slashes. */
export function joinUrl(base: string, path: string): string {
  const b = base.endsWith('/') ? base.slice(0, -1) : base;
  const p = path.startsWith('/') ? path : `/${path}`;
  return b + p;
}
