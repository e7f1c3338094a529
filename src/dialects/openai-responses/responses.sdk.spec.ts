import OpenAI from 'openai';
import { ResponsesChatHandler } from '../../modules/inference/responses-chat.handler';
import type { ResponseContext } from '../../modules/inference/pipeline/operation';
import type { ChatResponse, ChatStreamEvent } from '../../providers/core/canonical';
import { ProviderError } from '../../providers/core/provider-error';
import { fromResponsesRequest } from './responses.request';
import { toResponsesObject } from './responses.response';

/**
 * The Responses answers the dialect renders, read by the real `openai` SDK (fetch answered in
 * process, SSE delivered 7 bytes at a time): `responses.stream().finalResponse()`,
 * `create({stream: true})`'s events, a plain `create()` (output_text computed by the SDK), and an
 * upstream failure mid-stream (`response.failed`).
 */
const handler = new ResponsesChatHandler();
const ctx: ResponseContext = {
  publicModel: 'public-model',
  upstreamModel: 'upstream-model',
  requestId: 'req-1',
  clientWantsStreamUsage: true,
  streamFormat: 'sse',
};
const header = { id: 'resp_0123456789abcdef0123456789abcdef', publicModel: 'public-model', createdAt: 1 };

async function* from<T>(items: T[], failWith?: Error): AsyncGenerator<T> {
  for (const item of items) yield item;
  if (failWith) throw failWith;
}

/** The SSE text the handler writes for these events (up to and including `response.failed`). */
async function sseOf(events: ChatStreamEvent[], failWith?: Error, completed?: unknown[]): Promise<string> {
  let text = '';
  try {
    const frames = handler.renderStream(from(events, failWith), ctx, header, (r) =>
      Promise.resolve(void completed?.push(r)),
    );
    for await (const f of frames) text += f;
  } catch {
    // The handler throws the upstream error on after `response.failed`.
  }
  return text;
}

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

function fakeFetch(answer: Answer, sent: Array<{ url: string; body: unknown }>) {
  return (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    sent.push({ url, body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined });
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
  { type: 'reasoning', choice: 0, text: 'needed.', signature: 'sig-1' },
  { type: 'text', choice: 0, text: 'Check' },
  { type: 'text', choice: 0, text: 'ing.' },
  { type: 'tool_call', choice: 0, index: 0, id: 'call_A', name: 'get_weather', argumentsDelta: '{"city":' },
  { type: 'tool_call', choice: 0, index: 0, argumentsDelta: '"Paris"}' },
  { type: 'finish', choice: 0, reason: 'tool_calls' },
  {
    type: 'usage',
    usage: { promptTokens: 120, completionTokens: 30, cachedTokens: 100, reasoningTokens: 9 },
  },
];

describe('openai SDK reads the Responses dialect', () => {
  const sent: Array<{ url: string; body: unknown }> = [];
  const answer: Answer = {};
  const client = new OpenAI({
    apiKey: 'k',
    baseURL: 'http://gw.test/v1',
    fetch: fakeFetch(answer, sent),
    maxRetries: 0,
  });

  beforeEach(() => {
    sent.length = 0;
    answer.sse = answer.json = undefined;
  });

  it('responses.stream().finalResponse(): reasoning, message, function_call, usage; onCompleted saw it', async () => {
    const completed: unknown[] = [];
    answer.sse = await sseOf(toolStream, undefined, completed);
    const stream = client.responses.stream({ model: 'public-model', input: 'Weather in Paris?' });
    const deltas: string[] = [];
    stream.on('response.output_text.delta', (e) => deltas.push(e.delta));
    const final = await stream.finalResponse();
    expect(sent[0].url).toBe('http://gw.test/v1/responses');
    expect(fromResponsesRequest(sent[0].body).stream).toBe(true);
    expect(deltas.join('')).toBe('Checking.');
    expect(final).toMatchObject({
      id: header.id,
      object: 'response',
      status: 'completed',
      model: 'public-model',
      usage: {
        input_tokens: 120,
        input_tokens_details: { cached_tokens: 100 },
        output_tokens: 30,
        output_tokens_details: { reasoning_tokens: 9 },
        total_tokens: 150,
      },
    });
    expect(final.output.map((o) => o.type)).toEqual(['reasoning', 'message', 'function_call']);
    expect(final.output[0]).toMatchObject({
      summary: [{ type: 'summary_text', text: 'Weather needed.' }],
      encrypted_content: 'sig-1',
    });
    expect(final.output[1]).toMatchObject({ content: [{ type: 'output_text', text: 'Checking.' }] });
    expect(final.output[2]).toMatchObject({
      call_id: 'call_A',
      name: 'get_weather',
      arguments: '{"city":"Paris"}',
    });
    expect(completed).toHaveLength(1);
    expect(completed[0]).toMatchObject({ id: header.id, status: 'completed', usage: final.usage });
    expect((completed[0] as { output: unknown[] }).output).toHaveLength(3);
  });

  it('create({stream: true}) yields typed events with increasing sequence numbers', async () => {
    answer.sse = await sseOf(toolStream);
    const stream = await client.responses.create({ model: 'public-model', input: 'hi', stream: true });
    const seen: Array<{ type: string; sequence_number: number }> = [];
    for await (const ev of stream) seen.push(ev);
    expect(seen.map((e) => e.sequence_number)).toEqual(seen.map((_e, i) => i));
    expect(seen[0].type).toBe('response.created');
    expect(seen[seen.length - 1].type).toBe('response.completed');
    expect(seen.map((e) => e.type)).toContain('response.function_call_arguments.done');
  });

  it('create(): a Response whose output_text the SDK computes', async () => {
    const resp: ChatResponse = {
      id: 'x',
      created: 1,
      choices: [
        {
          index: 0,
          finishReason: 'stop',
          message: { role: 'assistant', content: [{ type: 'text', text: 'Hello' }] },
        },
      ],
      usage: { promptTokens: 3, completionTokens: 1 },
    };
    answer.json = toResponsesObject(resp, header);
    const r = await client.responses.create({ model: 'public-model', input: 'hi' });
    expect(r.output_text).toBe('Hello');
    expect(r.usage?.total_tokens).toBe(4);
  });

  it('an upstream failure mid-stream ends with response.failed carrying the error', async () => {
    const upstream = new ProviderError({
      kind: 'upstream',
      message: 'connection reset',
      upstreamStatus: 502,
    });
    answer.sse = await sseOf([{ type: 'text', choice: 0, text: 'Partial' }], upstream);
    const stream = await client.responses.create({ model: 'public-model', input: 'hi', stream: true });
    const seen: Array<{ type: string }> = [];
    for await (const ev of stream) seen.push(ev);
    const last = seen[seen.length - 1] as { type: string; response: { status: string; error: unknown } };
    expect(last.type).toBe('response.failed');
    expect(last.response.status).toBe('failed');
    expect(last.response.error).toMatchObject({ message: expect.any(String) });
    expect(seen.map((e) => e.type)).toContain('response.output_text.done');
  });
});
