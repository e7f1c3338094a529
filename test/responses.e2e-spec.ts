import OpenAI from 'openai';
import type { Response, ResponseInputItem } from 'openai/resources/responses/responses';
import { startFakeAnthropic, type FakeAnthropic } from './fakes/fake-anthropic';
import { functionCallPart, startFakeGemini, type FakeGemini } from './fakes/fake-gemini';
import { startFakeOpenAi, type FakeOpenAi } from './fakes/fake-openai';
import { FAKE_RESPONSES_USAGE } from './fakes/fake-openai-responses';
import { AdminClient, type UsageLogPage } from './support/admin-client';
import { eventually } from './support/eventually';
import { startGateway, type TestGateway } from './support/gateway';

const RESP_ID = /^resp_[0-9a-f]{32}$/;

/**
 * `/v1/responses` end to end with the `openai` SDK 6.x: translated to Gemini and Anthropic deployments
 * (JSON and stream), passed through to an OpenAI one, a tool-call round trip, a `previous_response_id`
 * continuation expanded by the gateway, retrieve and delete scoped to the key, usage records.
 */
describe('Responses API', () => {
  let gemini: FakeGemini;
  let anthropic: FakeAnthropic;
  let openaiFake: FakeOpenAi;
  let gw: TestGateway;
  let admin: AdminClient;

  beforeAll(async () => {
    gemini = await startFakeGemini();
    anthropic = await startFakeAnthropic({ strictAlternation: false });
    openaiFake = await startFakeOpenAi();
    gw = await startGateway({
      yaml: `
models:
  - model_name: gemini-fake
    deployments:
      - { provider: gemini, upstream_model: gemini-2.5-flash, api_key: ${gemini.apiKey}, base_url: "${gemini.baseUrl}" }
  - model_name: claude-fake
    deployments:
      - { provider: anthropic, upstream_model: claude-sonnet-4-5, api_key: "${anthropic.apiKey}", base_url: "${anthropic.baseUrl}" }
  - model_name: gpt-fake
    deployments:
      - { provider: openai, upstream_model: gpt-4o-mini, api_key: sk-x, base_url: "${openaiFake.baseUrl}/v1" }
`,
    });
    admin = new AdminClient(gw.url, gw.masterKey);
  });

  afterAll(async () => {
    await gw?.close();
    await gemini?.close();
    await anthropic?.close();
    await openaiFake?.close();
  });

  async function caller(baseSuffix = '/v1') {
    const key = await admin.createKey({});
    const client = new OpenAI({ apiKey: key.key, baseURL: `${gw.url}${baseSuffix}`, maxRetries: 0 });
    return { client, keyId: key.id };
  }

  const rowsOf = (keyId: string, count = 1) =>
    eventually(async () => {
      const rows = (await admin.request<UsageLogPage>('GET', `/admin/usage/logs?key_id=${keyId}`)).body.data;
      return rows.length >= count ? rows : undefined;
    });

  /** The output_text parts joined (a streamed `finalResponse()` has no `output_text`: the SDK adds it to `create` answers only). */
  function textOf(r: Response): string {
    return r.output
      .flatMap((o) => (o.type === 'message' ? o.content : []))
      .map((c) => (c.type === 'output_text' ? c.text : ''))
      .join('');
  }

  function expectCompleted(r: Response, model: string): void {
    expect(r).toMatchObject({ object: 'response', status: 'completed', model });
    expect(r.usage?.input_tokens).toBeGreaterThan(0);
    expect(r.usage?.output_tokens).toBeGreaterThan(0);
    expect(r.usage?.total_tokens).toBe((r.usage?.input_tokens ?? 0) + (r.usage?.output_tokens ?? 0));
  }

  describe.each([
    ['Gemini', 'gemini-fake'],
    ['Anthropic', 'claude-fake'],
  ])('translated to %s', (_name, model) => {
    it('answers a Response object (JSON), stored and metered as `responses`', async () => {
      const { client, keyId } = await caller();
      const r = await client.responses.create({ model, input: 'hello there', instructions: 'Be brief.' });
      expect(r.id).toMatch(RESP_ID);
      expectCompleted(r, model);
      expect(r.output_text).toContain('hello there');
      expect(r.output[0]).toMatchObject({ type: 'message', role: 'assistant' });
      const [row] = await rowsOf(keyId);
      expect(row).toMatchObject({ endpoint: 'responses', model, status_code: 200 });
      expect(row.prompt_tokens).toBe(r.usage?.input_tokens);
      expect(row.completion_tokens).toBe(r.usage?.output_tokens);
      const again = await client.responses.retrieve(r.id);
      expect(again).toMatchObject({ id: r.id, status: 'completed', output: r.output });
    });

    it('streams the Responses event sequence the SDK assembles', async () => {
      const { client, keyId } = await caller();
      const stream = client.responses.stream({ model, input: 'stream me' });
      const types: string[] = [];
      for await (const ev of stream) types.push(ev.type);
      const final = await stream.finalResponse();
      expect(final.id).toMatch(RESP_ID);
      expectCompleted(final, model);
      expect(textOf(final)).toContain('stream me');
      expect(types.slice(0, 4)).toEqual([
        'response.created',
        'response.in_progress',
        'response.output_item.added',
        'response.content_part.added',
      ]);
      expect(types).toContain('response.output_text.delta');
      expect(types.slice(-4)).toEqual([
        'response.output_text.done',
        'response.content_part.done',
        'response.output_item.done',
        'response.completed',
      ]);
      const [row] = await rowsOf(keyId);
      expect(row).toMatchObject({ endpoint: 'responses', model });
      expect(row.completion_tokens).toBe(final.usage?.output_tokens);
      // stored after the terminal event
      expect((await client.responses.retrieve(final.id)).output_text).toContain('stream me');
    });
  });

  it('create({stream: true}) on Gemini: typed events, sequence numbers in order, completed last', async () => {
    const { client } = await caller();
    const stream = await client.responses.create({
      model: 'gemini-fake',
      input: 'events please',
      stream: true,
    });
    const seen: Array<{ type: string; sequence_number: number }> = [];
    for await (const ev of stream) seen.push(ev);
    expect(seen.map((e) => e.sequence_number)).toEqual(seen.map((_e, i) => i));
    const last = seen[seen.length - 1] as unknown as { type: string; response: Response };
    expect(last.type).toBe('response.completed');
    expect(last.response.usage?.output_tokens).toBeGreaterThan(0);
  });

  it('an upstream stream broken mid-way ends with response.failed, nothing stored', async () => {
    const { client } = await caller();
    gemini.script({ parts: [{ text: 'one ' }, { text: 'two ' }, { text: 'three' }], breakAfterChunks: 1 });
    const stream = await client.responses.create({ model: 'gemini-fake', input: 'break', stream: true });
    const seen: Array<{ type: string }> = [];
    try {
      for await (const ev of stream) seen.push(ev);
    } catch {
      // some SDK versions throw once the connection ends early
    }
    const last = seen[seen.length - 1] as { type: string; response?: Response };
    expect(last.type).toBe('response.failed');
    expect(last.response?.status).toBe('failed');
    await expect(client.responses.retrieve(last.response!.id)).rejects.toMatchObject({ status: 404 });
  });

  it('passes through to an OpenAI deployment (JSON and stream), the model renamed, stored', async () => {
    const { client, keyId } = await caller('');
    const before = openaiFake.responsesRequests().length;
    const r = await client.responses.create({ model: 'gpt-fake', input: 'hi openai' });
    expect(r).toMatchObject({ object: 'response', model: 'gpt-fake', status: 'completed' });
    expect(r.output_text).toBe('Responses echo: hi openai');
    expect(r.usage).toEqual(FAKE_RESPONSES_USAGE);
    const final = await client.responses
      .stream({ model: 'gpt-fake', input: 'streamed openai' })
      .finalResponse();
    expect(textOf(final)).toBe('Responses echo: streamed openai');
    expect(final.model).toBe('gpt-fake');
    const sent = openaiFake.responsesRequests().slice(before);
    expect(sent.map((s) => (s.body as { model: string }).model)).toEqual(['gpt-4o-mini', 'gpt-4o-mini']);
    const rows = await rowsOf(keyId, 2);
    for (const row of rows) {
      expect(row).toMatchObject({ endpoint: 'responses', provider: 'openai' });
      expect(row.prompt_tokens).toBe(FAKE_RESPONSES_USAGE.input_tokens);
      expect(row.completion_tokens).toBe(FAKE_RESPONSES_USAGE.output_tokens);
    }
    expect((await client.responses.retrieve(final.id)).model).toBe('gpt-fake');
  });

  it('round-trips a tool call: function_call out, function_call_output back (Anthropic)', async () => {
    const { client } = await caller();
    anthropic.next({ toolUse: { name: 'get_weather', input: { city: 'Paris' }, id: 'toolu_1' } });
    const tools = [
      {
        type: 'function' as const,
        name: 'get_weather',
        description: 'Weather of a city',
        parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        strict: true,
      },
    ];
    const first = await client.responses.create({ model: 'claude-fake', input: 'weather in Paris?', tools });
    const call = first.output.find((o) => o.type === 'function_call');
    expect(call).toMatchObject({ type: 'function_call', call_id: 'toolu_1', name: 'get_weather' });
    expect(JSON.parse((call as { arguments: string }).arguments)).toEqual({ city: 'Paris' });
    const before = anthropic.messageRequests().length;
    const input: ResponseInputItem[] = [
      { role: 'user', content: 'weather in Paris?' },
      ...(first.output as ResponseInputItem[]),
      { type: 'function_call_output', call_id: 'toolu_1', output: 'sunny, 21C' },
    ];
    const second = await client.responses.create({ model: 'claude-fake', input, tools });
    expectCompleted(second, 'claude-fake');
    const sent = anthropic.messageRequests()[before].body as {
      messages: Array<{ role: string; content: Array<Record<string, unknown>> }>;
    };
    expect(sent.messages[1].content).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'tool_use', id: 'toolu_1', name: 'get_weather' }),
      ]),
    );
    expect(sent.messages[2].content).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'tool_result', tool_use_id: 'toolu_1' })]),
    );
  });

  it('streams a tool call as function_call items (Gemini)', async () => {
    const { client } = await caller();
    gemini.script({ parts: [functionCallPart('get_weather', { city: 'Rome' })], finishReason: 'STOP' });
    const final = await client.responses
      .stream({
        model: 'gemini-fake',
        input: 'weather in Rome?',
        tools: [{ type: 'function', name: 'get_weather', parameters: { type: 'object' }, strict: false }],
      })
      .finalResponse();
    const call = final.output.find((o) => o.type === 'function_call');
    expect(call).toMatchObject({ type: 'function_call', name: 'get_weather' });
    expect(JSON.parse((call as { arguments: string }).arguments)).toEqual({ city: 'Rome' });
  });

  it('continues with previous_response_id on Gemini: the stored turns are sent first', async () => {
    const { client } = await caller();
    const first = await client.responses.create({ model: 'gemini-fake', input: 'my name is Ada' });
    const before = gemini.requestsFor('generateContent').length;
    const second = await client.responses.create({
      model: 'gemini-fake',
      input: 'what is my name?',
      previous_response_id: first.id,
    });
    expect(second.previous_response_id).toBe(first.id);
    const sent = gemini.requestsFor('generateContent')[before].body as {
      contents: Array<{ role: string; parts: Array<{ text?: string }> }>;
    };
    expect(sent.contents.map((c) => c.role)).toEqual(['user', 'model', 'user']);
    expect(sent.contents[0].parts[0].text).toBe('my name is Ada');
    expect(sent.contents[1].parts.map((p) => p.text).join('')).toBe(first.output_text);
    expect(sent.contents[2].parts[0].text).toBe('what is my name?');
  });

  it('continues an OpenAI passthrough answer by translating the expanded conversation', async () => {
    const { client } = await caller();
    const first = await client.responses.create({ model: 'gpt-fake', input: 'remember 7' });
    const chatBefore = openaiFake.chatRequests().length;
    await client.responses.create({
      model: 'gpt-fake',
      input: 'what number?',
      previous_response_id: first.id,
    });
    const sent = openaiFake.chatRequests()[chatBefore].body as { messages: Array<{ role: string }> };
    expect(sent.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
  });

  it('retrieves and deletes only its own responses; another key gets 404', async () => {
    const a = await caller();
    const b = await caller();
    const r = await a.client.responses.create({ model: 'gemini-fake', input: 'mine' });
    await expect(b.client.responses.retrieve(r.id)).rejects.toMatchObject({ status: 404 });
    await expect(b.client.responses.delete(r.id)).rejects.toMatchObject({ status: 404 });
    await expect(
      b.client.responses.create({ model: 'gemini-fake', input: 'x', previous_response_id: r.id }),
    ).rejects.toMatchObject({ status: 404, param: 'previous_response_id' });
    const deleted = await a.client.request<unknown>({ method: 'delete', path: `/responses/${r.id}` });
    expect(deleted).toEqual({ id: r.id, object: 'response', deleted: true });
    await expect(a.client.responses.retrieve(r.id)).rejects.toMatchObject({ status: 404 });
    const other = await a.client.responses.create({ model: 'claude-fake', input: 'also mine' });
    await a.client.responses.delete(other.id);
    await expect(a.client.responses.delete(other.id)).rejects.toMatchObject({ status: 404 });
  });

  it('does not store with store: false', async () => {
    const { client } = await caller();
    const r = await client.responses.create({ model: 'gemini-fake', input: 'forget me', store: false });
    await expect(client.responses.retrieve(r.id)).rejects.toMatchObject({ status: 404 });
  });

  it('refuses an unsupported tool type naming the field', async () => {
    const { client } = await caller();
    await expect(
      client.responses.create({ model: 'gemini-fake', input: 'x', tools: [{ type: 'web_search' }] }),
    ).rejects.toMatchObject({ status: 400, param: 'tools[0].type' });
  });
});
