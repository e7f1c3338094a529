import OpenAI from 'openai';
import type { Completion, CompletionCreateParamsNonStreaming } from 'openai/resources/completions';
import { startFakeAnthropic, type FakeAnthropic } from './fakes/fake-anthropic';
import { startFakeGemini, type FakeGemini } from './fakes/fake-gemini';
import { DEFAULT_USAGE, startFakeOpenAi, type FakeOpenAi } from './fakes/fake-openai';
import { AdminClient, type UsageLogPage, type UsageLogResponse } from './support/admin-client';
import { eventually } from './support/eventually';
import { startGateway, type TestGateway } from './support/gateway';
import { expectOpenAiShape } from './support/openai-schema';

type Json = Record<string, unknown>;

/**
 * The legacy OpenAI completions endpoint (issue 17) with the `openai` SDK: passed through to an
 * OpenAI deployment (the raw body, unknown fields kept; the usage read), translated to a Gemini one
 * (the prompt as one user turn), JSON and stream, each call metered under endpoint `completions`.
 */
describe('POST /v1/completions (legacy), through the metered pipeline', () => {
  let gemini: FakeGemini;
  let anthropic: FakeAnthropic;
  let upstream: FakeOpenAi;
  let gw: TestGateway;
  let admin: AdminClient;

  beforeAll(async () => {
    gemini = await startFakeGemini();
    anthropic = await startFakeAnthropic();
    upstream = await startFakeOpenAi();
    gw = await startGateway({
      yaml: `
models:
  - model_name: instruct
    deployments:
      - { provider: openai, upstream_model: gpt-3.5-turbo-instruct, api_key: sk-x, base_url: "${upstream.baseUrl}/v1" }
  - model_name: gemini-flash
    deployments:
      - { provider: gemini, upstream_model: gemini-2.5-flash, api_key: ${gemini.apiKey}, base_url: "${gemini.baseUrl}" }
  - model_name: claude
    deployments:
      - { provider: anthropic, upstream_model: claude-sonnet-4-5, api_key: "${anthropic.apiKey}", base_url: "${anthropic.baseUrl}" }
  - model_name: mixed
    deployments:
      - { provider: gemini, upstream_model: gemini-2.5-flash, api_key: ${gemini.apiKey}, base_url: "${gemini.baseUrl}", weight: 100 }
      - { provider: openai, upstream_model: gpt-3.5-turbo-instruct, api_key: sk-x, base_url: "${upstream.baseUrl}/v1", weight: 1 }
`,
    });
    admin = new AdminClient(gw.url, gw.masterKey);
  });

  afterAll(async () => {
    await gw?.close();
    await gemini?.close();
    await anthropic?.close();
    await upstream?.close();
  });

  /** A fresh key (its usage rows are this test's only) and an SDK client on it. */
  async function caller(baseSuffix = '/v1') {
    const key = await admin.createKey({});
    const client = new OpenAI({ apiKey: key.key, baseURL: `${gw.url}${baseSuffix}`, maxRetries: 0 });
    return { client, keyId: key.id, key: key.key };
  }

  const rowsOf = (keyId: string, count = 1) =>
    eventually(async () => {
      const rows = (await admin.request<UsageLogPage>('GET', `/admin/usage/logs?key_id=${keyId}`)).body.data;
      return rows.length >= count ? rows : undefined;
    });

  async function collect(stream: AsyncIterable<Completion>): Promise<Completion[]> {
    const out: Completion[] = [];
    for await (const c of stream) out.push(c);
    return out;
  }

  /** Every chunk of one stream: the same id, created and public model; a finished chunk is a valid answer. */
  function expectCompletionStream(chunks: Completion[], model: string): void {
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) {
      expect(c).toMatchObject({
        id: chunks[0].id,
        created: chunks[0].created,
        object: 'text_completion',
        model,
      });
      // OpenAI's schema has neither a null finish_reason nor a null usage, though its streams send
      // both (until the end; with include_usage): the other members are checked against it.
      if (c.choices.every((ch) => ch.finish_reason !== null)) {
        const { usage, ...rest } = c;
        expectOpenAiShape('CreateCompletionResponse', usage === null ? rest : c);
      }
    }
  }

  describe('passthrough to an OpenAI deployment', () => {
    it('JSON: the raw body goes upstream (unknown fields kept, model replaced); the answer names the public model; metered', async () => {
      const { client, keyId } = await caller();
      const params = {
        model: 'instruct',
        prompt: ['Say', 'twice'],
        max_tokens: 5,
        suffix: '!',
        echo: true,
        logprobs: 2,
        vendor_knob: { keep: true },
      } as unknown as CompletionCreateParamsNonStreaming;
      const answer = await client.completions.create(params);
      expectOpenAiShape('CreateCompletionResponse', answer);
      expect(answer.model).toBe('instruct');
      expect(answer.choices).toHaveLength(2);
      expect(answer.usage).toMatchObject({ prompt_tokens: 11, completion_tokens: 7 });
      const sent = upstream.completionRequests().at(-1)!;
      expect(sent.path).toBe('/v1/completions');
      expect(sent.body).toEqual({ ...(params as unknown as Json), model: 'gpt-3.5-turbo-instruct' });
      const [row] = await rowsOf(keyId);
      expect(row).toMatchObject<Partial<UsageLogResponse>>({
        endpoint: 'completions',
        model: 'instruct',
        provider: 'openai',
        upstream_model: 'gpt-3.5-turbo-instruct',
        status_code: 200,
        stream: false,
        estimated: false,
        prompt_tokens: DEFAULT_USAGE.prompt_tokens,
        completion_tokens: DEFAULT_USAGE.completion_tokens,
      });
    });

    it('stream without include_usage: text deltas; the usage, asked upstream for metering, is not shown', async () => {
      const { client, keyId } = await caller('');
      upstream.script({
        kind: 'text',
        text: 'Once upon a time',
        usage: { prompt_tokens: 4, completion_tokens: 5 },
      });
      const chunks = await collect(
        await client.completions.create({ model: 'instruct', prompt: 'Tell', stream: true }),
      );
      expectCompletionStream(chunks, 'instruct');
      expect(chunks.map((c) => c.choices[0]?.text ?? '').join('')).toBe('Once upon a time');
      expect(chunks.every((c) => c.choices.length === 1 && !('usage' in c))).toBe(true);
      const sent = upstream.completionRequests().at(-1)!;
      expect(sent.path).toBe('/v1/completions');
      expect((sent.body as Json).stream_options).toEqual({ include_usage: true });
      const [row] = await rowsOf(keyId);
      expect(row).toMatchObject({
        endpoint: 'completions',
        stream: true,
        estimated: false,
        prompt_tokens: 4,
        completion_tokens: 5,
      });
    });

    it('stream with include_usage: the usage chunk comes last, with empty choices', async () => {
      const { client } = await caller();
      const chunks = await collect(
        await client.completions.create({
          model: 'instruct',
          prompt: 'Tell',
          stream: true,
          stream_options: { include_usage: true },
        }),
      );
      const last = chunks.at(-1)!;
      expect(last.choices).toEqual([]);
      expect(last.usage).toMatchObject({ prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 });
      expectCompletionStream(chunks, 'instruct');
    });

    it('a model of mixed providers serves an OpenAI-only field on its OpenAI deployment', async () => {
      const { client } = await caller();
      const before = upstream.completionRequests().length;
      for (let i = 0; i < 3; i++)
        expect((await client.completions.create({ model: 'mixed', prompt: 'x', suffix: 'y' })).model).toBe(
          'mixed',
        );
      expect(upstream.completionRequests().length - before).toBe(3);
    });
  });

  describe('translated to a Gemini deployment', () => {
    it('JSON: the prompt as one user turn, max_tokens 16 by default, thinking off, stop sequences; a text_completion; metered', async () => {
      const { client, keyId } = await caller();
      gemini.script({
        parts: [{ text: 'a quiet ' }, { text: 'village' }],
        finishReason: 'MAX_TOKENS',
        usageMetadata: { promptTokenCount: 9, candidatesTokenCount: 4, totalTokenCount: 13 },
      });
      const answer = await client.completions.create({
        model: 'gemini-flash',
        prompt: 'Once upon a time, in',
        temperature: 0.3,
        stop: ['\n'],
      });
      expectOpenAiShape('CreateCompletionResponse', answer);
      expect(answer).toMatchObject({
        object: 'text_completion',
        model: 'gemini-flash',
        choices: [{ text: 'a quiet village', index: 0, logprobs: null, finish_reason: 'length' }],
        usage: { prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 },
      });
      const sent = gemini.requestsFor('generateContent').at(-1)!.body as Json;
      expect(sent.contents).toEqual([{ role: 'user', parts: [{ text: 'Once upon a time, in' }] }]);
      expect(sent.generationConfig).toMatchObject({
        maxOutputTokens: 16,
        temperature: 0.3,
        stopSequences: ['\n'],
        thinkingConfig: { thinkingBudget: 0 },
      });
      const [row] = await rowsOf(keyId);
      expect(row).toMatchObject({
        endpoint: 'completions',
        model: 'gemini-flash',
        provider: 'gemini',
        status_code: 200,
        stream: false,
        estimated: false,
        prompt_tokens: 9,
        completion_tokens: 4,
      });
    });

    it('stream with include_usage: text deltas, the finish chunk, the usage chunk; metered', async () => {
      const { client, keyId } = await caller();
      gemini.script({
        parts: [{ text: 'Hello' }, { text: ' from' }, { text: ' Gemini' }],
        usageMetadata: { promptTokenCount: 6, candidatesTokenCount: 3, totalTokenCount: 9 },
      });
      const chunks = await collect(
        await client.completions.create({
          model: 'gemini-flash',
          prompt: 'Say hello',
          max_tokens: 30,
          stream: true,
          stream_options: { include_usage: true },
        }),
      );
      expectCompletionStream(chunks, 'gemini-flash');
      expect(chunks.map((c) => c.choices[0]?.text ?? '').join('')).toBe('Hello from Gemini');
      expect(chunks.at(-2)!.choices[0].finish_reason).toBe('stop');
      expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 6, completion_tokens: 3 } });
      expect(
        (gemini.requestsFor('streamGenerateContent').at(-1)!.body as { generationConfig: Json })
          .generationConfig.maxOutputTokens,
      ).toBe(30);
      const [row] = await rowsOf(keyId);
      expect(row).toMatchObject({
        endpoint: 'completions',
        stream: true,
        estimated: false,
        prompt_tokens: 6,
        completion_tokens: 3,
      });
    });

    it('stream without include_usage: no usage member, no usage chunk', async () => {
      const { client } = await caller();
      const chunks = await collect(
        await client.completions.create({ model: 'gemini-flash', prompt: 'Say hi', stream: true }),
      );
      expectCompletionStream(chunks, 'gemini-flash');
      expect(chunks.every((c) => c.choices.length === 1 && !('usage' in c))).toBe(true);
    });
  });

  describe('translated to an Anthropic deployment', () => {
    it('JSON: one user message, max_tokens 16 by default, no thinking; a text_completion; metered', async () => {
      const { client, keyId } = await caller();
      anthropic.next({ text: 'a dragon', usage: { input_tokens: 8, output_tokens: 3 } });
      const answer = await client.completions.create({ model: 'claude', prompt: 'Once there was' });
      expectOpenAiShape('CreateCompletionResponse', answer);
      expect(answer).toMatchObject({
        model: 'claude',
        choices: [{ text: 'a dragon', index: 0, logprobs: null, finish_reason: 'stop' }],
        usage: { prompt_tokens: 8, completion_tokens: 3 },
      });
      const sent = anthropic.messageRequests().at(-1)!.body as Json;
      expect(sent).toMatchObject({
        model: 'claude-sonnet-4-5',
        max_tokens: 16,
        messages: [{ role: 'user', content: [{ type: 'text', text: 'Once there was' }] }],
      });
      expect(sent).not.toHaveProperty('thinking');
      const [row] = await rowsOf(keyId);
      expect(row).toMatchObject({
        endpoint: 'completions',
        provider: 'anthropic',
        status_code: 200,
        prompt_tokens: 8,
        completion_tokens: 3,
      });
    });

    it('stream with include_usage: the text, the finish chunk, the usage chunk; metered', async () => {
      const { client, keyId } = await caller();
      anthropic.next({ text: 'Hello from Claude', usage: { input_tokens: 5, output_tokens: 4 } });
      const chunks = await collect(
        await client.completions.create({
          model: 'claude',
          prompt: 'Say hello',
          stream: true,
          stream_options: { include_usage: true },
        }),
      );
      expectCompletionStream(chunks, 'claude');
      expect(chunks.map((c) => c.choices[0]?.text ?? '').join('')).toBe('Hello from Claude');
      expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 5, completion_tokens: 4 } });
      const [row] = await rowsOf(keyId);
      expect(row).toMatchObject({
        endpoint: 'completions',
        stream: true,
        prompt_tokens: 5,
        completion_tokens: 4,
      });
    });
  });

  describe('bad input: a 400 naming the field, not metered', () => {
    const post = (body: unknown, key: string) =>
      fetch(`${gw.url}/v1/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    it.each([
      [{ model: 'gemini-flash', prompt: 'x', suffix: 'y' }, 'suffix'],
      [{ model: 'gemini-flash', prompt: 'x', echo: true }, 'echo'],
      [{ model: 'gemini-flash', prompt: ['a', 'b'] }, 'prompt'],
      [{ model: 'gemini-flash', prompt: [1, 2, 3] }, 'prompt'],
      [{ model: 'gemini-flash', prompt: 'x', n: 2 }, 'n'],
      [{ model: 'instruct', prompt: 'x', temperature: 9 }, 'temperature'],
      [{ model: 'instruct' }, 'prompt'],
    ])('%j → 400 param %s', async (body, param) => {
      const { key, keyId } = await caller();
      const res = await post(body, key);
      expect(res.status).toBe(400);
      const err = (await res.json()) as { error: { param: string; type: string } };
      expectOpenAiShape('ErrorResponse', err);
      expect(err.error).toMatchObject({ param, type: 'invalid_request_error' });
      await new Promise((r) => setTimeout(r, 200));
      const rows = (await admin.request<UsageLogPage>('GET', `/admin/usage/logs?key_id=${keyId}`)).body.data;
      expect(rows).toEqual([]);
    });

    it('the SDK surfaces it as a BadRequestError', async () => {
      const { client } = await caller();
      await expect(
        client.completions.create({ model: 'gemini-flash', prompt: 'x', logprobs: 1 }),
      ).rejects.toMatchObject({ status: 400, param: 'logprobs' });
    });
  });
});
