import Anthropic0 from 'anthropic-sdk-0';
import Anthropic1 from 'anthropic-sdk-1';
import {
  FAKE_ANTHROPIC_API_KEY,
  overloaded,
  rateLimited,
  signThinking,
  startFakeAnthropic,
  type FakeAnthropic,
} from './fake-anthropic';

const MODEL = 'claude-sonnet-4-6';

type Client = InstanceType<typeof Anthropic1>;
type Params = Anthropic1.MessageCreateParamsNonStreaming;
type Tool = NonNullable<Params['tools']>[number];
type MessageParam = Params['messages'][number];

/**
 * Both official SDKs against the fake: 0.71 (x-api-key, anthropic-version 2023-06-01) and 1.11
 * (Authorization: Bearer). The 0.x client is typed as the 1.x one: the calls used here are the same.
 */
const SDKS: Array<[string, (baseURL: string, apiKey: string, maxRetries?: number) => Client]> = [
  [
    '@anthropic-ai/sdk 0.71',
    (baseURL, apiKey, maxRetries = 0) => new Anthropic0({ baseURL, apiKey, maxRetries }) as unknown as Client,
  ],
  [
    '@anthropic-ai/sdk 1.11',
    (baseURL, apiKey, maxRetries = 0) => new Anthropic1({ baseURL, apiKey, maxRetries }),
  ],
];

