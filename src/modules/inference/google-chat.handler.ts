import { Injectable } from '@nestjs/common';
import { DialectValidationError } from '../../dialects/dialect-validation-error';
import { renderErrorBody } from '../../dialects/error-bodies';
import { toGeminiResponse, toGeminiStream } from '../../dialects/google/google.canonical-to-wire';
import { fromGeminiRequest } from '../../dialects/google/google.wire-to-canonical';
import type { ChatResponse, ChatStreamEvent } from '../../providers/core/canonical';
import type { SseEvent } from '../../providers/core/sse';
import { estimatePromptTokens } from '../../providers/core/token-estimate';
import type { ChatDialect, ParsedChat } from './chat-dialect';
import type { ResponseContext } from './pipeline/operation';
import { toGatewayError } from './pipeline/provider-error.mapping';

/** The model and action of a `models/{model}:{action}` route (the route table's parameters). */
export function modelActionOf(params: Record<string, string>): { model: string; action: string } {
  return { model: (params.model ?? '').replace(/^models\//, ''), action: params.action ?? '' };
}

/**
 * The Google GenAI dialect (`/v1beta/models/{model}:{action}` and `/gemini/v1beta/...`): passthrough
 * to Gemini deployments, translation (via the canonical schema) to any other chat provider.
 */
@Injectable()
export class GoogleChatHandler implements ChatDialect {
  readonly wire = 'gemini' as const;

  parse(body: unknown, params: Record<string, string>, query: Record<string, unknown>): ParsedChat {
    const { model, action } = modelActionOf(params);
    if (action !== 'generateContent' && action !== 'streamGenerateContent') {
      throw new DialectValidationError(`unsupported action ':${action}'`, 'action');
    }
    const stream = action === 'streamGenerateContent';
    const request = fromGeminiRequest(body, model, { stream });
    return {
      publicModel: model,
      stream,
      body: body as Record<string, unknown>,
      request,
      endpoint: action,
      promptTokens: estimatePromptTokens(request),
      clientWantsStreamUsage: true,
      streamFormat: stream && query.alt !== 'sse' ? 'json-array' : 'sse',
    };
  }

  toJson(resp: ChatResponse, ctx: ResponseContext): unknown {
    return toGeminiResponse(resp, ctx.publicModel);
  }

  async *toSseFrames(events: AsyncIterable<ChatStreamEvent>, ctx: ResponseContext): AsyncIterable<string> {
    yield* frame(
      (async function* () {
        for await (const chunk of toGeminiStream(events, ctx.publicModel)) yield JSON.stringify(chunk);
        const failure = ctx.answerCheck?.failure();
        if (failure) yield JSON.stringify(renderErrorBody('google', failure, ctx.requestId));
      })(),
      ctx.streamFormat,
    );
  }

  passthroughJson(body: unknown, ctx: ResponseContext): unknown {
    if (Array.isArray(body)) return body.map((b) => this.passthroughJson(b, ctx));
    if (body && typeof body === 'object' && 'modelVersion' in body)
      (body as Record<string, unknown>).modelVersion = ctx.publicModel;
    return body;
  }

  async *passthroughStream(events: AsyncIterable<SseEvent>, ctx: ResponseContext): AsyncIterable<string> {
    const needle = `"modelVersion":${JSON.stringify(ctx.upstreamModel)}`;
    const replacement = `"modelVersion":${JSON.stringify(ctx.publicModel)}`;
    yield* frame(
      (async function* () {
        for await (const ev of events) yield ev.data.replace(needle, replacement);
      })(),
      ctx.streamFormat,
    );
  }

  /**
   * A chunk `{"error": {code, message, status}}`, as Gemini itself sends mid-stream (the Google SDK
   * raises it as an ApiError); a JSON-array answer (no `alt=sse`) is cut instead.
   */
  failureFrame(err: unknown, ctx: ResponseContext): string | undefined {
    if (ctx.streamFormat !== 'sse') return undefined;
    return `data: ${JSON.stringify(renderErrorBody('google', toGatewayError(err), ctx.requestId))}\r\n\r\n`;
  }
}

/** Gemini chunks as SSE (`data:` frames, no [DONE]) or, without `alt=sse`, one JSON array. */
async function* frame(chunks: AsyncIterable<string>, format: 'sse' | 'json-array'): AsyncIterable<string> {
  if (format === 'sse') {
    for await (const c of chunks) yield `data: ${c}\r\n\r\n`;
    return;
  }
  let first = true;
  for await (const c of chunks) {
    yield first ? `[${c}` : `,\r\n${c}`;
    first = false;
  }
  yield first ? '[]' : ']';
}
