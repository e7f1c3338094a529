import { anthropicAdapter } from '../../../providers/anthropic/anthropic.adapter';
import type { ProviderContext } from '../../../providers/core/adapter';
import type { ChatRequest, Usage } from '../../../providers/core/canonical';
import type { PassthroughResult, ProviderClient } from '../../../providers/core/provider-client';
import type { SseEvent } from '../../../providers/core/sse';
import type { ChatDialect } from '../chat-dialect';
import type { ChatRequestPreparer } from '../chat-request-preparer';
import type { ChatResponseValidator } from '../chat-response-validator';
import type { Attempt, ParsedCall, ResponseContext } from '../pipeline/operation';
import type { RequestMeter } from '../pipeline/request-meter';
import type { GeminiCacheRegistry } from '../preparation/gemini-cache-registry';
import { chatOperation } from './chat.operation';

function frame(data: object): SseEvent {
  return { event: (data as { type: string }).type, data: JSON.stringify(data) };
}

async function* upstream(): AsyncGenerator<SseEvent> {
  yield frame({
    type: 'message_start',
    message: {
      id: 'msg_1',
      usage: {
        input_tokens: 100,
        output_tokens: 1,
        cache_read_input_tokens: 2000,
        cache_creation_input_tokens: 500,
        cache_creation: { ephemeral_5m_input_tokens: 300, ephemeral_1h_input_tokens: 200 },
      },
    },
  });
  yield frame({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'hi' } });
  yield frame({ type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 42 } });
  yield frame({ type: 'message_stop' });
}

describe('chat operation: passthrough to a deployment of the dialect wire', () => {
  it('forwards the dialect headers and meters stream usage merged over the events (streamUsage)', async () => {
    const calls: Array<Record<string, string> | undefined> = [];
    const client = {
      passthrough: (
        _codec: unknown,
        _op: string,
        _body: unknown,
        _ctx: unknown,
        _stream: boolean,
        _signal: unknown,
        clientHeaders?: Record<string, string>,
      ): Promise<PassthroughResult> => {
        calls.push(clientHeaders);
        return Promise.resolve({ status: 200, headers: {}, events: upstream() });
      },
    } as unknown as ProviderClient;
    const dialect = {
      wire: 'anthropic',
      async *passthroughStream(events: AsyncIterable<SseEvent>) {
        for await (const ev of events) yield `data: ${ev.data}\n\n`;
      },
    } as unknown as ChatDialect;
    const op = chatOperation('chat.completions', dialect, {
      client,
      preparer: {} as ChatRequestPreparer,
      validator: { forRequest: () => undefined } as unknown as ChatResponseValidator,
      caches: {} as GeminiCacheRegistry,
    });
    const usages: Usage[] = [];
    const meter = {
      observeChunk: () => undefined,
      usage: (u: Usage | undefined) => {
        if (u) usages.push(u);
      },
    } as unknown as RequestMeter;
    const forwardHeaders = { 'anthropic-version': '2023-06-01', 'anthropic-beta': 'files-api-2025-04-14' };
    const parsed = {
      endpoint: 'messages',
      body: { stream: true },
      stream: true,
      request: { messages: [], stream: true },
      forwardHeaders,
    } as unknown as ParsedCall<ChatRequest>;
    const outcome = await op.attempt({
      adapter: anthropicAdapter,
      parsed,
      ctx: {} as ProviderContext,
      rctx: { streamFormat: 'sse' } as ResponseContext,
      meter,
    } as unknown as Attempt<ChatRequest>);
    expect(calls).toEqual([forwardHeaders]);
    expect(outcome.kind).toBe('stream');
    if (outcome.kind !== 'stream') return;
    const frames: string[] = [];
    for await (const f of outcome.frames) frames.push(f);
    expect(frames).toHaveLength(4);
    expect(usages[usages.length - 1]).toEqual({
      promptTokens: 2600,
      completionTokens: 42,
      cachedTokens: 2000,
      cacheWriteTokens: 500,
      cacheWrite1hTokens: 200,
    });
  });
});
