import { Injectable } from '@nestjs/common';
import { fromOpenAiChatRequest } from '../../dialects/openai/openai-chat.request';
import { toOpenAiChatResponse, toOpenAiChunks } from '../../dialects/openai/openai-chat.response';
import type { ChatStreamEvent } from '../../providers/core/canonical';
import { formatSse, type SseEvent } from '../../providers/core/sse';
import { JsonText } from '../../common/http/send-json';
import { renderErrorBody } from '../../dialects/error-bodies';
import type { ChatDialectHandler, ParsedChat, ResponseContext } from './chat-dialect';

const DONE = 'data: [DONE]\n\n';

/** The OpenAI chat-completions dialect. */
@Injectable()
export class OpenAiChatHandler implements ChatDialectHandler {
  readonly wire = 'openai' as const;
  readonly operation = 'chat.completions';

  parse(body: unknown): ParsedChat {
    const p = fromOpenAiChatRequest(body);
    return { ...p, clientWantsStreamUsage: p.request.streamIncludeUsage === true };
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
    const failure = ctx.streamCheck?.failure();
    if (failure) yield formatSse(JSON.stringify(renderErrorBody('openai', failure, ctx.requestId)));
    yield DONE;
  }

  /**
   * The upstream's text, forwarded as it came with only its `model` value replaced, when that is
   * unambiguous (the key `"model"` occurs once in the text, so it is the top-level one); otherwise the
   * parsed answer with the public model, serialised again.
   */
  passthroughJson(body: unknown, ctx: ResponseContext, text?: string): unknown {
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
    for await (const ev of events) {
      const frame = this.passthroughFrame(ev, ctx);
      if (frame !== null) yield frame;
    }
  }

  private passthroughFrame(ev: SseEvent, ctx: ResponseContext): string | null {
    if (ev.data === '[DONE]') return DONE;
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
}

const MODEL_KEY = '"model"';

/** `text` with its only `"model":"<from>"` member set to `to`; undefined when that is not exactly so. */
function replaceModel(text: string, from: string, to: string): string | undefined {
  const at = text.indexOf(MODEL_KEY);
  if (at === -1 || text.includes(MODEL_KEY, at + MODEL_KEY.length)) return undefined;
  const member = `${MODEL_KEY}:${JSON.stringify(from)}`;
  if (!text.startsWith(member, at)) return undefined;
  if (from === to) return text;
  return `${text.slice(0, at)}${MODEL_KEY}:${JSON.stringify(to)}${text.slice(at + member.length)}`;
}
