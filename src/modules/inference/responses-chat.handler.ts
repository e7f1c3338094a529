import { Injectable } from '@nestjs/common';
import { renderErrorBody } from '../../dialects/error-bodies';
import { fromResponsesRequest } from '../../dialects/openai-responses/responses.request';
import {
  newResponseId,
  toResponsesObject,
  type ResponseHeader,
} from '../../dialects/openai-responses/responses.response';
import { formatResponsesSse, toResponsesEvents } from '../../dialects/openai-responses/responses.stream';
import type { ChatResponse, ChatStreamEvent } from '../../providers/core/canonical';
import { formatSse, type SseEvent } from '../../providers/core/sse';
import { estimatePromptTokens } from '../../providers/core/token-estimate';
import type { ChatDialect, ParsedChat } from './chat-dialect';
import type { ResponseContext } from './pipeline/operation';
import { toGatewayError } from './pipeline/provider-error.mapping';
import { StreamErrorReported } from './pipeline/streams';

type Json = Record<string, unknown>;

/** A Responses call once parsed: the chat call and what only Responses has. */
export interface ParsedResponsesCall extends ParsedChat {
  /** Save the answer (`store`, default true). */
  store: boolean;
  previousResponseId?: string;
}

/** Where a rendered stream reports its final Response (storage). */
export type ResponseCompletedHook = (response: Json) => Promise<void>;

/**
 * The OpenAI Responses dialect (`POST /v1/responses`): parsed into the canonical chat request,
 * answered as a Response object or as the Responses SSE sequence (`event:` lines, `sequence_number`,
 * terminal `response.completed` with output and usage). Passthrough (to provider `openai` only) keeps
 * the upstream's events, the model renamed. See operations/responses.operation.ts.
 */
@Injectable()
export class ResponsesChatHandler implements ChatDialect {
  readonly wire = 'openai' as const;

  parse(body: unknown): ParsedResponsesCall {
    const p = fromResponsesRequest(body);
    return {
      publicModel: p.publicModel,
      stream: p.stream,
      body: p.body,
      request: p.request,
      endpoint: 'responses',
      promptTokens: estimatePromptTokens(p.request),
      // Responses streams always end with the usage (response.completed).
      clientWantsStreamUsage: true,
      streamFormat: 'sse',
      store: p.store,
      ...(p.previousResponseId ? { previousResponseId: p.previousResponseId } : {}),
    };
  }

  toJson(resp: ChatResponse, ctx: ResponseContext, header?: ResponseHeader): unknown {
    return toResponsesObject(
      resp,
      header ?? { id: newResponseId(), publicModel: ctx.publicModel, createdAt: now() },
    );
  }

  toSseFrames(
    events: AsyncIterable<ChatStreamEvent>,
    ctx: ResponseContext,
    id: string,
  ): AsyncIterable<string> {
    return this.renderStream(events, ctx, {
      id: id.startsWith('resp_') ? id : newResponseId(),
      publicModel: ctx.publicModel,
      createdAt: now(),
    });
  }

  /** The Responses SSE frames of a translated stream; `onCompleted` gets the final Response. */
  async *renderStream(
    events: AsyncIterable<ChatStreamEvent>,
    ctx: ResponseContext,
    header: ResponseHeader,
    onCompleted?: ResponseCompletedHook,
  ): AsyncIterable<string> {
    const rendered = toResponsesEvents(events, {
      ...header,
      endWith: () => checkFailure(ctx),
      errorOf: (err) => errorObject(err, ctx),
      ...(onCompleted ? { onCompleted } : {}),
    });
    try {
      for await (const ev of rendered) yield formatResponsesSse(ev);
    } catch (err) {
      throw new StreamErrorReported(err);
    }
  }

  /** The upstream's Response with the public model. An answer failing its schema check is thrown. */
  passthroughJson(body: unknown, ctx: ResponseContext): unknown {
    const failure = ctx.answerCheck?.failureOf(outputText(body));
    if (failure) throw failure;
    if (body && typeof body === 'object' && 'model' in body) (body as Json).model = ctx.publicModel;
    return body;
  }

  /** The upstream's events with their `event:` lines, the model renamed in the `response` they carry. */
  async *passthroughStream(events: AsyncIterable<SseEvent>, ctx: ResponseContext): AsyncIterable<string> {
    const from = `"model":${JSON.stringify(ctx.upstreamModel)}`;
    const to = `"model":${JSON.stringify(ctx.publicModel)}`;
    try {
      for await (const ev of events) {
        const data = from !== to && ev.data.includes(from) ? ev.data.split(from).join(to) : ev.data;
        yield formatSse(data, ev.event);
      }
    } catch (err) {
      const error = errorObject(err, ctx);
      yield formatSse(JSON.stringify({ type: 'error', ...error }), 'error');
      throw new StreamErrorReported(err);
    }
  }
}

function now(): number {
  return Math.floor(Date.now() / 1000);
}

/** `{code, message}` of a failure, as the OpenAI error body names them. */
function errorObject(err: unknown, ctx: ResponseContext): Json {
  const body = renderErrorBody('openai', toGatewayError(err), ctx.requestId) as { error: Json };
  return { code: body.error.code ?? 'server_error', message: body.error.message };
}

function checkFailure(ctx: ResponseContext): Json | undefined {
  const failure = ctx.answerCheck?.failure();
  return failure ? errorObject(failure, ctx) : undefined;
}

/** The output_text parts of a Response joined. */
function outputText(body: unknown): string {
  const output = (body as { output?: unknown } | null)?.output;
  if (!Array.isArray(output)) return '';
  let text = '';
  for (const item of output as Array<{ type?: unknown; content?: unknown }>)
    if (item?.type === 'message' && Array.isArray(item.content))
      for (const p of item.content as Array<{ type?: unknown; text?: unknown }>)
        if (p?.type === 'output_text' && typeof p.text === 'string') text += p.text;
  return text;
}
