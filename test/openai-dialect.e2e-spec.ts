import OpenAI from 'openai';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParamsStreaming,
} from 'openai/resources/chat/completions';
import { startFakeGemini, type FakeGemini } from './fakes/fake-gemini';
import { startFakeOpenAi, type FakeOpenAi } from './fakes/fake-openai';
import { AdminClient, type UsageLogPage, type UsageLogResponse } from './support/admin-client';
import { startGateway, type TestGateway } from './support/gateway';
import { expectOpenAiShape, expectOpenAiStream, readSse } from './support/openai-schema';

/** A chat completion whose message carries the gateway's documented extensions (`images`, …). */
type ChatCompletionWith<M> = ChatCompletion & { choices: Array<{ message: M }> };

/** SSE frames of a chat stream, as the SDK's chunk type (their shape is checked by `expectOpenAiStream`). */
const chunks = (frames: Array<Record<string, unknown>>) => frames as unknown as ChatCompletionChunk[];

/**
 * Every answer of the OpenAI dialect, on every provider path (Gemini translated, OpenAI passthrough,
 * the built-in mock), checked against the schemas of OpenAI's published OpenAPI document
 * (test/vendor), strictly: no member the schema does not list, except the gateway's documented
 * extensions where a test says so. Generated and validating clients read these answers.
 */
