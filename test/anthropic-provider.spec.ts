import { anthropicAdapter } from '../src/providers/anthropic/anthropic.adapter';
import { fixtureCtx } from '../src/providers/core/__fixtures__/codec-fixtures';
import type { ProviderContext } from '../src/providers/core/adapter';
import type {
  AssistantBlock,
  ChatMessage,
  ChatRequest,
  ChatStreamEvent,
  ToolDefinition,
} from '../src/providers/core/canonical';
import { ProviderClient } from '../src/providers/core/provider-client';
import { ProviderError } from '../src/providers/core/provider-error';
import {
  FAKE_ANTHROPIC_API_KEY,
  overloaded,
  rateLimited,
  startFakeAnthropic,
  type FakeAnthropic,
} from './fakes/fake-anthropic';

/**
 * The anthropic provider (codec + ProviderClient over real HTTP) against the fake Messages API,
 * which checks requests as Anthropic does: roles alternate, tool_use/tool_result pairing, signed
 * thinking replayed unchanged and first, max_tokens above the thinking budget, cache breakpoints.
 */
const WEATHER: ToolDefinition = {
  type: 'function',
  name: 'get_weather',
  description: 'The weather in a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

function user(text: string): ChatMessage {
  return { role: 'user', content: [{ type: 'text', text }] };
}

/** Assembles a canonical stream into the assistant turn a client would replay. */
function assemble(events: ChatStreamEvent[]): AssistantBlock[] {
  const blocks: AssistantBlock[] = [];
  const byBlock = new Map<number, AssistantBlock>();
  for (const ev of events) {
    if (
      ev.type !== 'text' &&
      ev.type !== 'reasoning' &&
      ev.type !== 'redacted_reasoning' &&
      ev.type !== 'tool_call'
    )
      continue;
    const key = ev.block ?? -1;
    let b = byBlock.get(key);
    if (!b) {
      if (ev.type === 'text') b = { type: 'text', text: '' };
      else if (ev.type === 'reasoning') b = { type: 'thinking', thinking: '' };
      else if (ev.type === 'redacted_reasoning') b = { type: 'redacted_thinking', data: ev.data };
      else b = { type: 'tool_use', id: ev.id ?? '', name: ev.name ?? '', arguments: '' };
      byBlock.set(key, b);
      blocks.push(b);
    }
    if (ev.type === 'text' && b.type === 'text') b.text += ev.text;
    if (ev.type === 'reasoning' && b.type === 'thinking') {
      b.thinking += ev.text;
      if (ev.signature) b.signature = ev.signature;
    }
    if (ev.type === 'tool_call' && b.type === 'tool_use') b.arguments += ev.argumentsDelta;
  }
  return blocks;
}

describe('anthropic provider against the fake Messages API', () => {
  let fake: FakeAnthropic;
  let ctx: ProviderContext;
  const client = new ProviderClient();

  beforeAll(async () => {
    fake = await startFakeAnthropic();
    ctx = fixtureCtx('anthropic', 'claude-sonnet-4-6', {
      baseUrl: fake.baseUrl,
      apiKey: FAKE_ANTHROPIC_API_KEY,
    });
  });
  afterAll(() => fake.close());

  async function collect(req: ChatRequest): Promise<ChatStreamEvent[]> {
    const out: ChatStreamEvent[] = [];
    for await (const ev of await client.stream(anthropicAdapter, req, ctx)) out.push(ev);
    return out;
  }

  it('JSON: a tool loop with thinking, the signed thinking replayed unchanged', async () => {
    const first: ChatRequest = {
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'Be brief.' }] },
        user('get_weather for Paris'),
      ],
      stream: false,
      tools: [WEATHER],
      reasoning: { effort: 'low' },
      temperature: 0.3,
    };
    const r1 = await client.complete(anthropicAdapter, first, ctx);
    expect(r1.choices[0].finishReason).toBe('tool_calls');
    const turn = r1.choices[0].message.content;
    expect(turn.map((b) => b.type)).toEqual(['thinking', 'tool_use']);
    expect((turn[0] as { signature?: string }).signature).toBeTruthy();
    expect(r1.usage?.reasoningTokens).toBeGreaterThan(0);
    const call = turn[1] as { id: string; arguments: string };
    expect(JSON.parse(call.arguments)).toEqual({ city: 'example' });

    const r2 = await client.complete(
      anthropicAdapter,
      {
        ...first,
        messages: [
          ...first.messages,
          { role: 'assistant', content: turn },
          {
            role: 'user',
            content: [{ type: 'tool_result', toolUseId: call.id, content: [{ type: 'text', text: '21°C' }] }],
          },
        ],
      },
      ctx,
    );
    expect(r2.choices[0].finishReason).toBe('stop');
    expect(r2.choices[0].message.content.at(-1)).toEqual({ type: 'text', text: 'Echo: 21°C' });
    const sent = fake.messageRequests().at(-1)?.headers;
    expect(sent?.['x-api-key']).toBe(FAKE_ANTHROPIC_API_KEY);
    expect(sent?.['anthropic-version']).toBe('2023-06-01');
  });

  it('stream: thinking, redacted thinking and a tool call assembled from deltas replay as the fake requires', async () => {
    fake.next({ redactedThinking: true });
    const first: ChatRequest = {
      messages: [user('get_weather for Rome')],
      stream: true,
      tools: [WEATHER],
      reasoning: { effort: 'medium' },
    };
    const events = await collect(first);
    expect(events[0]).toMatchObject({ type: 'start' });
    expect(events.filter((e) => e.type === 'finish')).toEqual([
      { type: 'finish', choice: 0, reason: 'tool_calls' },
    ]);
    const usage = events.find((e) => e.type === 'usage');
    expect(usage).toMatchObject({ type: 'usage', usage: { promptTokens: expect.any(Number) } });
    const turn = assemble(events);
    expect(turn.map((b) => b.type)).toEqual(['thinking', 'redacted_thinking', 'tool_use']);
    const call = turn[2] as { id: string; arguments: string };
    expect(JSON.parse(call.arguments)).toEqual({ city: 'example' });

    const again = await collect({
      ...first,
      messages: [
        ...first.messages,
        { role: 'assistant', content: turn },
        {
          role: 'user',
          content: [{ type: 'tool_result', toolUseId: call.id, content: [{ type: 'text', text: 'sunny' }] }],
        },
      ],
    });
    expect(assemble(again).at(-1)).toEqual({ type: 'text', text: 'Echo: sunny' });
  });

  it('prompt caching: a 1-hour breakpoint is written, then read; prompt = input + read + write', async () => {
    fake.clearCache();
    const req: ChatRequest = {
      messages: [
        {
          role: 'system',
          content: [
            {
              type: 'text',
              text: 'The long contract text. '.repeat(200),
              cacheControl: { type: 'ephemeral', ttl: '3600s' },
            },
          ],
        },
        user('Summarise.'),
      ],
      stream: false,
    };
    const written = (await client.complete(anthropicAdapter, req, ctx)).usage;
    expect(written?.cacheWriteTokens).toBeGreaterThan(0);
    expect(written?.cacheWrite1hTokens).toBe(written?.cacheWriteTokens);
    expect(written?.cachedTokens).toBeUndefined();
    const events = await collect({ ...req, stream: true });
    const read = events.find(
      (e): e is Extract<ChatStreamEvent, { type: 'usage' }> => e.type === 'usage',
    )?.usage;
    expect(read?.cachedTokens).toBe(written?.cacheWriteTokens);
    expect(read?.cacheWriteTokens).toBeUndefined();
    expect(read?.promptTokens).toBe(written?.promptTokens);
  });

  it('errors: 429 with retry-after, 529 overloaded, a cut stream, event: error after 200', async () => {
    const req: ChatRequest = { messages: [user('hello')], stream: false };
    fake.inject(rateLimited(3));
    await expect(client.complete(anthropicAdapter, req, ctx)).rejects.toMatchObject({
      kind: 'rate_limit',
      retryAfterMs: 3000,
      upstreamStatus: 429,
    });
    fake.inject(overloaded());
    await expect(client.complete(anthropicAdapter, req, ctx)).rejects.toMatchObject({ kind: 'overloaded' });

    fake.inject({ kind: 'cut_stream', afterEvents: 3 });
    await expect(collect({ ...req, stream: true })).rejects.toBeInstanceOf(ProviderError);
    fake.inject({ kind: 'stream_error', afterEvents: 3 });
    await expect(collect({ ...req, stream: true })).rejects.toMatchObject({ kind: 'overloaded' });
  });

  it('CRLF and split frames', async () => {
    fake.inject({ kind: 'framing', crlf: true, splitFrames: true });
    const events = await collect({ messages: [user('split me please')], stream: true });
    expect(assemble(events)).toEqual([{ type: 'text', text: 'Echo: split me please' }]);
    expect(events.at(-1)).toMatchObject({ type: 'usage' });
  });

  it('passthrough: the client body and its anthropic-beta go through, with the deployment key', async () => {
    const codec = anthropicAdapter.passthrough;
    if (!codec) throw new Error('no passthrough');
    const res = await client.passthrough(
      codec,
      'messages',
      { model: 'public-claude', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] },
      ctx,
      false,
      undefined,
      {
        'anthropic-version': '2023-06-01',
        'anthropic-beta': 'context-1m-2025-08-07',
        authorization: 'Bearer sk-sb-x',
      },
    );
    expect(res.body).toMatchObject({ type: 'message', content: [{ type: 'text', text: 'Echo: hi' }] });
    const sent = fake.messageRequests().at(-1);
    expect(sent?.headers['anthropic-beta']).toBe('context-1m-2025-08-07');
    expect(sent?.headers.authorization).toBeUndefined();
    expect((sent?.body as { model: string }).model).toBe('claude-sonnet-4-6');
    expect(codec.usageFromResponse('messages', res.body)).toMatchObject({
      completionTokens: expect.any(Number),
    });
  });
});
