import { anthropicCtx } from './__fixtures__/anthropic-context';
import { anthropicPassthroughCodec as codec } from './anthropic.passthrough';

const body = {
  model: 'claude',
  max_tokens: 1024,
  messages: [{ role: 'user', content: 'Hello' }],
  mcp_servers: [{ type: 'url', url: 'https://mcp.example.com' }],
  stream: true,
};

describe('anthropic passthrough codec', () => {
  it('forwards the body unchanged but for the model, to /v1/messages with the deployment key', () => {
    const spec = codec.buildRequest('messages', body, anthropicCtx({ apiKey: 'sk-ant-1' }), true);
    expect(spec.method).toBe('POST');
    expect(spec.url).toBe('https://api.anthropic.com/v1/messages');
    expect(JSON.parse(String(spec.body))).toEqual({ ...body, model: 'claude-sonnet-4-5' });
    expect(spec.headers).toEqual({
      'content-type': 'application/json',
      'anthropic-version': '2023-06-01',
      'x-api-key': 'sk-ant-1',
    });
  });

  it("keeps the client's anthropic-version and anthropic-beta, and nothing else of its headers", () => {
    const spec = codec.buildRequest('messages', body, anthropicCtx(), false, {
      'Anthropic-Version': '2024-01-01',
      'anthropic-beta': 'files-api-2025-04-14,context-1m-2025-08-07',
      authorization: 'Bearer sk-sb-client-key',
      'x-api-key': 'sk-sb-client-key',
      cookie: 'a=b',
    });
    expect(spec.headers).toEqual({
      'content-type': 'application/json',
      'anthropic-version': '2024-01-01',
      'anthropic-beta': 'files-api-2025-04-14,context-1m-2025-08-07',
      'x-api-key': 'test-key',
    });
  });

  it('sends count_tokens to /v1/messages/count_tokens and bills it as zero', () => {
    for (const op of ['count_tokens', 'messages.count_tokens', 'countTokens']) {
      const spec = codec.buildRequest(
        op,
        { model: 'x', messages: [] },
        anthropicCtx({ baseUrl: 'http://fake:1/v1' }),
        false,
      );
      expect(spec.url).toBe('http://fake:1/v1/messages/count_tokens');
      expect(codec.usageFromResponse(op, { input_tokens: 14 })).toEqual({
        promptTokens: 0,
        completionTokens: 0,
      });
    }
  });

  it('reads usage from a JSON answer (contract §9.5: cache read and write are part of the prompt)', () => {
    const usage = codec.usageFromResponse('messages', {
      type: 'message',
      usage: {
        input_tokens: 10,
        output_tokens: 20,
        cache_read_input_tokens: 1000,
        cache_creation_input_tokens: 300,
        cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 300 },
      },
    });
    expect(usage).toEqual({
      promptTokens: 1310,
      completionTokens: 20,
      cachedTokens: 1000,
      cacheWriteTokens: 300,
      cacheWrite1hTokens: 300,
    });
    expect(codec.usageFromResponse('messages', { type: 'error' })).toBeUndefined();
  });

  it('merges stream usage over message_start and message_delta, never summing cumulative counts', () => {
    const acc = codec.streamUsage?.('messages');
    expect(acc).toBeDefined();
    const start = {
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
    };
    expect(acc?.add(start)).toEqual({
      promptTokens: 2600,
      completionTokens: 1,
      cachedTokens: 2000,
      cacheWriteTokens: 500,
      cacheWrite1hTokens: 200,
    });
    expect(
      acc?.add({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'hi' } }),
    ).toBe(undefined);
    expect(acc?.add(undefined)).toBeUndefined();
    const delta1 = { type: 'message_delta', delta: { stop_reason: null }, usage: { output_tokens: 40 } };
    const delta2 = {
      type: 'message_delta',
      delta: { stop_reason: 'end_turn' },
      usage: { output_tokens: 75, input_tokens: 100, cache_read_input_tokens: 2000 },
    };
    expect(acc?.add(delta1)).toMatchObject({ promptTokens: 2600, completionTokens: 40 });
    expect(acc?.add(delta2)).toEqual({
      promptTokens: 2600,
      completionTokens: 75,
      cachedTokens: 2000,
      cacheWriteTokens: 500,
      cacheWrite1hTokens: 200,
    });
    // A fresh accumulator per stream.
    expect(codec.streamUsage?.('messages').add(delta1)).toEqual({ promptTokens: 0, completionTokens: 40 });
  });

  it('the per-chunk reader sees one event alone (the accumulator is what chat streams use)', () => {
    expect(
      codec.usageFromStreamChunk('messages', {
        type: 'message_start',
        message: { usage: { input_tokens: 5 } },
      }),
    ).toEqual({ promptTokens: 5, completionTokens: 0 });
    expect(codec.usageFromStreamChunk('messages', { type: 'ping' })).toBeUndefined();
  });
});
