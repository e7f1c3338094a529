import Anthropic0 from 'anthropic-sdk-0';
import Anthropic1 from 'anthropic-sdk-1';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { startFakeAnthropic, type FakeAnthropic } from './fakes/fake-anthropic';
import { ensureUndiciGlobalDispatcher, startFakeGemini, type FakeGemini } from './fakes/fake-gemini';
import { startFakeOpenAi, type FakeOpenAi } from './fakes/fake-openai';
import { AdminClient } from './support/admin-client';
import { eventually } from './support/eventually';
import { startGateway, type TestGateway } from './support/gateway';

type Client = InstanceType<typeof Anthropic1>;

interface UsageLog {
  model: string;
  endpoint: string;
  provider: string;
  status_code: number;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  cost_usd: string;
}

/** Both official Anthropic SDK lines: 0.x (x-api-key, 2023-06-01) and 1.x (Bearer, a newer version). */
const SDKS: Array<[string, (baseURL: string, apiKey: string) => Client]> = [
  [
    '@anthropic-ai/sdk 0.71',
    (baseURL, apiKey) => new Anthropic0({ baseURL, apiKey, maxRetries: 0 }) as unknown as Client,
  ],
  ['@anthropic-ai/sdk 1.11', (baseURL, apiKey) => new Anthropic1({ baseURL, apiKey, maxRetries: 0 })],
];

/**
 * The Anthropic dialect and provider end to end: passthrough to an Anthropic deployment (unknown fields
 * and beta headers kept, usage with cache tokens metered), translation to OpenAI and Gemini deployments,
 * and the OpenAI and Google dialects reaching an Anthropic deployment.
 */
