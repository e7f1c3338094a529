import Anthropic0 from 'anthropic-sdk-0';
import Anthropic1 from 'anthropic-sdk-1';
import { AnthropicChatHandler } from '../../modules/inference/anthropic-chat.handler';
import type { ResponseContext } from '../../modules/inference/pipeline/operation';
import type { ChatResponse, ChatStreamEvent } from '../../providers/core/canonical';
import { ProviderError } from '../../providers/core/provider-error';
import {
  anthropicCountTokensAnswer,
  fromAnthropicMessagesRequest,
  parseAnthropicCountTokens,
} from './anthropic.request';

/**
 * The Messages answers the dialect renders, read by the real `@anthropic-ai/sdk` 0.x and 1.x (fetch
 * answered in process): SSE delivered in small chunks with CRLF line ends as well as LF, `stream()`'s
 * finalMessage, `create({stream: true})`'s events, a plain `create()`, and an error mid-stream.
 */
const handler = new AnthropicChatHandler();
const ctx: ResponseContext = {
  publicModel: 'claude-public',
  upstreamModel: 'gpt-upstream',
  requestId: 'req-1',
  clientWantsStreamUsage: true,
  streamFormat: 'sse',
};

async function* from<T>(items: T[], failWith?: Error): AsyncGenerator<T> {
  for (const item of items) yield item;
  if (failWith) throw failWith;
}

/** The SSE text the handler writes for these events (up to and including an error frame). */
async function sseOf(events: ChatStreamEvent[], failWith?: Error): Promise<string> {
  let text = '';
  try {
    for await (const f of handler.toSseFrames(from(events, failWith), ctx, 'chatcmpl-42')) text += f;
  } catch {
    // The handler throws the upstream error on after its `event: error` frame.
  }
  return text;
}

/** A body streamed 7 bytes at a time, so events and lines arrive split. */
function chunked(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, at + 7));
      at += 7;
    },
  });
}

interface Answer {
  sse?: string;
  json?: unknown;
}

/** A fetch that records the request and answers with `answer`. */
function fakeFetch(answer: Answer, sent: Array<{ url: string; body: unknown; headers: Headers }>) {
  return (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    sent.push({
      url,
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
      headers: new Headers(init?.headers),
    });
    if (answer.sse !== undefined)
      return Promise.resolve(
        new Response(chunked(answer.sse), { status: 200, headers: { 'content-type': 'text/event-stream' } }),
      );
    return Promise.resolve(
      new Response(JSON.stringify(answer.json), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      }),
    );
  };
}

const toolStream: ChatStreamEvent[] = [
  { type: 'start' },
  { type: 'reasoning', choice: 0, text: 'Weather ' },
  { type: 'reasoning', choice: 0, text: 'needed.' },
  { type: 'reasoning', choice: 0, text: '', signature: 'sig-1' },
  { type: 'text', choice: 0, text: 'Checking.' },
  { type: 'tool_call', choice: 0, index: 0, id: 'call_A', name: 'get_weather', argumentsDelta: '' },
  { type: 'tool_call', choice: 0, index: 0, argumentsDelta: '{"city":' },
  { type: 'tool_call', choice: 0, index: 0, argumentsDelta: '"Paris"}' },
  { type: 'tool_call', choice: 0, index: 1, id: 'call_B', name: 'get_time', argumentsDelta: '{}' },
  { type: 'finish', choice: 0, reason: 'tool_calls' },
  { type: 'usage', usage: { promptTokens: 120, completionTokens: 30, cachedTokens: 100 } },
];

const params = {
  model: 'claude-public',
  max_tokens: 1024,
  messages: [{ role: 'user' as const, content: 'Weather in Paris?' }],
};

/** Both lines' clients, typed as 1.x (the calls used here have the same shape in 0.x). */
type Client = Anthropic1;
const SDKS: Array<[string, (fetch: ReturnType<typeof fakeFetch>) => Client]> = [
  [
    '0.x',
    (fetch) =>
      new Anthropic0({ apiKey: 'k', baseURL: 'http://gw.test', fetch, maxRetries: 0 }) as unknown as Client,
  ],
  ['1.x', (fetch) => new Anthropic1({ apiKey: 'k', baseURL: 'http://gw.test', fetch, maxRetries: 0 })],
];