describe('OpenAI dialect answers match OpenAI’s OpenAPI schemas (issue 14 item 9)', () => {
  let gemini: FakeGemini;
  let upstream: FakeOpenAi;
  let gw: TestGateway;
  let openai: OpenAI;
  let limitedKey: string;

  beforeAll(async () => {
    gemini = await startFakeGemini();
    upstream = await startFakeOpenAi();
    gw = await startGateway({
      yaml: `
models:
  - model_name: gemini-flash
    aliases: [flash-alias]
    deployments:
      - { provider: gemini, upstream_model: gemini-2.5-flash, api_key: ${gemini.apiKey}, base_url: "${gemini.baseUrl}" }
  - model_name: team/gemini-pro
    deployments:
      - { provider: gemini, upstream_model: gemini-2.5-pro, api_key: ${gemini.apiKey}, base_url: "${gemini.baseUrl}" }
  - model_name: gpt-fake
    deployments:
      - { provider: openai, upstream_model: gpt-4o-mini, api_key: sk-x, base_url: "${upstream.baseUrl}/v1" }
`,
    });
    openai = new OpenAI({ apiKey: gw.masterKey, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    const admin = new AdminClient(gw.url, gw.masterKey);
    limitedKey = (await admin.createKey({ allowed_models: ['gpt-fake'] })).key;
  });

  afterAll(async () => {
    await gw?.close();
    await gemini?.close();
    await upstream?.close();
  });

  const post = (path: string, body: unknown, key = gw.masterKey) =>
    fetch(`${gw.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const get = (path: string, key = gw.masterKey) =>
    fetch(`${gw.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
  const chatBody = (model: string, extra: Record<string, unknown> = {}) => ({
    model,
    messages: [{ role: 'user', content: 'hello there' }],
    ...extra,
  });

  describe('chat completions, JSON', () => {
    it.each(['gemini-flash', 'gpt-fake', 'demo'])('%s: a CreateChatCompletionResponse', async (model) => {
      const res = await post('/v1/chat/completions', chatBody(model));
      expect(res.status).toBe(200);
      const body = (await res.json()) as ChatCompletion;
      expectOpenAiShape('CreateChatCompletionResponse', body);
      expect(body.model).toBe(model);
    });

    it('Gemini: no system_fingerprint, and no modelVersion (the upstream model is in a header)', async () => {
      const res = await post('/v1/chat/completions', chatBody('gemini-flash'));
      const body = (await res.json()) as ChatCompletion;
      expect(body).not.toHaveProperty('system_fingerprint');
      expect(body).not.toHaveProperty('modelVersion');
      expect(res.headers.get('x-switchboard-upstream-model')).toBe('gemini-2.5-flash');
    });

    it('Gemini tool calls and reasoning: the schema, plus the documented extensions only', async () => {
      gemini.script({
        parts: [
          { text: 'Let me check.', thought: true },
          { functionCall: { name: 'get_weather', args: { city: 'Paris' } } },
        ],
      });
      const body = (await (
        await post(
          '/v1/chat/completions',
          chatBody('gemini-flash', {
            reasoning_effort: 'low',
            tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
          }),
        )
      ).json()) as ChatCompletion;
      expectOpenAiShape('CreateChatCompletionResponse', body, { extensions: ['reasoning_content'] });
      expect(body.choices[0]).toMatchObject({
        finish_reason: 'tool_calls',
        message: { tool_calls: [{ type: 'function', function: { name: 'get_weather' } }] },
      });
    });
    it('Gemini logprobs: every member OpenAI requires (bytes, refusal)', async () => {
      const logprobsResult = {
        chosenCandidates: [{ token: 'Hé', logProbability: -0.1 }],
        topCandidates: [
          {
            candidates: [
              { token: 'Hé', logProbability: -0.1 },
              { token: 'Hi', logProbability: -2.3 },
            ],
          },
        ],
      };
      gemini.script({ parts: [{ text: 'Hé' }], candidate: { logprobsResult } });
      const body = (await (
        await post('/v1/chat/completions', chatBody('gemini-flash', { logprobs: true, top_logprobs: 2 }))
      ).json()) as ChatCompletion;
      expectOpenAiShape('CreateChatCompletionResponse', body);
      expect(body.choices[0].logprobs).toEqual({
        content: [
          {
            token: 'Hé',
            logprob: -0.1,
            bytes: [72, 195, 169],
            top_logprobs: [
              { token: 'Hé', logprob: -0.1, bytes: [72, 195, 169] },
              { token: 'Hi', logprob: -2.3, bytes: [72, 105] },
            ],
          },
        ],
        refusal: null,
      });
    });

    it('Gemini audio and images: the schema, plus the documented extensions (audio format, images)', async () => {
      const pcm = Buffer.alloc(48, 1).toString('base64');
      gemini.script({
        parts: [{ text: 'Here.' }, { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } }],
      });
      const image = (await (
        await post('/v1/chat/completions', chatBody('gemini-flash'))
      ).json()) as ChatCompletionWith<{ images?: unknown[] }>;
      expectOpenAiShape('CreateChatCompletionResponse', image, { extensions: ['images'] });
      expect(image.choices[0].message.images).toHaveLength(1);
      gemini.script({ parts: [{ inlineData: { mimeType: 'audio/L16;codec=pcm;rate=24000', data: pcm } }] });
      const audio = (await (
        await post(
          '/v1/chat/completions',
          chatBody('gemini-flash', { modalities: ['audio'], audio: { voice: 'Kore', format: 'pcm16' } }),
        )
      ).json()) as ChatCompletion;
      expectOpenAiShape('CreateChatCompletionResponse', audio, { extensions: ['format'] });
      expect(audio.choices[0].message.audio).toMatchObject({ data: pcm, format: 'pcm16' });
    });
  });

  describe('chat completions, streamed', () => {
    it.each([
      ['gemini-flash', false],
      ['gemini-flash', true],
      ['gpt-fake', false],
      ['gpt-fake', true],
      ['demo', false],
      ['demo', true],
    ])('%s (include_usage %s): chunks as OpenAI sends them', async (model, includeUsage) => {
      const res = await post(
        '/v1/chat/completions',
        chatBody(model, {
          stream: true,
          ...(includeUsage ? { stream_options: { include_usage: true } } : {}),
        }),
      );
      expect(res.status).toBe(200);
      const { frames, done } = await readSse(res);
      expect(done).toBe(true);
      expectOpenAiStream(frames, { includeUsage });
      for (const f of frames) expect(f.model).toBe(model);
    });

    it('Gemini tool calls and reasoning streamed: the schema, plus the documented extensions only', async () => {
      gemini.script({
        parts: [
          { text: 'Let me check.', thought: true },
          { functionCall: { name: 'get_weather', args: { city: 'Paris' } } },
        ],
      });
      const { frames } = await readSse(
        await post(
          '/v1/chat/completions',
          chatBody('gemini-flash', {
            stream: true,
            reasoning_effort: 'low',
            tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
          }),
        ),
      );
      expectOpenAiStream(frames, { includeUsage: false, extensions: ['reasoning_content'] });
      const deltas = chunks(frames).map((f) => f.choices[0].delta);
      expect(deltas).toContainEqual(
        expect.objectContaining({
          tool_calls: [expect.objectContaining({ index: 0, type: 'function', function: expect.anything() })],
        }),
      );
      expect(chunks(frames).at(-1)?.choices[0].finish_reason).toBe('tool_calls');
    });

    it('Gemini grounding metadata rides on the finish chunk, never on a chunk of its own', async () => {
      const grounding = { webSearchQueries: ['weather in Paris'] };
      gemini.script({
        parts: [{ text: 'It is ' }, { text: 'sunny.' }],
        candidate: { groundingMetadata: grounding, safetyRatings: [] },
      });
      const { frames } = await readSse(
        await post('/v1/chat/completions', chatBody('gemini-flash', { stream: true })),
      );
      expectOpenAiStream(frames, { includeUsage: false, extensions: ['groundingMetadata', 'safetyRatings'] });
      const last = chunks(frames)[frames.length - 1] as ChatCompletionChunk & { groundingMetadata?: unknown };
      expect(last.choices[0].finish_reason).toBe('stop');
      expect(last.groundingMetadata).toEqual([grounding]);
      for (const f of frames) {
        expect(f).not.toHaveProperty('modelVersion');
        expect(f).not.toHaveProperty('system_fingerprint');
      }
    });

    it('a client indexing choices[0] on every chunk (the openai SDK, as users write it) does not crash', async () => {
      const stream = await openai.chat.completions.create({
        model: 'gemini-flash',
        stream: true,
        messages: [{ role: 'user', content: 'count' }],
      });
      let text = '';
      for await (const c of stream) text += c.choices[0].delta.content ?? '';
      expect(text).toBe('Echo: count');
    });
  });

  describe('embeddings', () => {
    it.each(['gemini-flash', 'gpt-fake'])('%s: a CreateEmbeddingResponse', async (model) => {
      const res = await post('/v1/embeddings', { model, input: ['alpha', 'beta'], encoding_format: 'float' });
      expect(res.status).toBe(200);
      expectOpenAiShape('CreateEmbeddingResponse', await res.json());
    });
  });

  describe('models', () => {
    it('GET /v1/models is a ListModelsResponse', async () => {
      const body = (await (await get('/v1/models')).json()) as { data: OpenAI.Models.Model[] };
      expectOpenAiShape('ListModelsResponse', body);
      expect(body.data.map((m) => m.id)).toEqual(
        expect.arrayContaining(['gemini-flash', 'gpt-fake', 'team/gemini-pro']),
      );
    });

    it('GET /v1/models/{model} answers the Model object, with and without /v1, for names with a slash and aliases', async () => {
      for (const [path, id] of [
        ['/v1/models/gemini-flash', 'gemini-flash'],
        ['/models/gpt-fake', 'gpt-fake'],
        ['/v1/models/team/gemini-pro', 'team/gemini-pro'],
        ['/v1/models/team%2Fgemini-pro', 'team/gemini-pro'],
        ['/v1/models/flash-alias', 'flash-alias'],
      ]) {
        const res = await get(path);
        expect({ path, status: res.status }).toEqual({ path, status: 200 });
        const body = (await res.json()) as OpenAI.Models.Model;
        expectOpenAiShape('Model', body);
        expect(body).toMatchObject({ id, object: 'model', owned_by: 'switchboard' });
      }
      const viaSdk = await openai.models.retrieve('gpt-fake');
      expect(viaSdk.id).toBe('gpt-fake');
    });

    it('GET /v1/models/{model}: 404 model_not_found for an unknown model and for one the key may not use; 401 without a key', async () => {
      for (const [path, key] of [
        ['/v1/models/nope', gw.masterKey],
        ['/v1/models/gemini-flash', limitedKey],
      ]) {
        const res = await get(path, key);
        expect(res.status).toBe(404);
        const body = (await res.json()) as { error: OpenAI.ErrorObject };
        expectOpenAiShape('ErrorResponse', body);
        expect(body.error).toMatchObject({
          type: 'not_found_error',
          code: 'model_not_found',
          param: 'model',
        });
      }
      expect((await get('/v1/models/gpt-fake', limitedKey)).status).toBe(200);
      const limitedList = (await (await get('/v1/models', limitedKey)).json()) as {
        data: OpenAI.Models.Model[];
      };
      expect(limitedList.data.map((m) => m.id)).toEqual(['gpt-fake']);
      const anonymous = await fetch(`${gw.url}/v1/models/gpt-fake`);
      expect(anonymous.status).toBe(401);
      expectOpenAiShape('ErrorResponse', await anonymous.json());
      await expect(openai.models.retrieve('nope')).rejects.toMatchObject({ status: 404 });
    });
  });

  describe('errors', () => {
    it('401, 400, 404, 403, upstream 4xx/5xx (translated and passthrough) are ErrorResponses', async () => {
      const answers: Response[] = [
        await post('/v1/chat/completions', chatBody('gemini-flash'), 'sk-wrong'),
        await post('/v1/chat/completions', { model: 'gemini-flash', messages: 'nope' }),
        await post('/v1/chat/completions', chatBody('nope')),
        await post('/v1/chat/completions', chatBody('gemini-flash'), limitedKey),
        await post('/v1/embeddings', { model: 'gemini-flash', input: [] }),
      ];
      gemini.script({ error: { status: 400 } });
      answers.push(await post('/v1/chat/completions', chatBody('gemini-flash')));
      upstream.script({ kind: 'error', status: 400 });
      answers.push(await post('/v1/chat/completions', chatBody('gpt-fake')));
      expect(answers.map((r) => r.status)).toEqual([401, 400, 404, 403, 400, 400, 400]);
      for (const r of answers) expectOpenAiShape('ErrorResponse', await r.json());
    });
  });

  describe('enforce_validation on every path (issue 14 item 8)', () => {
    const schema = {
      type: 'array',
      items: { type: 'object', properties: { recipe_name: { type: 'string' } }, required: ['recipe_name'] },
    };
    const good = '[{"recipe_name":"Snickerdoodle"}]';
    const bad = '[{"name":"Snickerdoodle"}]';
    const enforced = (model: string, extra: Record<string, unknown> = {}) =>
      chatBody(model, {
        response_format: {
          type: 'json_schema',
          json_schema: { name: 'recipes', schema },
          enforce_validation: true,
        },
        ...extra,
      });
    /** The next answer of `model`'s upstream is `text` (Gemini: two chunks when streamed). */
    const answerWith = (model: string, text: string) =>
      model === 'gpt-fake'
        ? upstream.script({ kind: 'text', text })
        : gemini.script({ parts: [{ text: text.slice(0, 10) }, { text: text.slice(10) }] });
    const validationError = (raw: string) => ({
      error: expect.objectContaining({
        type: 'api_error',
        code: 'response_schema_validation_failed',
        raw_response: raw,
        message: expect.stringContaining("must have required property 'recipe_name'"),
      }),
    });

    it.each(['gemini-flash', 'gpt-fake'])(
      '%s streamed: a failing answer ends with an error event naming the failure, before [DONE]',
      async (model) => {
        answerWith(model, bad);
        const res = await post(
          '/v1/chat/completions',
          enforced(model, { stream: true, stream_options: { include_usage: true } }),
        );
        expect(res.status).toBe(200);
        const { frames, done } = await readSse(res);
        expect(done).toBe(true);
        const error = frames.pop()!;
        expect(error).toEqual(validationError(bad));
        expectOpenAiShape('ErrorResponse', error, { extensions: ['raw_response'] });
        expectOpenAiStream(frames, { includeUsage: true });
        const streamed = chunks(frames)
          .map((f) => f.choices[0]?.delta?.content ?? '')
          .join('');
        expect(streamed).toBe(bad);
      },
    );

    it.each(['gemini-flash', 'gpt-fake'])('%s streamed: a matching answer ends normally', async (model) => {
      answerWith(model, good);
      const { frames, done } = await readSse(
        await post('/v1/chat/completions', enforced(model, { stream: true })),
      );
      expect(done).toBe(true);
      expectOpenAiStream(frames, { includeUsage: false });
    });

    it('the openai SDK raises the error event as an APIError while iterating', async () => {
      answerWith('gemini-flash', bad);
      const stream = await openai.chat.completions.create(
        enforced('gemini-flash', { stream: true }) as ChatCompletionCreateParamsStreaming,
      );
      let text = '';
      const failure = await (async () => {
        for await (const c of stream) text += c.choices[0]?.delta?.content ?? '';
      })().catch((e: unknown) => e);
      expect(text).toBe(bad);
      expect(failure).toBeInstanceOf(OpenAI.APIError);
      expect((failure as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({
        code: 'response_schema_validation_failed',
      });
    });

    it('gpt-fake (OpenAI passthrough) JSON: checked too, and enforce_validation is not forwarded', async () => {
      answerWith('gpt-fake', bad);
      const res = await post('/v1/chat/completions', enforced('gpt-fake', { enforce_validation: true }));
      expect(res.status).toBe(502);
      const body = await res.json();
      expect(body).toEqual(validationError(bad));
      expectOpenAiShape('ErrorResponse', body, { extensions: ['raw_response'] });
      const sent = upstream.chatRequests().at(-1)!.body as Record<string, unknown>;
      expect(sent).not.toHaveProperty('enforce_validation');
      expect(sent.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'recipes', schema } });
      answerWith('gpt-fake', good);
      expect((await post('/v1/chat/completions', enforced('gpt-fake'))).status).toBe(200);
    });

    it('a stream that failed its check is metered as 502 response_schema_validation_failed, with its usage', async () => {
      const admin = new AdminClient(gw.url, gw.masterKey);
      const own = await admin.createKey({});
      answerWith('gpt-fake', bad);
      await (await post('/v1/chat/completions', enforced('gpt-fake', { stream: true }), own.key)).text();
      let rows: UsageLogResponse[] = [];
      for (let i = 0; i < 100 && rows.length === 0; i++) {
        rows = (await admin.request<UsageLogPage>('GET', `/admin/usage/logs?key_id=${own.id}`)).body.data;
        if (rows.length === 0) await new Promise((r) => setTimeout(r, 100));
      }
      expect(rows).toEqual([
        expect.objectContaining({
          status_code: 502,
          error_type: 'response_schema_validation_failed',
          stream: true,
          estimated: false,
          prompt_tokens: 11,
          completion_tokens: 7,
        }),
      ]);
    });
  });
});
