import type { IncomingHttpHeaders } from 'node:http';
import type { WireFormat } from '../../providers/core/adapter';
import type { ChatRequest, ChatResponse, ChatStreamEvent } from '../../providers/core/canonical';
import type { SseEvent } from '../../providers/core/sse';
import type { ParsedCall, ResponseContext } from './pipeline/operation';

/** A chat call once its dialect parsed it. */
export type ParsedChat = ParsedCall<ChatRequest>;

/**
 * What a chat operation needs from a client dialect: parse in, serialise out (translated or passed
 * through). The chat operation (operations/chat.operation.ts) does the rest.
 */
export interface ChatDialect {
  readonly wire: WireFormat;
  parse(body: unknown, params: Record<string, string>, query: Record<string, unknown>): ParsedChat;
  /** Client headers a passthrough forwards (Anthropic's version and beta flags); absent: none. */
  forwardHeaders?(headers: IncomingHttpHeaders): Record<string, string> | undefined;
  toJson(resp: ChatResponse, ctx: ResponseContext): unknown;
  /** SSE text frames, terminator included (after the error of a failed `ctx.answerCheck`). */
  toSseFrames(
    events: AsyncIterable<ChatStreamEvent>,
    ctx: ResponseContext,
    id: string,
  ): AsyncIterable<string>;
  /**
   * Rewrites a passthrough JSON answer (public model name). `text` is the answer as the upstream sent
   * it: a dialect may return it (as JsonText), edited, instead of the object to serialise again.
   */
  passthroughJson(body: unknown, ctx: ResponseContext, text?: string): unknown;
  /** Rewrites a passthrough event stream into the client's frames (public model name, hidden usage…). */
  passthroughStream(events: AsyncIterable<SseEvent>, ctx: ResponseContext): AsyncIterable<string>;
  /**
   * The dialect's in-stream error frame for a failure after the stream began, when the dialect has one
   * its SDKs raise (and the stream frames do not already send it themselves, as Anthropic's do).
   */
  failureFrame?(err: unknown, ctx: ResponseContext): string | undefined;
}
