import type { IncomingHttpHeaders } from 'node:http';
import { Injectable } from '@nestjs/common';
import { parseAnthropicError } from '../../providers/anthropic/anthropic.errors';
import { anthropicForwardHeaders } from '../../dialects/anthropic/anthropic.headers';
import { JsonText } from '../../common/http/send-json';
import {
  fromAnthropicMessagesRequest,
  parseAnthropicCountTokens,
  type ParsedAnthropicMessages,
} from '../../dialects/anthropic/anthropic.request';
import { toAnthropicMessage } from '../../dialects/anthropic/anthropic.response';
import {
  anthropicErrorEvent,
  formatAnthropicSse,
  toAnthropicEvents,
  type AnthropicSseEvent,
} from '../../dialects/anthropic/anthropic.stream';
import { renderErrorBody } from '../../dialects/error-bodies';
import type { ChatResponse, ChatStreamEvent } from '../../providers/core/canonical';
import { formatSse, type SseEvent } from '../../providers/core/sse';
import { estimatePromptTokens } from '../../providers/core/token-estimate';
import type { ChatDialect, ParsedChat } from './chat-dialect';
import { replaceModel } from './openai-chat.handler';
import type { ResponseContext } from './pipeline/operation';
import { StreamErrorReported } from './pipeline/streams';
import { toGatewayError } from './pipeline/provider-error.mapping';

/**
 * The Anthropic Messages dialect (`POST /v1/messages`): passthrough to Anthropic deployments (the raw
 * body forwarded, unknown fields kept), translation via the canonical schema to any other chat
 * provider, answered as a `message` or as the Messages SSE sequence.
 */
@Injectable()
export class AnthropicChatHandler implements ChatDialect {
  readonly wire = 'anthropic' as const;

  parse(body: unknown): ParsedChat {
    return parsedCall(fromAnthropicMessagesRequest(body), 'messages');
  }

  /** The client's `anthropic-version` and `anthropic-beta`, forwarded on passthrough (contract §9.13). */
  forwardHeaders(headers: IncomingHttpHeaders): Record<string, string> | undefined {
    return anthropicForwardHeaders(headers);
  }

  /**
   * `POST /v1/messages/count_tokens`: the parsed call (never streamed), whose `promptTokens` is the
   * local estimate that `anthropicCountTokensAnswer` answers with when no Anthropic deployment counts.
   */
  parseCountTokens(body: unknown): ParsedChat {
    return parsedCall(parseAnthropicCountTokens(body), 'count_tokens');
  }

  toJson(resp: ChatResponse, ctx: ResponseContext): unknown {
    return toAnthropicMessage(resp, ctx.publicModel);
  }

  async *toSseFrames(
    events: AsyncIterable<ChatStreamEvent>,
    ctx: ResponseContext,
    id: string,
  ): AsyncIterable<string> {
    const rendered = toAnthropicEvents(events, {
      id,
      publicModel: ctx.publicModel,
      endWith: () => checkFailureEvent(ctx),
    });
    try {
      for await (const ev of rendered) yield formatAnthropicSse(ev);
    } catch (err) {
      yield errorFrame(err, ctx);
      throw new StreamErrorReported(err);
    }
  }

  /**
   * The upstream's text with only its `model` value replaced when that is unambiguous (the key occurs
   * once), otherwise the parsed message with the public model. An answer that fails its
   * response-schema check (its text blocks joined) is thrown.
   */
  passthroughJson(body: unknown, ctx: ResponseContext, text?: string): unknown {
    const failure = ctx.answerCheck?.failureOf(messageText(body));
    if (failure) throw failure;
    if (!body || typeof body !== 'object' || !('model' in body)) return body;
    const message = body as Record<string, unknown>;
    if (text !== undefined && typeof message.model === 'string') {
      const edited = replaceModel(text, message.model, ctx.publicModel);
      if (edited !== undefined) return new JsonText(edited);
    }
    message.model = ctx.publicModel;
    return message;
  }

