import { Injectable } from '@nestjs/common';
import {
  fromOpenAiEmbeddingsRequest,
  toOpenAiEmbeddingsResponse,
} from '../../dialects/openai/openai-embeddings.request';
import type { ProviderAdapter, ProviderContext } from '../../providers/core/adapter';
import type { ChatResponse, ChatStreamEvent, EmbeddingsRequest } from '../../providers/core/canonical';
import type { ProviderClient } from '../../providers/core/provider-client';
import { ProviderError } from '../../providers/core/provider-error';
import type { SseEvent } from '../../providers/core/sse';
import type { ChatDialectHandler, InvokeResult, ParsedChat, ResponseContext } from './chat-dialect';
import type { CancelSignal } from '../../providers/core/cancel';

/**
 * OpenAI `POST /v1/embeddings`: passthrough to OpenAI-wire deployments, the provider's embeddings
 * codec (Gemini `batchEmbedContents`) otherwise. Metered like every model call.
 */
@Injectable()
export class OpenAiEmbeddingsHandler implements ChatDialectHandler {
  readonly wire = 'openai' as const;
  readonly operation = 'embeddings';
  private readonly requests = new WeakMap<ParsedChat, EmbeddingsRequest>();

  parse(body: unknown): ParsedChat {
    const p = fromOpenAiEmbeddingsRequest(body);
    const parsed: ParsedChat = {
      publicModel: p.publicModel,
      stream: false,
      body: p.body,
      // The budget estimate and aborted-request estimate read the input as a prompt; no output is reserved.
      request: {
        messages: [{ role: 'user', content: [{ type: 'text', text: p.text }] }],
        stream: false,
        maxTokens: 1,
      },
      clientWantsStreamUsage: false,
      operation: 'embeddings',
    };
    this.requests.set(parsed, p.request);
    return parsed;
  }

  async invoke(
    client: ProviderClient,
    adapter: ProviderAdapter,
    parsed: ParsedChat,
    ctx: ProviderContext,
    rctx: ResponseContext,
    signal: CancelSignal,
  ): Promise<InvokeResult> {
    const request = this.requests.get(parsed);
    if (!request)
      throw new ProviderError({
        kind: 'unsupported',
        message: 'embeddings request was not parsed by this handler',
      });
    const resp = await client.embed(adapter, request, ctx, signal);
    return {
      body: toOpenAiEmbeddingsResponse(resp.embeddings, rctx.publicModel, resp.usage, request.encodingFormat),
      usage: resp.usage,
    };
  }

  passthroughJson(body: unknown, ctx: ResponseContext): unknown {
    if (body && typeof body === 'object' && 'model' in body)
      (body as Record<string, unknown>).model = ctx.publicModel;
    return body;
  }

  toJson(_resp: ChatResponse): unknown {
    throw new ProviderError({ kind: 'unsupported', message: 'embeddings have no chat answer' });
  }

  // eslint-disable-next-line require-yield
  async *toSseFrames(_events: AsyncIterable<ChatStreamEvent>): AsyncIterable<string> {
    throw new ProviderError({ kind: 'unsupported', param: 'stream', message: 'embeddings do not stream' });
  }

  // eslint-disable-next-line require-yield
  async *passthroughStream(_events: AsyncIterable<SseEvent>): AsyncIterable<string> {
    throw new ProviderError({ kind: 'unsupported', param: 'stream', message: 'embeddings do not stream' });
  }
}