describe.each(SDKS)('@anthropic-ai/sdk %s reads the dialect', (_version, makeClient) => {
  const sent: Array<{ url: string; body: unknown; headers: Headers }> = [];
  const answer: Answer = {};
  const client = makeClient(fakeFetch(answer, sent));

  beforeEach(() => {
    sent.length = 0;
    answer.sse = undefined;
    answer.json = undefined;
  });

  it('stream().finalMessage(): thinking with its signature, text, tool uses with parsed input, usage', async () => {
    answer.sse = await sseOf(toolStream);
    const final = await client.messages.stream(params).finalMessage();
    expect(sent[0].url).toBe('http://gw.test/v1/messages');
    expect(fromAnthropicMessagesRequest(sent[0].body).request.stream).toBe(true);
    expect(final).toMatchObject({
      id: 'msg_42',
      model: 'claude-public',
      role: 'assistant',
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: {
        input_tokens: 20,
        output_tokens: 30,
        cache_read_input_tokens: 100,
        cache_creation_input_tokens: 0,
      },
    });
    expect(final.content).toEqual([
      { type: 'thinking', thinking: 'Weather needed.', signature: 'sig-1' },
      { type: 'text', text: 'Checking.' },
      { type: 'tool_use', id: 'call_A', name: 'get_weather', input: { city: 'Paris' } },
      { type: 'tool_use', id: 'call_B', name: 'get_time', input: {} },
    ]);
  });

  it('the same with CRLF line ends', async () => {
    answer.sse = (await sseOf(toolStream)).replace(/\n/g, '\r\n');
    const final = await client.messages.stream(params).finalMessage();
    expect(final.content).toHaveLength(4);
    expect(final.usage.output_tokens).toBe(30);
  });

  it('create({stream: true}) yields every event in order', async () => {
    answer.sse = await sseOf([
      { type: 'text', choice: 0, text: 'Hel' },
      { type: 'text', choice: 0, text: 'lo' },
      { type: 'finish', choice: 0, reason: 'length' },
      { type: 'usage', usage: { promptTokens: 5, completionTokens: 2 } },
    ]);
    const stream = await client.messages.create({ ...params, stream: true });
    const types: string[] = [];
    let text = '';
    let stop: string | null = null;
    for await (const ev of stream) {
      types.push(ev.type);
      if (ev.type === 'content_block_delta' && ev.delta.type === 'text_delta') text += ev.delta.text;
      if (ev.type === 'message_delta') stop = ev.delta.stop_reason;
    }
    expect(types).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(text).toBe('Hello');
    expect(stop).toBe('max_tokens');
  });

  it('an upstream failure mid-stream arrives as event: error, which the SDK raises', async () => {
    const failure = new ProviderError({ kind: 'upstream', message: 'connection reset', upstreamStatus: 500 });
    answer.sse = await sseOf([{ type: 'text', choice: 0, text: 'partial' }], failure);
    expect(answer.sse).toContain('event: error\ndata: {"type":"error","error":{"type":"api_error"');
    const stream = client.messages.stream(params);
    const texts: string[] = [];
    stream.on('text', (t) => texts.push(t));
    await expect(stream.finalMessage()).rejects.toThrow(/connection reset/);
    expect(texts).toEqual(['partial']);
  });

  it('create() reads the translated message', async () => {
    const resp: ChatResponse = {
      id: 'chatcmpl-7',
      created: 1,
      choices: [
        {
          index: 0,
          finishReason: 'stop',
          message: { role: 'assistant', content: [{ type: 'text', text: 'Bonjour' }] },
        },
      ],
      usage: { promptTokens: 10, completionTokens: 2, cachedTokens: 4, cacheWriteTokens: 3 },
    };
    answer.json = handler.toJson(resp, ctx);
    const msg = await client.messages.create(params);
    expect(msg).toMatchObject({
      id: 'msg_7',
      model: 'claude-public',
      content: [{ type: 'text', text: 'Bonjour' }],
      stop_reason: 'end_turn',
      usage: {
        input_tokens: 3,
        output_tokens: 2,
        cache_read_input_tokens: 4,
        cache_creation_input_tokens: 3,
      },
    });
  });

  it('what the SDK sends for a tool round trip parses into ordered canonical blocks', async () => {
    answer.json = handler.toJson({ id: 'x', created: 1, choices: [] }, ctx);
    await client.messages.create({
      ...params,
      system: [{ type: 'text', text: 'sys', cache_control: { type: 'ephemeral' } }],
      tools: [{ name: 'get_weather', input_schema: { type: 'object', properties: {} } }],
      tool_choice: { type: 'auto' },
      messages: [
        { role: 'user', content: 'Weather?' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 't', signature: 's' },
            { type: 'tool_use', id: 'call_A', name: 'get_weather', input: { city: 'Paris' } },
          ],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_A', content: '18°C' }] },
      ],
    });
    const req = fromAnthropicMessagesRequest(sent[0].body).request;
    expect(req.messages.map((m) => m.content.map((b) => b.type))).toEqual([
      ['text'],
      ['text'],
      ['thinking', 'tool_use'],
      ['tool_result'],
    ]);
    expect(req.toolChoice).toBe('auto');
  });

  it('countTokens: what it sends parses without max_tokens, and it reads {input_tokens}', async () => {
    answer.json = anthropicCountTokensAnswer(42);
    const counted = await client.messages.countTokens({
      model: 'claude-public',
      system: 'sys',
      messages: [{ role: 'user', content: 'How many?' }],
    });
    expect(sent[0].url).toBe('http://gw.test/v1/messages/count_tokens');
    expect(parseAnthropicCountTokens(sent[0].body).request.messages).toHaveLength(2);
    expect(counted.input_tokens).toBe(42);
  });
});