  /**
   * The upstream's events re-emitted with their `event:` lines, unchanged but for the model in
   * `message_start`. With a response-schema check, text deltas are collected and `message_stop` is
   * held until the end, where a failed check sends `event: error` in its place.
   */
  async *passthroughStream(events: AsyncIterable<SseEvent>, ctx: ResponseContext): AsyncIterable<string> {
    const check = ctx.answerCheck;
    const from = `"model":${JSON.stringify(ctx.upstreamModel)}`;
    const to = `"model":${JSON.stringify(ctx.publicModel)}`;
    let heldStop: string | undefined;
    try {
      for await (const ev of events) {
        let data = ev.data;
        if (ev.event === 'message_start' && from !== to) data = withPublicModel(data, from, to, ctx);
        if (check && ev.event === 'content_block_delta') check.add(textDeltaOf(data));
        const frame = formatSse(data, ev.event);
        if (check && ev.event === 'message_stop') heldStop = frame;
        else yield frame;
        // The upstream's own error event (after a 200): passed on as is, and the request fails.
        if (ev.event === 'error') throw new StreamErrorReported(upstreamStreamError(data));
      }
    } catch (err) {
      if (err instanceof StreamErrorReported) throw err;
      yield errorFrame(err, ctx);
      throw new StreamErrorReported(err);
    }
    const failure = checkFailureEvent(ctx);
    if (failure) yield formatAnthropicSse(failure);
    else if (heldStop) yield heldStop;
  }
}

function parsedCall(p: ParsedAnthropicMessages, endpoint: string): ParsedChat {
  return {
    publicModel: p.publicModel,
    stream: p.stream,
    body: p.body,
    request: p.request,
    endpoint,
    promptTokens: estimatePromptTokens(p.request),
    // Messages streams always carry usage (message_start, message_delta).
    clientWantsStreamUsage: true,
    streamFormat: 'sse',
  };
}

/** The `event: error` of an answer that failed its response-schema check, if it did. */
function checkFailureEvent(ctx: ResponseContext): AnthropicSseEvent | undefined {
  const failure = ctx.answerCheck?.failure();
  return failure ? anthropicErrorEvent(renderErrorBody('anthropic', failure, ctx.requestId)) : undefined;
}

/** An upstream `event: error` payload as the provider error it reports. */
function upstreamStreamError(data: string): unknown {
  try {
    return parseAnthropicError(200, JSON.parse(data), {});
  } catch {
    return parseAnthropicError(200, undefined, {});
  }
}

/**
 * The `event: error` frame of an upstream failure mid-stream, in the Anthropic shape (as Anthropic
 * itself sends after a 200). The caller throws the error on after it, so the request is recorded as
 * failed.
 */
function errorFrame(err: unknown, ctx: ResponseContext): string {
  return formatAnthropicSse(
    anthropicErrorEvent(renderErrorBody('anthropic', toGatewayError(err), ctx.requestId)),
  );
}

/**
 * `message_start` data with the public model: a text replacement of the compact `"model":"…"` member
 * Anthropic sends, else (other spacing) parsed and serialised again.
 */
function withPublicModel(data: string, from: string, to: string, ctx: ResponseContext): string {
  if (data.includes(from)) return data.replace(from, to);
  try {
    const ev = JSON.parse(data) as { message?: { model?: unknown } };
    if (!ev.message || typeof ev.message !== 'object' || !('model' in ev.message)) return data;
    ev.message.model = ctx.publicModel;
    return JSON.stringify(ev);
  } catch {
    return data;
  }
}

/** A `message`'s text blocks joined ('' for anything else). */
function messageText(answer: unknown): string {
  const content = (answer as { content?: unknown } | null)?.content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const b of content as Array<{ type?: unknown; text?: unknown }>)
    if (b?.type === 'text' && typeof b.text === 'string') text += b.text;
  return text;
}

/** The text of a `text_delta` event's data ('' for other deltas). */
function textDeltaOf(data: string): string {
  if (!data.includes('"text_delta"')) return '';
  try {
    const ev = JSON.parse(data) as { delta?: { type?: unknown; text?: unknown } };
    return ev.delta?.type === 'text_delta' && typeof ev.delta.text === 'string' ? ev.delta.text : '';
  } catch {
    return '';
  }
}
