import { Injectable } from '@nestjs/common';
import { DialectValidationError } from '../../dialects/dialect-validation-error';
import { renderErrorBody } from '../../dialects/error-bodies';
import { toGeminiResponse, toGeminiStream } from '../../dialects/google/google.canonical-to-wire';
import { fieldOnce, isObj, type Obj } from '../../dialects/google/google.fields';
import { fromGeminiRequest } from '../../dialects/google/google.wire-to-canonical';
import type { ChatRequest, ChatResponse, ChatStreamEvent } from '../../providers/core/canonical';
import type { SseEvent } from '../../providers/core/sse';
import type { ChatDialectHandler, ParsedChat, ResponseContext } from './chat-dialect';

/** `gemini-2.5-flash:generateContent` (the path segment after `models/`) → model and action. */
export function splitModelAction(target: string | undefined): { model: string; action: string } {
  const raw = decodeURIComponent(target ?? '');
  const i = raw.lastIndexOf(':');
  if (i <= 0) throw new DialectValidationError(`'${raw}' must look like {model}:{action}`, 'model');
  return { model: raw.slice(0, i).replace(/^models\//, ''), action: raw.slice(i + 1) };
}

/** Operations that only a Gemini deployment can serve (forwarded as is). */
export const GOOGLE_PASSTHROUGH_ONLY = new Set(['countTokens', 'embedContent', 'batchEmbedContents']);

/**
 * The Google GenAI dialect (`/v1beta/models/{model}:{action}` and `/gemini/v1beta/...`): passthrough
 * to Gemini deployments, translation (via the canonical schema) to any other chat provider.
 */
@Injectable()
export class GoogleChatHandler implements ChatDialectHandler {
  readonly wire = 'gemini' as const;
  readonly operation = 'generateContent';

  parse(body: unknown, params: Record<string, string>, query: Record<string, unknown>): ParsedChat {
    const { model, action } = splitModelAction(params.target);
    if (GOOGLE_PASSTHROUGH_ONLY.has(action)) return this.parsePassthroughOnly(body, model, action);
    if (action !== 'generateContent' && action !== 'streamGenerateContent') {
      throw new DialectValidationError(`unsupported action ':${action}'`, 'action');
    }
    const stream = action === 'streamGenerateContent';
    return {
      publicModel: model,
      stream,
      body: body as Record<string, unknown>,
      request: fromGeminiRequest(body, model, { stream }),
      clientWantsStreamUsage: true,
      operation: action,
      streamFormat: stream && query.alt !== 'sse' ? 'json-array' : 'sse',
    };
  }

  /** countTokens / embeddings: only the prompt text is needed, for the budget estimate. */
  private parsePassthroughOnly(body: unknown, model: string, action: string): ParsedChat {
    if (!body || typeof body !== 'object' || Array.isArray(body))
      throw new DialectValidationError('the request body must be a JSON object', 'body');
    const text = JSON.stringify(body);
    const request: ChatRequest = {
      messages: [{ role: 'user', content: [{ type: 'text', text }] }],
      stream: false,
      maxTokens: 1,
    };
    const cachedContent = countedCacheOf(body as Obj);
    if (cachedContent !== undefined) request.extensions = { gemini: { cachedContent } };
    return {
      publicModel: model,
      stream: false,
      body: body as Record<string, unknown>,
      request,
      clientWantsStreamUsage: false,
      operation: action,
      passthroughOnly: true,
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
}

/**
 * The cache a countTokens body names (`generateContentRequest.cachedContent`), read as Google reads
 * it (either spelling, at either level), so the caller's right to it is checked like on generateContent.
 */
function countedCacheOf(body: Obj): string | undefined {
  const inner = fieldOnce(body, 'generateContentRequest', 'generateContentRequest');
  const named =
    (isObj(inner) ? fieldOnce(inner, 'cachedContent', 'generateContentRequest.cachedContent') : undefined) ??
    fieldOnce(body, 'cachedContent', 'cachedContent');
  if (named === undefined || named === null) return undefined;
  if (typeof named !== 'string')
    throw new DialectValidationError(
      "'cachedContent' must be a string (cachedContents/{id})",
      'cachedContent',
    );
  return named;
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
