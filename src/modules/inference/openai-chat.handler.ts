import { Injectable } from '@nestjs/common';
import { fromOpenAiChatRequest } from '../../dialects/openai/openai-chat.request';
import { toOpenAiChatResponse, toOpenAiChunks } from '../../dialects/openai/openai-chat.response';
import type { ChatStreamEvent } from '../../providers/core/canonical';
import { formatSse, type SseEvent } from '../../providers/core/sse';
import { JsonText } from '../../common/http/send-json';
import { renderErrorBody } from '../../dialects/error-bodies';
import { estimatePromptTokens } from '../../providers/core/token-estimate';
import type { ChatDialect, ParsedChat } from './chat-dialect';
import type { ResponseContext } from './pipeline/operation';
import { toGatewayError } from './pipeline/provider-error.mapping';

const DONE = 'data: [DONE]\n\n';

/** The OpenAI chat-completions dialect. */
@Injectable()
export class OpenAiChatHandler implements ChatDialect {
  readonly wire = 'openai' as const;

  parse(body: unknown): ParsedChat {
    const p = fromOpenAiChatRequest(body);
    // Built member by member: an object spread followed by more members costs ~7 µs here (V8's slow
    // clone path), a third of the gateway's own work on a request (bench/results/ab-issue15.md).
    return {
      publicModel: p.publicModel,
      stream: p.stream,
      request: p.request,
      body: withoutGatewayFields(p.body),
      endpoint: 'chat.completions',
      promptTokens: estimatePromptTokens(p.request),
      clientWantsStreamUsage: p.request.streamIncludeUsage === true,
      streamFormat: 'sse',
    };
  }

  toJson(resp: Parameters<typeof toOpenAiChatResponse>[0], ctx: ResponseContext): unknown {
    return toOpenAiChatResponse(resp, ctx.publicModel);
  }

  async *toSseFrames(
    events: AsyncIterable<ChatStreamEvent>,
    ctx: ResponseContext,
    id: string,
  ): AsyncIterable<string> {
    const chunks = toOpenAiChunks(events, {
      id,
      created: Math.floor(Date.now() / 1000),
      publicModel: ctx.publicModel,
      includeUsage: ctx.clientWantsStreamUsage,
    });
    for await (const c of chunks) yield formatSse(JSON.stringify(c));
    yield* endOfStream(ctx);
  }

  /**
   * The upstream's text, forwarded as it came with only its `model` value replaced, when that is
   * unambiguous (the key `"model"` occurs once in the text, so it is the top-level one); otherwise the
   * parsed answer with the public model, serialised again.
   */
  passthroughJson(body: unknown, ctx: ResponseContext, text?: string): unknown {
    const failure = ctx.answerCheck?.failureOf(firstChoiceText(body, 'message'));
    if (failure) throw failure;
    if (!body || typeof body !== 'object' || !('model' in body)) return body;
    const answer = body as Record<string, unknown>;
    if (text !== undefined && typeof answer.model === 'string') {
      const edited = replaceModel(text, answer.model, ctx.publicModel);
      if (edited !== undefined) return new JsonText(edited);
    }
    answer.model = ctx.publicModel;
    return answer;
  }

  async *passthroughStream(events: AsyncIterable<SseEvent>, ctx: ResponseContext): AsyncIterable<string> {
    const check = ctx.answerCheck;
    for await (const ev of events) {
      if (ev.data === '[DONE]') {
        yield* endOfStream(ctx);
        continue;
      }
      if (check) check.add(firstChoiceText(parseJson(ev.data), 'delta'));
      const frame = this.passthroughFrame(ev, ctx);
      if (frame !== null) yield frame;
    }
  }

  private passthroughFrame(ev: SseEvent, ctx: ResponseContext): string | null {
    let data = ev.data;
    if (!ctx.clientWantsStreamUsage && data.includes('"choices":[]') && data.includes('"usage":{'))
      return null;
    if (ctx.upstreamModel !== ctx.publicModel) {
      data = data.replace(
        `"model":${JSON.stringify(ctx.upstreamModel)}`,
        `"model":${JSON.stringify(ctx.publicModel)}`,
      );
    }
    if (!ctx.clientWantsStreamUsage) data = data.replace(',"usage":null', '');
    return formatSse(data, ev.event);
  }

  /** `data: {"error": …}` (no `[DONE]` after it): the openai SDK raises it as an APIError. */
  failureFrame(err: unknown, ctx: ResponseContext): string {
    return formatSse(JSON.stringify(renderErrorBody('openai', toGatewayError(err), ctx.requestId)));
  }
}

/** `[DONE]`, after the error of an answer that failed its response-schema check. */
function* endOfStream(ctx: ResponseContext): Iterable<string> {
  const failure = ctx.answerCheck?.failure();
  if (failure) yield formatSse(JSON.stringify(renderErrorBody('openai', failure, ctx.requestId)));
  yield DONE;
}

/**
 * The client's body as forwarded upstream: without the gateway's own `enforce_validation` (top level
 * or in `response_format`), which OpenAI refuses as an unknown argument. Copied only when present.
 */
function withoutGatewayFields(body: Record<string, unknown>): Record<string, unknown> {
  const format = body.response_format as Record<string, unknown> | null | undefined;
  const nested = typeof format === 'object' && format !== null && 'enforce_validation' in format;
  if (!nested && !('enforce_validation' in body)) return body;
  const { enforce_validation: _top, ...out } = body;
  if (nested) {
    const { enforce_validation: _inFormat, ...rest } = format;
    out.response_format = rest;
  }
  return out;
}

/** `choices[0].message.content` (or `.delta.content` of a chunk) when it is text, else ''. */
function firstChoiceText(answer: unknown, member: 'message' | 'delta'): string {
  type Choice = { index?: unknown; message?: { content?: unknown }; delta?: { content?: unknown } };
  const choices = (answer as { choices?: Choice[] } | null)?.choices;
  const first = Array.isArray(choices) ? choices.find((c) => c?.index === 0) : undefined;
  const content = first?.[member]?.content;
  return typeof content === 'string' ? content : '';
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const MODEL_KEY = '"model"';

/** `text` with its only `"model":"<from>"` member set to `to`; undefined when that is not exactly so. */
export function replaceModel(text: string, from: string, to: string): string | undefined {
  const at = text.indexOf(MODEL_KEY);
  if (at === -1 || text.includes(MODEL_KEY, at + MODEL_KEY.length)) return undefined;
  const member = `${MODEL_KEY}:${JSON.stringify(from)}`;
  if (!text.startsWith(member, at)) return undefined;
  if (from === to) return text;
  return `${text.slice(0, at)}${MODEL_KEY}:${JSON.stringify(to)}${text.slice(at + member.length)}`;
}
