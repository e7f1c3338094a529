import type { ProviderAdapter, ProviderContext, WireFormat } from '../../providers/core/adapter';
import type { Usage } from '../../providers/core/canonical';
import type { ProviderClient } from '../../providers/core/provider-client';
import type { ChatRequest, ChatResponse, ChatStreamEvent } from '../../providers/core/canonical';
import type { SseEvent } from '../../providers/core/sse';
import type { AnswerCheck } from './chat-response-validator';
import type { CancelSignal } from '../../providers/core/cancel';

export interface ParsedChat {
  publicModel: string;
  stream: boolean;
  /** The client's raw body (forwarded as is on passthrough). */
  body: Record<string, unknown>;
  request: ChatRequest;
  /** The client asked for usage in the stream (OpenAI `stream_options.include_usage`). */
  clientWantsStreamUsage: boolean;
  /** Passthrough operation when it depends on the request (Google `generateContent` vs `streamGenerateContent`). */
  operation?: string;
  /** Streamed answers are SSE unless the dialect says otherwise (Google without `alt=sse`: a JSON array). */
  streamFormat?: 'sse' | 'json-array';
  /** Only a deployment speaking the dialect's wire format can serve it (Gemini countTokens, embeddings). */
  passthroughOnly?: boolean;
}

/** A translated non-chat operation (embeddings): its JSON answer and usage. */
export interface InvokeResult {
  body: unknown;
  usage?: Usage;
}

export interface ResponseContext {
  publicModel: string;
  upstreamModel: string;
  requestId: string;
  clientWantsStreamUsage: boolean;
  streamFormat: 'sse' | 'json-array';
  /**
   * The answer's response-schema check (`enforce_validation`), when asked for. A translated stream's
   * text is collected before the handler sees it; a handler collects a passthrough stream's itself
   * (`add`), and ends a stream whose `failure()` names an error with that error, in its dialect's
   * shape; a passthrough JSON answer that fails (`failureOf`) is thrown.
   */
  answerCheck?: AnswerCheck;
}

/** What the chat pipeline needs from a client dialect: parse in, serialise out, passthrough hooks. */
export interface ChatDialectHandler {
  readonly wire: WireFormat;
  /** The dialect's passthrough operation name (e.g. `chat.completions`). */
  readonly operation: string;
  parse(body: unknown, params: Record<string, string>, query: Record<string, unknown>): ParsedChat;
  toJson(resp: ChatResponse, ctx: ResponseContext): unknown;
  /** SSE text frames, terminator included (after the error of a failed `ctx.answerCheck`). */
  toSseFrames(
    events: AsyncIterable<ChatStreamEvent>,
    ctx: ResponseContext,
    id: string,
  ): AsyncIterable<string>;
  /**
   * Rewrites a passthrough JSON answer (public model name). `text` is the answer as the upstream sent
   * it: a handler may return it (as JsonText), edited, instead of the object to serialise again.
   */
  passthroughJson(body: unknown, ctx: ResponseContext, text?: string): unknown;
  /**
   * Non-chat operations (embeddings) served by a provider of another wire format: the handler calls
   * the provider's codec itself. Chat handlers leave it undefined.
   */
  invoke?(
    client: ProviderClient,
    adapter: ProviderAdapter,
    parsed: ParsedChat,
    ctx: ProviderContext,
    rctx: ResponseContext,
    signal: CancelSignal,
  ): Promise<InvokeResult>;
  /** Rewrites a passthrough event stream into the client's frames (public model name, hidden usage…). */
  passthroughStream(events: AsyncIterable<SseEvent>, ctx: ResponseContext): AsyncIterable<string>;
}
