import { GatewayError } from '../../common/errors/gateway-error';
import { JsonText } from '../../common/http/send-json';
import type { ChatStreamEvent } from '../../providers/core/canonical';
import { ProviderError } from '../../providers/core/provider-error';
import { parseSse, type SseEvent } from '../../providers/core/sse';
import { AnthropicChatHandler } from './anthropic-chat.handler';
import { AnswerCheck } from './chat-response-validator';
import type { ResponseContext } from './pipeline/operation';
import { StreamErrorReported } from './pipeline/streams';

const handler = new AnthropicChatHandler();
const baseCtx: ResponseContext = {
  publicModel: 'team-claude',
  upstreamModel: 'claude-sonnet-4-5-20250929',
  requestId: 'req-9',
  clientWantsStreamUsage: true,
  streamFormat: 'sse',
};

async function* from<T>(items: T[], failWith?: Error): AsyncGenerator<T> {
  for (const item of items) yield item;
  if (failWith) throw failWith;
}

async function collect(frames: AsyncIterable<string>): Promise<{ text: string; error?: unknown }> {
  let text = '';
  try {
    for await (const f of frames) text += f;
  } catch (error) {
    return { text, error };
  }
  return { text };
}

async function eventsOf(text: string): Promise<SseEvent[]> {
  const out: SseEvent[] = [];
  for await (const ev of parseSse(from([text]))) out.push(ev);
  return out;
}

/** A check that fails when the collected text is not `expected`. */
const checkExpecting = (expected: string) =>
  new AnswerCheck((raw) =>
    raw === expected
      ? undefined
      : new GatewayError('response_schema_validation_failed', `bad answer: ${raw}`),
  );