const WEATHER: Tool = {
  name: 'get_weather',
  description: 'The weather in a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

describe.each(SDKS)('fake Anthropic Messages API, driven by %s', (_name, makeClient) => {
  let fake: FakeAnthropic;
  let client: Client;

  beforeAll(async () => {
    fake = await startFakeAnthropic();
    client = makeClient(fake.baseUrl, FAKE_ANTHROPIC_API_KEY);
  });
  afterAll(() => fake.close());

  it('create: echoes the last user text with usage, and records body and headers', async () => {
    const msg = await client.messages.create(
      {
        model: MODEL,
        max_tokens: 256,
        messages: [{ role: 'user', content: 'hello there' }],
      },
      { headers: { 'anthropic-beta': 'context-1m-2025-08-07' } },
    );
    expect(msg).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: MODEL,
      content: [{ type: 'text', text: 'Echo: hello there' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    });
    expect(msg.id).toMatch(/^msg_/);
    expect(msg.usage.input_tokens).toBeGreaterThan(0);
    expect(msg.usage.output_tokens).toBeGreaterThan(0);
    const sent = fake.messageRequests().at(-1);
    expect(sent?.headers['anthropic-beta']).toBe('context-1m-2025-08-07');
    expect(sent?.headers['anthropic-version']).toBeTruthy();
    expect(sent?.headers['x-api-key'] ?? sent?.headers.authorization).toMatch(FAKE_ANTHROPIC_API_KEY);
    expect(sent?.body).toMatchObject({
      max_tokens: 256,
      messages: [{ role: 'user', content: 'hello there' }],
    });
  });

  it('messages.stream → finalMessage: text in several deltas, usage from message_start and message_delta', async () => {
    const stream = client.messages.stream({
      model: MODEL,
      max_tokens: 256,
      messages: [{ role: 'user', content: 'one two three four five six' }],
    });
    const types: string[] = [];
    stream.on('streamEvent', (e) => types.push(e.type === 'content_block_delta' ? e.delta.type : e.type));
    const final = await stream.finalMessage();
    expect(final.content).toEqual([{ type: 'text', text: 'Echo: one two three four five six' }]);
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage.output_tokens).toBeGreaterThan(1);
    expect(types).toEqual([
      'message_start',
      'content_block_start',
      'text_delta',
      'text_delta',
      'text_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
  });

  it('tool use round trip: tool_use (input streamed as input_json_delta), then the tool_result answered', async () => {
    const ask: MessageParam = {
      role: 'user',
      content: 'What is the weather? use get_weather {"city":"Paris"}',
    };
    const stream = client.messages.stream({
      model: MODEL,
      max_tokens: 256,
      tools: [WEATHER],
      messages: [ask],
    });
    const partials: string[] = [];
    stream.on('streamEvent', (e) => {
      if (e.type === 'content_block_delta' && e.delta.type === 'input_json_delta')
        partials.push(e.delta.partial_json);
    });
    const first = await stream.finalMessage();
    expect(first.stop_reason).toBe('tool_use');
    const call = first.content.find((b) => b.type === 'tool_use');
    expect(call).toMatchObject({ type: 'tool_use', name: 'get_weather', input: { city: 'Paris' } });
    expect(partials[0]).toBe('');
    expect(partials.length).toBeGreaterThan(2);
    const id = call?.type === 'tool_use' ? call.id : '';
    const second = await client.messages.create({
      model: MODEL,
      max_tokens: 256,
      tools: [WEATHER],
      messages: [
        ask,
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content: 'Sunny, 21°C' }] },
      ],
    });
    expect(second.content).toEqual([{ type: 'text', text: 'Echo: Sunny, 21°C' }]);
    expect(second.stop_reason).toBe('end_turn');
  });

  it('thinking: a signed thinking block (and a scripted redacted one) first; replayed unchanged it is accepted', async () => {
    fake.next({ toolUse: { name: 'get_weather', input: { city: 'Rome' } }, redactedThinking: true });
    const params = {
      model: MODEL,
      max_tokens: 4096,
      thinking: { type: 'enabled' as const, budget_tokens: 2048 },
      tools: [WEATHER],
    };
    const ask: MessageParam = { role: 'user', content: 'weather in Rome?' };
    const stream = client.messages.stream({ ...params, messages: [ask] });
    const deltas: string[] = [];
    stream.on('streamEvent', (e) => {
      if (e.type === 'content_block_delta') deltas.push(`${e.index}:${e.delta.type}`);
    });
    const first = await stream.finalMessage();
    expect(first.content.map((b) => b.type)).toEqual(['thinking', 'redacted_thinking', 'tool_use']);
    const thinking = first.content[0];
    expect(thinking.type === 'thinking' && thinking.signature).toBe(
      thinking.type === 'thinking' && signThinking(thinking.thinking),
    );
    expect(deltas).toEqual(
      expect.arrayContaining(['0:thinking_delta', '0:signature_delta', '2:input_json_delta']),
    );
    expect(deltas.indexOf('0:signature_delta')).toBeGreaterThan(deltas.lastIndexOf('0:thinking_delta'));
    const call = first.content[2];
    const result: MessageParam = {
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: call.type === 'tool_use' ? call.id : '', content: 'Rainy' },
      ],
    };
    const ok = await client.messages.create({
      ...params,
      messages: [ask, { role: 'assistant', content: first.content }, result],
    });
    expect(ok.content.map((b) => b.type)).toEqual(['thinking', 'text']);
    expect(fake.messageRequests().at(-1)?.body).toMatchObject({
      messages: [
        {},
        { content: [{ type: 'thinking' }, { type: 'redacted_thinking' }, { type: 'tool_use' }] },
        {},
      ],
    });
    // The thinking dropped, or edited: 400 invalid_request_error, as Anthropic says it.
    await expect(
      client.messages.create({
        ...params,
        messages: [ask, { role: 'assistant', content: first.content.slice(2) }, result],
      }),
    ).rejects.toMatchObject({
      status: 400,
      error: {
        type: 'error',
        error: { type: 'invalid_request_error', message: expect.stringContaining('Expected `thinking`') },
      },
    });
    const edited = { ...thinking, thinking: 'something else' } as typeof thinking;
    await expect(
      client.messages.create({
        ...params,
        messages: [ask, { role: 'assistant', content: [edited, ...first.content.slice(1)] }, result],
      }),
    ).rejects.toMatchObject({ status: 400, message: expect.stringContaining('Invalid `signature`') });
  });

  it('prompt caching: the first call writes (5m / 1h split), a repeat of the prefix reads', async () => {
    fake.clearCache();
    const long = 'A long policy document. '.repeat(200);
    const params: Params = {
      model: MODEL,
      max_tokens: 128,
      system: [
        { type: 'text', text: long, cache_control: { type: 'ephemeral', ttl: '1h' } },
        { type: 'text', text: long.toUpperCase(), cache_control: { type: 'ephemeral' } },
      ],
      messages: [{ role: 'user', content: 'first question' }],
    };
    const first = await client.messages.create(params);
    const created = first.usage.cache_creation;
    expect(first.usage.cache_read_input_tokens).toBe(0);
    expect(created?.ephemeral_1h_input_tokens).toBeGreaterThan(1000);
    expect(created?.ephemeral_5m_input_tokens).toBeGreaterThan(1000);
    expect(first.usage.cache_creation_input_tokens).toBe(
      (created?.ephemeral_1h_input_tokens ?? 0) + (created?.ephemeral_5m_input_tokens ?? 0),
    );
    const repeat = await client.messages
      .stream({ ...params, messages: [{ role: 'user', content: 'another question' }] })
      .finalMessage();
    expect(repeat.usage.cache_read_input_tokens).toBe(first.usage.cache_creation_input_tokens);
    expect(repeat.usage.cache_creation_input_tokens).toBe(0);
    expect(repeat.usage.input_tokens).toBeLessThan(20);
  });

  it('count_tokens: {input_tokens}, the same count as a call’s input side', async () => {
    const count = await client.messages.countTokens({
      model: MODEL,
      system: 'be brief',
      messages: [{ role: 'user', content: 'count these tokens please' }],
    });
    const msg = await client.messages.create({
      model: MODEL,
      max_tokens: 64,
      system: 'be brief',
      messages: [{ role: 'user', content: 'count these tokens please' }],
    });
    expect(count.input_tokens).toBe(msg.usage.input_tokens);
    expect(fake.countTokensRequests()).toHaveLength(1);
  });

  it('request rules: max_tokens, first role, budget_tokens, orphan tool_result → 400 invalid_request_error', async () => {
    const bad = async (params: Json) => {
      const res = await fetch(`${fake.baseUrl}/v1/messages`, {
        method: 'POST',
        headers: { 'x-api-key': FAKE_ANTHROPIC_API_KEY, 'anthropic-version': '2023-06-01' },
        body: JSON.stringify(params),
      });
      expect(res.status).toBe(400);
      expect(res.headers.get('request-id')).toMatch(/^req_/);
      const body = (await res.json()) as {
        type: string;
        error: { type: string; message: string };
        request_id: string;
      };
      expect(body).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
      expect(body.request_id).toBe(res.headers.get('request-id'));
      return body.error.message;
    };
    const user = { role: 'user', content: 'hi' };
    expect(await bad({ model: MODEL, messages: [user] })).toBe('max_tokens: Field required');
    expect(
      await bad({ model: MODEL, max_tokens: 9, messages: [{ role: 'assistant', content: 'x' }] }),
    ).toMatch(/first message must use the "user" role/);
    expect(await bad({ model: MODEL, max_tokens: 9, messages: [user, user] })).toMatch(
      /roles must alternate/,
    );
    expect(
      await bad({
        model: MODEL,
        max_tokens: 4000,
        thinking: { type: 'enabled', budget_tokens: 512 },
        messages: [user],
      }),
    ).toMatch(/budget_tokens: Input should be greater than or equal to 1024/);
    expect(
      await bad({
        model: MODEL,
        max_tokens: 2000,
        thinking: { type: 'enabled', budget_tokens: 2000 },
        messages: [user],
      }),
    ).toMatch(/`max_tokens` must be greater than `thinking.budget_tokens`/);
    expect(
      await bad({
        model: MODEL,
        max_tokens: 9,
        messages: [
          user,
          { role: 'assistant', content: 'ok' },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_x', content: 'r' }] },
        ],
      }),
    ).toMatch(/unexpected `tool_use_id` found in `tool_result` blocks: toolu_x/);
    expect(
      await bad({
        model: MODEL,
        max_tokens: 9,
        messages: [
          user,
          { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_y', name: 'f', input: {} }] },
          user,
        ],
      }),
    ).toMatch(/`tool_use` ids were found without `tool_result` blocks immediately after: toolu_y/);
  });

  it('auth: a wrong key is 401 authentication_error; a missing anthropic-version is 400', async () => {
    const wrong = makeClient(fake.baseUrl, 'sk-ant-wrong');
    await expect(
      wrong.messages.create({ model: MODEL, max_tokens: 9, messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toMatchObject({ status: 401, error: { error: { type: 'authentication_error' } } });
    const res = await fetch(`${fake.baseUrl}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': FAKE_ANTHROPIC_API_KEY },
      body: JSON.stringify({ model: MODEL, max_tokens: 9, messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { message: 'anthropic-version: header is required' } });
  });

  it('faults: 429 with retry-after, 529 overloaded, 500; the SDK retries a 429 and gets through', async () => {
    fake.inject(rateLimited(7));
    await expect(
      client.messages.create({ model: MODEL, max_tokens: 9, messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toMatchObject({
      status: 429,
      headers: expect.anything(),
      error: { type: 'error', error: { type: 'rate_limit_error' } },
    });
    fake.inject(overloaded());
    await expect(
      client.messages.create({ model: MODEL, max_tokens: 9, messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toMatchObject({
      status: 529,
      error: { error: { type: 'overloaded_error', message: 'Overloaded' } },
    });
    fake.inject({ kind: 'error', status: 500 });
    await expect(
      client.messages.create({ model: MODEL, max_tokens: 9, messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toMatchObject({ status: 500, error: { error: { type: 'api_error' } } });
    const retrying = makeClient(fake.baseUrl, FAKE_ANTHROPIC_API_KEY, 2);
    fake.inject({ kind: 'error', status: 429, headers: { 'retry-after': '1', 'retry-after-ms': '10' } });
    const before = fake.messageRequests().length;
    const msg = await retrying.messages.create({
      model: MODEL,
      max_tokens: 9,
      messages: [{ role: 'user', content: 'retry me' }],
    });
    expect(msg.content).toEqual([{ type: 'text', text: 'Echo: retry me' }]);
    expect(fake.messageRequests().length - before).toBe(2);
  });

  it('faults: a stream cut mid-event, and event: error after a 200', async () => {
    fake.inject({ kind: 'cut_stream', afterEvents: 3 });
    const cut = client.messages.stream({
      model: MODEL,
      max_tokens: 99,
      messages: [{ role: 'user', content: 'a b c d' }],
    });
    await expect(cut.finalMessage()).rejects.toThrow();
    fake.inject({ kind: 'stream_error', afterEvents: 4 });
    const broken = client.messages.stream({
      model: MODEL,
      max_tokens: 99,
      messages: [{ role: 'user', content: 'a b c d' }],
    });
    await expect(broken.finalMessage()).rejects.toMatchObject({
      error: { type: 'error', error: { type: 'overloaded_error' } },
    });
  });

  it('faults: a slow first byte, split frames with CRLF line endings still parse', async () => {
    fake.inject({ kind: 'slow_first_byte', delayMs: 150 });
    const started = Date.now();
    await client.messages.create({
      model: MODEL,
      max_tokens: 9,
      messages: [{ role: 'user', content: 'slow' }],
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    fake.inject({ kind: 'framing', crlf: true, splitFrames: true });
    const final = await client.messages
      .stream({
        model: MODEL,
        max_tokens: 4096,
        thinking: { type: 'enabled', budget_tokens: 1024 },
        messages: [{ role: 'user', content: 'héllo wörld — ünïcode 🚀 split' }],
      })
      .finalMessage();
    expect(final.content.map((b) => b.type)).toEqual(['thinking', 'text']);
    expect(final.content[1]).toEqual({ type: 'text', text: 'Echo: héllo wörld — ünïcode 🚀 split' });
  });
});

type Json = Record<string, unknown>;

describe('fake Anthropic wire format (raw)', () => {
  let fake: FakeAnthropic;
  beforeAll(async () => {
    fake = await startFakeAnthropic();
  });
  afterAll(() => fake.close());

  const post = (body: Json) =>
    fetch(`${fake.baseUrl}/v1/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${FAKE_ANTHROPIC_API_KEY}`, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify(body),
    });

  it('the exact SSE sequence: event + data lines, ping after the first block start, no [DONE]', async () => {
    fake.next({ text: 'Sure.', toolUse: { name: 'get_weather', input: { city: 'Oslo' }, id: 'toolu_1' } });
    const res = await post({
      model: MODEL,
      max_tokens: 99,
      stream: true,
      tools: [WEATHER],
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const text = await res.text();
    expect(text).toMatch(/^event: message_start\ndata: \{"type":"message_start"/);
    expect(text).not.toContain('[DONE]');
    const events = text
      .trim()
      .split('\n\n')
      .map((f) => {
        const [event, data] = f.split('\n');
        return { event: event.slice(7), data: JSON.parse(data.slice(6)) as Json };
      });
    expect(events.every((e) => e.event === e.data.type)).toBe(true);
    expect(events.map((e) => e.event)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events[0].data.message).toMatchObject({
      content: [],
      stop_reason: null,
      usage: { output_tokens: 1, cache_read_input_tokens: 0 },
    });
    expect(events[5].data).toEqual({
      type: 'content_block_start',
      index: 1,
      content_block: { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: {} },
    });
    expect(events[6].data).toMatchObject({ index: 1, delta: { type: 'input_json_delta', partial_json: '' } });
    const json = events
      .slice(6, 10)
      .map((e) => (e.data.delta as { partial_json: string }).partial_json)
      .join('');
    expect(JSON.parse(json)).toEqual({ city: 'Oslo' });
    expect(events[11].data).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'tool_use', stop_sequence: null },
      usage: { output_tokens: expect.any(Number) },
    });
  });

  it('a cut stream ends in a partial data: line; stop_sequences and max_tokens stop early', async () => {
    fake.inject({ kind: 'cut_stream', afterEvents: 3 });
    const res = await post({
      model: MODEL,
      max_tokens: 99,
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    const reader = res.body!.getReader();
    let got = '';
    await expect(
      (async () => {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          got += Buffer.from(value).toString('utf8');
        }
      })(),
    ).rejects.toThrow();
    expect(got).toMatch(
      /event: ping\ndata: \{"type":"ping"\}\n\nevent: content_block_delta\ndata: \{[^\n]*$/,
    );
    const stopped = (await (
      await post({
        model: MODEL,
        max_tokens: 99,
        stop_sequences: ['three'],
        messages: [{ role: 'user', content: 'one two three four' }],
      })
    ).json()) as Json;
    expect(stopped).toMatchObject({
      content: [{ text: 'Echo: one two ' }],
      stop_reason: 'stop_sequence',
      stop_sequence: 'three',
    });
    const truncated = (await (
      await post({
        model: MODEL,
        max_tokens: 2,
        messages: [{ role: 'user', content: 'a long long long sentence' }],
      })
    ).json()) as Json;
    expect(truncated).toMatchObject({ content: [{ text: 'Echo: a ' }], stop_reason: 'max_tokens' });
  });

  it('fullDeltaUsage: message_delta carries the input and cache counts too', async () => {
    fake.next({ fullDeltaUsage: true });
    const text = await (
      await post({ model: MODEL, max_tokens: 99, stream: true, messages: [{ role: 'user', content: 'hi' }] })
    ).text();
    const delta = /event: message_delta\ndata: (.*)\n/.exec(text)?.[1] ?? '{}';
    expect((JSON.parse(delta) as Json).usage).toEqual({
      input_tokens: expect.any(Number),
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      output_tokens: expect.any(Number),
    });
  });
});

describe('fake Anthropic options', () => {
  it('strictAlternation off, minCacheTokens, a model list, automatic (top-level) cache_control', async () => {
    const fake = await startFakeAnthropic({
      strictAlternation: false,
      minCacheTokens: 1024,
      models: [MODEL],
    });
    try {
      const client = new Anthropic1({ baseURL: fake.baseUrl, apiKey: fake.apiKey, maxRetries: 0 });
      const user: MessageParam = { role: 'user', content: 'hi' };
      const merged = await client.messages.create({ model: MODEL, max_tokens: 9, messages: [user, user] });
      expect(merged.stop_reason).toBeDefined();
      await expect(
        client.messages.create({ model: 'claude-unknown', max_tokens: 9, messages: [user] }),
      ).rejects.toMatchObject({ status: 404, error: { error: { type: 'not_found_error' } } });
      const small: Params = {
        model: MODEL,
        max_tokens: 9,
        system: [{ type: 'text', text: 'short', cache_control: { type: 'ephemeral' } }],
        messages: [user],
      };
      expect((await client.messages.create(small)).usage.cache_creation_input_tokens).toBe(0);
      const auto = {
        model: MODEL,
        max_tokens: 9,
        cache_control: { type: 'ephemeral' },
        system: 'x'.repeat(8000),
        messages: [user],
      } as Params;
      expect((await client.messages.create(auto)).usage.cache_creation_input_tokens).toBeGreaterThan(1024);
      expect((await client.messages.create(auto)).usage.cache_read_input_tokens).toBeGreaterThan(1024);
    } finally {
      await fake.close();
    }
  });
});