describe('Anthropic: dialect and provider', () => {
  let anthropic: FakeAnthropic;
  let openaiFake: FakeOpenAi;
  let gemini: FakeGemini;
  let gw: TestGateway;
  let admin: AdminClient;
  let key: string;

  beforeAll(async () => {
    ensureUndiciGlobalDispatcher();
    anthropic = await startFakeAnthropic({ strictAlternation: false });
    openaiFake = await startFakeOpenAi();
    gemini = await startFakeGemini();
    const yaml = `
models:
  - model_name: claude-sonnet-4-5
    deployments:
      - { provider: anthropic, upstream_model: claude-sonnet-4-5, base_url: "${anthropic.baseUrl}", api_key: "${anthropic.apiKey}" }
  - model_name: gpt-fake
    deployments:
      - { provider: openai, upstream_model: gpt-4o-mini, base_url: "${openaiFake.baseUrl}/v1", api_key: sk-fake }
  - model_name: gemini-fake
    deployments:
      - { provider: gemini, upstream_model: gemini-2.5-flash, base_url: "${gemini.baseUrl}", api_key: "${gemini.apiKey}" }
`;
    gw = await startGateway({ yaml });
    admin = new AdminClient(gw.url, gw.masterKey);
    key = (await admin.createKey({ name: 'anthropic' })).key;
  });

  afterAll(async () => {
    await gw?.close();
    await anthropic?.close();
    await openaiFake?.close();
    await gemini?.close();
  });

  async function logs(model: string): Promise<UsageLog[]> {
    return (await admin.request<{ data: UsageLog[] }>('GET', `/admin/usage/logs?model=${model}&limit=200`))
      .body.data;
  }

  describe.each(SDKS)('%s', (_name, make) => {
    let client: Client;
    beforeAll(() => {
      client = make(gw.url, key);
    });

    it('passes through to an Anthropic deployment: unknown fields and beta headers kept, public model answered', async () => {
      const before = anthropic.messageRequests().length;
      const msg = await client.messages.create(
        {
          model: 'claude-sonnet-4-5',
          max_tokens: 64,
          messages: [{ role: 'user', content: 'hello there' }],
          // an unknown field: forwarded as is
          ...({ container: 'c-1' } as object),
        },
        { headers: { 'anthropic-beta': 'files-api-2025-04-14' } },
      );
      expect(msg.model).toBe('claude-sonnet-4-5');
      expect(msg.content[0]).toMatchObject({ type: 'text' });
      const sent = anthropic.messageRequests().slice(before);
      expect(sent).toHaveLength(1);
      expect((sent[0].body as { container?: string }).container).toBe('c-1');
      expect(sent[0].headers['anthropic-beta']).toBe('files-api-2025-04-14');
      expect(sent[0].headers['x-api-key']).toBe(anthropic.apiKey);
    });

    it('streams a passthrough answer the SDK assembles, metered', async () => {
      const stream = client.messages.stream({
        model: 'claude-sonnet-4-5',
        max_tokens: 64,
        messages: [{ role: 'user', content: 'stream please' }],
      });
      const final = await stream.finalMessage();
      expect(final.content.map((b) => (b.type === 'text' ? b.text : '')).join('')).toContain('stream please');
      expect(final.usage.output_tokens).toBeGreaterThan(0);
    });

    it('translates to an OpenAI deployment, JSON and stream', async () => {
      openaiFake.script(
        { kind: 'text', text: 'from openai' },
        { kind: 'text', text: 'streamed from openai' },
      );
      const msg = await client.messages.create({
        model: 'gpt-fake',
        max_tokens: 64,
        messages: [{ role: 'user', content: 'hi' }],
      });
      expect(msg).toMatchObject({
        type: 'message',
        role: 'assistant',
        model: 'gpt-fake',
        stop_reason: 'end_turn',
      });
      expect(msg.content).toEqual([expect.objectContaining({ type: 'text', text: 'from openai' })]);
      const final = await client.messages
        .stream({ model: 'gpt-fake', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] })
        .finalMessage();
      expect(final.content[0]).toMatchObject({ type: 'text', text: 'streamed from openai' });
    });

    it('a tool call translated from an OpenAI deployment comes back as tool_use', async () => {
      openaiFake.script({ kind: 'tool_call', name: 'get_weather', arguments: '{"city":"Paris"}' });
      const msg = await client.messages.create({
        model: 'gpt-fake',
        max_tokens: 64,
        tools: [
          {
            name: 'get_weather',
            description: 'weather',
            input_schema: { type: 'object', properties: { city: { type: 'string' } } },
          },
        ],
        messages: [{ role: 'user', content: 'weather in Paris?' }],
      });
      expect(msg.stop_reason).toBe('tool_use');
      expect(msg.content.find((b) => b.type === 'tool_use')).toMatchObject({
        name: 'get_weather',
        input: { city: 'Paris' },
      });
    });

    it('bad input is a 400 in the Anthropic shape naming the field', async () => {
      await expect(
        client.messages.create({ model: 'gpt-fake', messages: [{ role: 'user', content: 'x' }] } as never),
      ).rejects.toMatchObject({
        status: 400,
        error: { type: 'error', error: { type: 'invalid_request_error' } },
      });
    });
  });

  it('cache tokens from Anthropic are metered once: prompt = input + cache read + cache write', async () => {
    const client = SDKS[1][1](gw.url, key);
    const system = [
      {
        type: 'text' as const,
        text: 'a long system prompt '.repeat(50),
        cache_control: { type: 'ephemeral' as const },
      },
    ];
    await client.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 32,
      system,
      messages: [{ role: 'user', content: 'one' }],
    });
    await client.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 32,
      system,
      messages: [{ role: 'user', content: 'one' }],
    });
    const rows = await eventually(async () => {
      const r = (await logs('claude-sonnet-4-5')).filter((l) => l.cached_tokens > 0);
      return r.length > 0 ? r : undefined;
    });
    expect(rows[0].prompt_tokens).toBeGreaterThan(rows[0].cached_tokens);
  });

  it('the OpenAI and Google SDKs reach an Anthropic deployment', async () => {
    const oa = new OpenAI({ apiKey: key, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    const chat = await oa.chat.completions.create({
      model: 'claude-sonnet-4-5',
      messages: [{ role: 'user', content: 'from openai sdk' }],
    });
    expect(chat.choices[0].message.content).toContain('from openai sdk');
    const ai = new GoogleGenAI({ apiKey: key, httpOptions: { baseUrl: gw.url } });
    const g = await ai.models.generateContent({ model: 'claude-sonnet-4-5', contents: 'from google sdk' });
    expect(g.text).toContain('from google sdk');
  });

  it('count_tokens: counted by an Anthropic deployment, estimated for any other', async () => {
    const client = SDKS[0][1](gw.url, key);
    const params = { messages: [{ role: 'user' as const, content: 'count these words please' }] };
    const upstream = await client.messages.countTokens({ model: 'claude-sonnet-4-5', ...params });
    expect(upstream.input_tokens).toBeGreaterThan(0);
    expect(anthropic.countTokensRequests().length).toBeGreaterThan(0);
    const local = await client.messages.countTokens({ model: 'gpt-fake', ...params });
    expect(local.input_tokens).toBeGreaterThan(0);
  });

  it('a Gemini deployment answers the Anthropic SDK, JSON and stream', async () => {
    const client = SDKS[1][1](gw.url, key);
    const msg = await client.messages.create({
      model: 'gemini-fake',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'hello gemini' }],
    });
    expect(msg).toMatchObject({ type: 'message', model: 'gemini-fake' });
    expect(msg.content[0].type).toBe('text');
    const final = await client.messages
      .stream({ model: 'gemini-fake', max_tokens: 64, messages: [{ role: 'user', content: 'hello gemini' }] })
      .finalMessage();
    expect(final.content[0].type).toBe('text');
  });

  it('an upstream failure mid-stream reaches the SDK as an error event; the request is recorded failed', async () => {
    const client = SDKS[1][1](gw.url, key);
    anthropic.inject({ kind: 'stream_error', afterEvents: 3, type: 'overloaded_error', message: 'busy' });
    await expect(
      client.messages
        .stream({
          model: 'claude-sonnet-4-5',
          max_tokens: 64,
          messages: [{ role: 'user', content: 'cut me' }],
        })
        .finalMessage(),
    ).rejects.toThrow(/busy|overloaded/);
    const failed = await eventually(async () => {
      const r = (await logs('claude-sonnet-4-5')).filter((l) => l.status_code >= 400);
      return r.length > 0 ? r : undefined;
    });
    expect(failed[0].endpoint).toBe('messages');
  });

  it('thinking with signatures round-trips through passthrough in a tool loop', async () => {
    const client = SDKS[1][1](gw.url, key);
    const tools = [
      {
        name: 'get_weather',
        description: 'w',
        input_schema: { type: 'object' as const, properties: { city: { type: 'string' } } },
      },
    ];
    const first = await client.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 2048,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      tools,
      tool_choice: { type: 'any' },
      messages: [{ role: 'user', content: 'get_weather for {"city":"Oslo"}' }],
    });
    const toolUse = first.content.find((b) => b.type === 'tool_use');
    expect(first.content[0].type).toBe('thinking');
    expect(toolUse).toBeDefined();
    const second = await client.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 2048,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      tools,
      messages: [
        { role: 'user', content: 'get_weather for {"city":"Oslo"}' },
        { role: 'assistant', content: first.content },
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: (toolUse as { id: string }).id, content: 'sunny' }],
        },
      ],
    });
    expect(second.content.some((b) => b.type === 'text')).toBe(true);
  });
});