describe('AnthropicChatHandler.parse', () => {
  it('a Messages call: endpoint messages, prompt estimate, usage always streamed, SSE', () => {
    const body = {
      model: 'team-claude',
      max_tokens: 8,
      stream: true,
      messages: [{ role: 'user', content: 'x'.repeat(40) }],
    };
    const parsed = handler.parse(body);
    expect(parsed).toMatchObject({
      publicModel: 'team-claude',
      stream: true,
      endpoint: 'messages',
      clientWantsStreamUsage: true,
      streamFormat: 'sse',
    });
    expect(parsed.body).toBe(body);
    expect(parsed.promptTokens).toBe(14);
    expect(handler.wire).toBe('anthropic');
  });

  it('count_tokens: endpoint count_tokens, no max_tokens needed, never streamed', () => {
    const parsed = handler.parseCountTokens({
      model: 'm',
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(parsed).toMatchObject({ endpoint: 'count_tokens', stream: false });
    expect(parsed.promptTokens).toBeGreaterThan(0);
  });

  it('a missing max_tokens is a validation error naming it', () => {
    expect(() => handler.parse({ model: 'm', messages: [] })).toThrow(
      expect.objectContaining({ param: 'max_tokens' }),
    );
  });
});

describe('AnthropicChatHandler.passthroughJson', () => {
  const text = (model: string, extra = '') =>
    `{"id":"msg_1","type":"message","role":"assistant","model":${JSON.stringify(model)},"content":[{"type":"text","text":"hi"}]${extra},"stop_reason":"end_turn","usage":{"input_tokens":1,"output_tokens":1}}`;

  it('forwards the upstream text with only the model replaced', () => {
    const t = text(baseCtx.upstreamModel);
    const out = handler.passthroughJson(JSON.parse(t), baseCtx, t);
    expect(out).toBeInstanceOf(JsonText);
    expect((out as JsonText).text).toBe(t.replace(baseCtx.upstreamModel, 'team-claude'));
  });

  it('sets the model on the parsed answer when "model" also occurs elsewhere (a tool input)', () => {
    const t = text(baseCtx.upstreamModel, ',"extra":{"model":"x"}');
    expect(handler.passthroughJson(JSON.parse(t), baseCtx, t)).toMatchObject({
      model: 'team-claude',
      extra: { model: 'x' },
    });
  });

  it('throws the failure of a response-schema check', () => {
    const t = text(baseCtx.upstreamModel);
    const ctx = { ...baseCtx, answerCheck: checkExpecting('other') };
    expect(() => handler.passthroughJson(JSON.parse(t), ctx, t)).toThrow('bad answer: hi');
  });
});

const upstreamSse = [
  'event: message_start',
  `data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":10,"output_tokens":1}}}`,
  '',
  'event: ping',
  'data: {"type": "ping"}',
  '',
  'event: content_block_start',
  'data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}',
  '',
  'event: content_block_delta',
  'data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}',
  '',
  'event: content_block_stop',
  'data: {"type":"content_block_stop","index":0}',
  '',
  'event: message_delta',
  'data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":2}}',
  '',
  'event: message_stop',
  'data: {"type":"message_stop"}',
  '',
  '',
].join('\n');

describe('AnthropicChatHandler.passthroughStream', () => {
  it('re-emits every event with its event: line, the model rewritten in message_start only', async () => {
    const events = await eventsOf(upstreamSse);
    const { text } = await collect(handler.passthroughStream(from(events), baseCtx));
    expect(text).toBe(upstreamSse.replace('"model":"claude-sonnet-4-5-20250929"', '"model":"team-claude"'));
  });

  it('rewrites a message_start spaced differently by parsing it', async () => {
    const spaced: SseEvent = {
      event: 'message_start',
      data: '{"type": "message_start", "message": {"model": "claude-sonnet-4-5-20250929", "content": []}}',
    };
    const { text } = await collect(handler.passthroughStream(from([spaced]), baseCtx));
    const [ev] = await eventsOf(text);
    expect(JSON.parse(ev.data)).toEqual({
      type: 'message_start',
      message: { model: 'team-claude', content: [] },
    });
  });

  it('a failed response-schema check replaces message_stop with event: error', async () => {
    const ctx = { ...baseCtx, answerCheck: checkExpecting('{"a":1}') };
    const events = await eventsOf(upstreamSse);
    const out = await eventsOf((await collect(handler.passthroughStream(from(events), ctx))).text);
    expect(out.map((e) => e.event).slice(-2)).toEqual(['message_delta', 'error']);
    expect(JSON.parse(out[out.length - 1].data)).toMatchObject({
      type: 'error',
      error: { type: 'api_error', message: expect.stringContaining('bad answer: Hi') },
      request_id: 'req-9',
    });
  });

  it('a passing check keeps message_stop last', async () => {
    const ctx = { ...baseCtx, answerCheck: checkExpecting('Hi') };
    const out = await eventsOf(
      (await collect(handler.passthroughStream(from(await eventsOf(upstreamSse)), ctx))).text,
    );
    expect(out.map((e) => e.event).at(-1)).toBe('message_stop');
  });

  it('a connection lost mid-stream: event: error, then the error is thrown on', async () => {
    const events = (await eventsOf(upstreamSse)).slice(0, 3);
    const cut = new ProviderError({ kind: 'connection', message: 'socket hang up' });
    const { text, error } = await collect(handler.passthroughStream(from(events, cut), baseCtx));
    expect((error as StreamErrorReported).failure).toBe(cut);
    const out = await eventsOf(text);
    expect(out.map((e) => e.event)).toEqual(['message_start', 'ping', 'content_block_start', 'error']);
    expect(JSON.parse(out[3].data).error).toEqual({
      type: 'api_error',
      message: expect.stringContaining('socket hang up'),
    });
  });
});

describe('AnthropicChatHandler.toSseFrames', () => {
  const stream: ChatStreamEvent[] = [
    { type: 'text', choice: 0, text: 'Hi' },
    { type: 'finish', choice: 0, reason: 'stop' },
    { type: 'usage', usage: { promptTokens: 4, completionTokens: 1 } },
  ];

  it('frames carry event: lines; the message id comes from the call id', async () => {
    const { text } = await collect(handler.toSseFrames(from(stream), baseCtx, 'chatcmpl-abc'));
    expect(
      text.startsWith('event: message_start\ndata: {"type":"message_start","message":{"id":"msg_abc"'),
    ).toBe(true);
    expect(text.endsWith('event: message_stop\ndata: {"type":"message_stop"}\n\n')).toBe(true);
    expect(text).toContain('"model":"team-claude"');
  });

  it('a failed response-schema check ends the stream with event: error instead of message_delta/stop', async () => {
    const ctx = { ...baseCtx, answerCheck: checkExpecting('{}') };
    const checked = ctx.answerCheck.watch(from(stream));
    const out = await eventsOf((await collect(handler.toSseFrames(checked, ctx, 'chatcmpl-1'))).text);
    expect(out.map((e) => e.event)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'error',
    ]);
  });

  it('an upstream error mid-stream: event: error in the Anthropic shape (429 → rate_limit_error), thrown on', async () => {
    const limited = new ProviderError({ kind: 'rate_limit', message: 'slow down', upstreamStatus: 429 });
    const { text, error } = await collect(
      handler.toSseFrames(from(stream.slice(0, 1), limited), baseCtx, 'x'),
    );
    expect((error as StreamErrorReported).failure).toBe(limited);
    const out = await eventsOf(text);
    expect(out.at(-1)?.event).toBe('error');
    expect(JSON.parse(out.at(-1)?.data ?? '')).toMatchObject({
      type: 'error',
      error: { type: 'rate_limit_error' },
    });
  });
});
