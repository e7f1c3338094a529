import { GoogleGenAI, type Content, type GenerationConfig, type Tool } from '@google/genai';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import type {
  ChatCompletion,
  ChatCompletionContentPart,
  ChatCompletionContentPartText,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionMessage,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from 'openai/resources/chat/completions';
import {
  ensureUndiciGlobalDispatcher,
  inlineDataPart,
  startFakeGemini,
  type FakeGemini,
} from './fakes/fake-gemini';
import { startGateway, type TestGateway } from './support/gateway';

/** A generateContent body as the gateway sends it to Gemini (REST, camelCase). */
interface GeminiGenerateBody {
  contents: Content[];
  systemInstruction?: Content;
  cachedContent?: string;
  generationConfig?: GenerationConfig;
  tools?: Tool[];
}

/** An OpenAI-dialect error, with the gateway's `raw_response` of a failed schema check. */
interface OpenAiErrorBody {
  error: OpenAI.ErrorObject & { raw_response?: string };
}

/** A Google-dialect error. */
interface GoogleErrorBody {
  error: { code: number; message: string; status: string };
}

/** A 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const AGREEMENT = 'Here is the full text of a complex legal agreement'.repeat(4000);
const QUESTION = 'What are the key terms and conditions in this agreement?';

describe('Gemini features through the gateway (seed 001/002): media, context caching, schema validation, TTS, images, grounding, cachedContents', () => {
  let gemini: FakeGemini;
  let gw: TestGateway;
  let strict: TestGateway;
  let openai: OpenAI;
  let media: Server;
  let mediaBase: string;
  const mediaHits: string[] = [];

  const yaml = () => `
models:
  - model_name: gemini-flash
    deployments:
      - { provider: gemini, upstream_model: gemini-2.5-flash, api_key: ${gemini.apiKey}, base_url: "${gemini.baseUrl}" }
  - model_name: gemini-tts
    deployments:
      - { provider: gemini, upstream_model: gemini-2.5-flash-preview-tts, api_key: ${gemini.apiKey}, base_url: "${gemini.baseUrl}" }
  - model_name: gemini-image
    deployments:
      - { provider: gemini, upstream_model: gemini-2.5-flash-image, api_key: ${gemini.apiKey}, base_url: "${gemini.baseUrl}" }
`;

  beforeAll(async () => {
    ensureUndiciGlobalDispatcher();
    gemini = await startFakeGemini({ minCacheTokens: 1024 });
    media = createServer((req, res) => {
      mediaHits.push(req.url ?? '');
      if (req.url === '/cat.png') {
        res.writeHead(200, { 'content-type': 'image/png' });
        res.end(PNG);
      } else if (req.url === '/moved') {
        res.writeHead(302, { location: '/cat.png' });
        res.end();
      } else if (req.url === '/contract') {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.end(PDF);
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((r) => media.listen(0, '127.0.0.1', r));
    mediaBase = `http://127.0.0.1:${(media.address() as AddressInfo).port}`;
    gw = await startGateway({ yaml: yaml() }); // SWITCHBOARD_ALLOW_PRIVATE_URLS=true (test default)
    // A second replica on the same database, with the production default: no private URLs.
    strict = await startGateway({
      yaml: yaml(),
      env: { SWITCHBOARD_ALLOW_PRIVATE_URLS: 'false' },
      databaseUrl: gw.config.databaseUrl,
      redisPrefix: gw.config.redisPrefix,
    });
    openai = new OpenAI({ apiKey: gw.masterKey, baseURL: `${gw.url}/v1`, maxRetries: 0 });
  });

  afterAll(async () => {
    await strict?.close();
    await gw?.close();
    await gemini?.close();
    await new Promise<void>((r) => (media ? media.close(() => r()) : r()));
  });

  const lastGenerate = () => gemini.requestsFor('generateContent').at(-1)!.body as GeminiGenerateBody;
  const cacheCreates = () =>
    gemini.requests.filter((r) => r.method === 'POST' && r.path === '/v1beta/cachedContents');
  const chatRaw = (g: TestGateway, body: unknown) =>
    fetch(`${g.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${g.masterKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  describe('media', () => {
    it('fetches an http(s) image (following a redirect) and a file URL, and sends them inline', async () => {
      const hits = mediaHits.length;
      await openai.chat.completions.create({
        model: 'gemini-flash',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Describe these.' },
              { type: 'image_url', image_url: { url: `${mediaBase}/moved` } },
              {
                type: 'file',
                file: { file_id: `${mediaBase}/contract`, format: 'application/pdf' },
              } as ChatCompletionContentPart.File,
              { type: 'image_url', image_url: { url: 'gs://bucket/kept.png' } },
            ],
          },
        ],
      });
      expect(mediaHits.slice(hits)).toEqual(expect.arrayContaining(['/moved', '/cat.png', '/contract']));
      expect(lastGenerate().contents[0].parts).toEqual([
        { text: 'Describe these.' },
        { inlineData: { mimeType: 'image/png', data: PNG.toString('base64') } },
        { inlineData: { mimeType: 'application/pdf', data: PDF.toString('base64') } },
        { fileData: { mimeType: 'image/png', fileUri: 'gs://bucket/kept.png' } },
      ]);
    });

    it('refuses the same loopback URL with a 400 naming the field when private URLs are not allowed', async () => {
      const hits = mediaHits.length;
      const sent = gemini.requestsFor('generateContent').length;
      const res = await chatRaw(strict, {
        model: 'gemini-flash',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Describe.' },
              { type: 'image_url', image_url: { url: `${mediaBase}/cat.png` } },
            ],
          },
        ],
      });
      expect(res.status).toBe(400);
      const body = (await res.json()) as OpenAiErrorBody;
      expect(body.error).toMatchObject({
        type: 'invalid_request_error',
        param: 'messages[0].content[1].image_url.url',
      });
      expect(body.error.message).toMatch(/non-public address/);
      expect(mediaHits.length).toBe(hits); // refused before connecting
      expect(gemini.requestsFor('generateContent').length).toBe(sent);
    });

    it('an unreachable URL is a 400 naming the field too', async () => {
      const res = await chatRaw(gw, {
        model: 'gemini-flash',
        messages: [
          { role: 'user', content: [{ type: 'image_url', image_url: { url: `${mediaBase}/missing.png` } }] },
        ],
      });
      expect(res.status).toBe(400);
      const body = (await res.json()) as OpenAiErrorBody;
      expect(body.error.param).toBe('messages[0].content[0].image_url.url');
      expect(body.error.message).toMatch(/HTTP 404/);
    });

    it('a data-URI image and an input_audio part reach Gemini as inlineData', async () => {
      const wav = Buffer.from('RIFF....WAVEfmt ').toString('base64');
      await openai.chat.completions.create({
        model: 'gemini-flash',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG.toString('base64')}` } },
              { type: 'input_audio', input_audio: { data: wav, format: 'wav' } },
              { type: 'text', text: 'What is this?' },
            ],
          },
        ],
      });
      expect(lastGenerate().contents[0].parts).toEqual([
        { inlineData: { mimeType: 'image/png', data: PNG.toString('base64') } },
        { inlineData: { mimeType: 'audio/wav', data: wav } },
        { text: 'What is this?' },
      ]);
    });
  });

  describe('context caching', () => {
    const seedMessages = (agreement = AGREEMENT, ttl?: string): ChatCompletionMessageParam[] => [
      {
        role: 'system',
        content: [
          {
            type: 'text',
            text: agreement,
            cache_control: { type: 'ephemeral', ...(ttl ? { ttl } : {}) },
          } as ChatCompletionContentPartText, // cache_control: the gateway's extension
        ],
      },
      {
        role: 'user',
        content: [
          {
            type: 'text',
            text: QUESTION,
            cache_control: { type: 'ephemeral' },
          } as ChatCompletionContentPartText,
        ],
      },
    ];

    it('cache_control creates one cachedContents entry that identical requests reuse (memory, then another replica via Postgres)', async () => {
      const creates = cacheCreates().length;
      const generates = gemini.requestsFor('generateContent').length;
      const first = await openai.chat.completions.create({
        model: 'gemini-flash',
        messages: seedMessages(AGREEMENT, '3600s'),
      });
      const second = await openai.chat.completions.create({
        model: 'gemini-flash',
        messages: seedMessages(AGREEMENT, '3600s'),
      });
      expect(cacheCreates().length).toBe(creates + 1);
      const created = cacheCreates().at(-1)!;
      expect(created.headers['x-goog-api-key']).toBe(gemini.apiKey);
      expect(created.body).toMatchObject({
        model: 'models/gemini-2.5-flash',
        systemInstruction: { parts: [{ text: AGREEMENT }] },
        ttl: '3600s',
        displayName: expect.stringMatching(/^switchboard-[0-9a-f]{40}$/),
      });
      const calls = gemini
        .requestsFor('generateContent')
        .slice(generates)
        .map((r) => r.body as GeminiGenerateBody);
      expect(calls).toHaveLength(2);
      for (const body of calls) {
        expect(body.cachedContent).toMatch(/^cachedContents\//);
        expect(body.systemInstruction).toBeUndefined();
        expect(body.contents).toEqual([{ role: 'user', parts: [{ text: QUESTION }] }]);
      }
      expect(calls[0].cachedContent).toBe(calls[1].cachedContent);
      // Gemini reports the cached tokens; they come back as OpenAI's cached_tokens.
      expect(first.usage?.prompt_tokens_details?.cached_tokens).toBeGreaterThan(10_000);
      expect(second.usage?.prompt_tokens_details?.cached_tokens).toBe(
        first.usage?.prompt_tokens_details?.cached_tokens,
      );

      // The other replica has nothing in memory: it finds the cache in gemini_cached_contents.
      const viaReplica = await chatRaw(strict, {
        model: 'gemini-flash',
        messages: seedMessages(AGREEMENT, '3600s'),
      });
      expect(viaReplica.status).toBe(200);
      expect(cacheCreates().length).toBe(creates + 1);
      expect(lastGenerate().cachedContent).toBe(calls[0].cachedContent);
    });

    it('content Gemini refuses to cache (below its minimum) is sent normally, and not offered again at once', async () => {
      const creates = cacheCreates().length;
      const small = 'A short agreement.';
      const res = await openai.chat.completions.create({
        model: 'gemini-flash',
        messages: seedMessages(small),
      });
      expect(res.choices[0].message.content).toBe(`Echo: ${QUESTION}`);
      expect(cacheCreates().length).toBe(creates + 1); // tried once, refused (400 "Cached content is too small")
      const sent = lastGenerate();
      expect(sent.cachedContent).toBeUndefined();
      expect(sent.systemInstruction).toEqual({ parts: [{ text: small }] });
      await openai.chat.completions.create({ model: 'gemini-flash', messages: seedMessages(small) });
      expect(cacheCreates().length).toBe(creates + 1);
      expect(lastGenerate().cachedContent).toBeUndefined();
    });

    it('implicit caching: Gemini’s cachedContentTokenCount is reported as cached_tokens', async () => {
      gemini.script({
        parts: [{ text: 'ok' }],
        usageMetadata: {
          promptTokenCount: 2000,
          cachedContentTokenCount: 1500,
          candidatesTokenCount: 1,
          totalTokenCount: 2001,
        },
      });
      const res = await openai.chat.completions.create({
        model: 'gemini-flash',
        messages: [{ role: 'user', content: 'again' }],
      });
      expect(res.usage).toMatchObject({
        prompt_tokens: 2000,
        completion_tokens: 1,
        prompt_tokens_details: { cached_tokens: 1500 },
      });
    });
  });

  describe('response_schema + enforce_validation', () => {
    const responseSchema = {
      type: 'array',
      items: { type: 'object', properties: { recipe_name: { type: 'string' } }, required: ['recipe_name'] },
    };
    const request = {
      model: 'gemini-flash',
      messages: [{ role: 'user', content: 'List 5 popular cookie recipes.' }],
      response_format: { type: 'json_object', response_schema: responseSchema, enforce_validation: true },
    };

    it('passes a matching answer (and sends the schema to Gemini)', async () => {
      gemini.script({ parts: [{ text: '[{"recipe_name":"Snickerdoodle"}]' }] });
      const res = await chatRaw(gw, request);
      expect(res.status).toBe(200);
      expect(((await res.json()) as ChatCompletion).choices[0].message.content).toBe(
        '[{"recipe_name":"Snickerdoodle"}]',
      );
      expect(lastGenerate().generationConfig).toMatchObject({
        responseMimeType: 'application/json',
        responseJsonSchema: responseSchema,
      });
    });

    it('answers 502 response_schema_validation_failed with the raw answer on a mismatch', async () => {
      const raw = '[{"name":"Snickerdoodle"}]';
      gemini.script({ parts: [{ text: raw }] });
      const res = await chatRaw(gw, request);
      expect(res.status).toBe(502);
      const body = (await res.json()) as OpenAiErrorBody;
      expect(body.error).toMatchObject({
        code: 'response_schema_validation_failed',
        type: 'api_error',
        raw_response: raw,
      });
      expect(body.error.message).toContain("must have required property 'recipe_name'");
      // The OpenAI SDK surfaces it as an APIError carrying the same fields.
      gemini.script({ parts: [{ text: raw }] });
      await expect(
        openai.chat.completions.create(request as ChatCompletionCreateParamsNonStreaming),
      ).rejects.toMatchObject({
        status: 502,
        code: 'response_schema_validation_failed',
      });
    });
  });

  it('TTS: modalities ["audio"] with voice Kore → speechConfig, pcm16 audio back in message.audio', async () => {
    const pcm = Buffer.alloc(480, 1).toString('base64');
    gemini.script({ parts: [inlineDataPart('audio/L16;codec=pcm;rate=24000', pcm)] });
    const res = await openai.chat.completions.create({
      model: 'gemini-tts',
      modalities: ['audio'],
      audio: { voice: 'Kore', format: 'pcm16' },
      messages: [{ role: 'user', content: 'Say hello in a friendly voice' }],
    });
    const sent = lastGenerate();
    expect(gemini.requestsFor('generateContent').at(-1)!.path).toBe(
      '/v1beta/models/gemini-2.5-flash-preview-tts:generateContent',
    );
    expect(sent.generationConfig).toMatchObject({
      responseModalities: ['AUDIO'],
      speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Kore' } } },
    });
    expect(res.choices[0].message.audio).toMatchObject({ data: pcm, format: 'pcm16' });
  });

  it('image generation: an inlineData image comes back as a data URI in message.images', async () => {
    const b64 = PNG.toString('base64');
    gemini.script({ parts: [{ text: 'Here is a cat.' }, inlineDataPart('image/png', b64)] });
    const res = await openai.chat.completions.create({
      model: 'gemini-image',
      modalities: ['image', 'text'] as Array<'text' | 'audio'>, // `image` is the gateway's extension,
      messages: [{ role: 'user', content: 'Generate an image of a cat' }],
    });
    expect(lastGenerate().generationConfig?.responseModalities).toEqual(['TEXT', 'IMAGE']);
    const message = res.choices[0].message as ChatCompletionMessage & { images?: unknown[] };
    expect(message.content).toBe('Here is a cat.');
    expect(message.images).toEqual([
      { type: 'image_url', image_url: { url: `data:image/png;base64,${b64}` } },
    ]);
  });

  it('googleSearch tool: sent as a built-in tool, grounding metadata surfaced in the answer', async () => {
    const grounding = {
      webSearchQueries: ['weather in San Francisco'],
      groundingChunks: [{ web: { uri: 'https://example.com/sf-weather', title: 'example.com' } }],
      groundingSupports: [
        { segment: { startIndex: 0, endIndex: 14, text: 'It is 18°C now' }, groundingChunkIndices: [0] },
      ],
    };
    gemini.script({ parts: [{ text: 'It is 18°C now' }], candidate: { groundingMetadata: grounding } });
    const res = (await openai.chat.completions.create({
      model: 'gemini-flash',
      tools: [{ googleSearch: {} }] as unknown as ChatCompletionTool[], // a Gemini built-in tool,
      messages: [{ role: 'user', content: 'What is the weather in San Francisco?' }],
    })) as ChatCompletion & { groundingMetadata?: unknown };
    expect(lastGenerate().tools).toEqual([{ googleSearch: {} }]);
    expect(res.choices[0].message.content).toBe('It is 18°C now');
    expect(res.groundingMetadata).toEqual([grounding]);
  });

  describe('cachedContents endpoints (Google dialect)', () => {
    const sdk = (base = `${gw.url}/gemini`) =>
      new GoogleGenAI({ apiKey: gw.masterKey, httpOptions: { baseUrl: base } });

    it('create / get / update / use / delete through @google/genai, on the deployment that holds the cache', async () => {
      const ai = sdk();
      const cache = await ai.caches.create({
        model: 'gemini-flash',
        config: {
          contents: 'A long document about cookies. '.repeat(500),
          systemInstruction: 'You are a baker.',
          ttl: '600s',
          displayName: 'doc',
        },
      });
      expect(cache.name).toMatch(/^cachedContents\/fakecache\d+$/);
      expect(cache.model).toBe('models/gemini-flash');
      const upstream = cacheCreates().at(-1)!;
      expect(upstream.headers['x-goog-api-key']).toBe(gemini.apiKey);
      expect(upstream.body).toMatchObject({
        model: 'models/gemini-2.5-flash',
        ttl: '600s',
        displayName: 'doc',
      });

      const got = await sdk(gw.url).caches.get({ name: cache.name! });
      expect(got).toMatchObject({ name: cache.name, displayName: 'doc', model: 'models/gemini-flash' });

      const updated = await ai.caches.update({ name: cache.name!, config: { ttl: '1200s' } });
      expect(Date.parse(updated.expireTime!)).toBeGreaterThan(Date.parse(got.expireTime!));
      const patch = gemini.requests.filter((r) => r.method === 'PATCH').at(-1)!;
      expect(patch.path).toBe(`/v1beta/${cache.name}`);
      expect(patch.body).toEqual({ ttl: '1200s' });

      const answer = await ai.models.generateContent({
        model: 'gemini-flash',
        contents: 'Which cookies?',
        config: { cachedContent: cache.name! },
      });
      expect(answer.text).toBe('Echo: Which cookies?');
      expect(answer.usageMetadata?.cachedContentTokenCount).toBeGreaterThan(0);

      await ai.caches.delete({ name: cache.name! });
      expect(gemini.requests.filter((r) => r.method === 'DELETE').at(-1)!.path).toBe(`/v1beta/${cache.name}`);
      await expect(ai.caches.get({ name: cache.name! })).rejects.toMatchObject({ status: 404 });
    });

    it('answers in Google’s error shape: unknown cache 404, unknown model 404, no key 401', async () => {
      const unknown = await fetch(`${gw.url}/v1beta/cachedContents/nope123`, {
        headers: { 'x-goog-api-key': gw.masterKey },
      });
      expect(unknown.status).toBe(404);
      expect(((await unknown.json()) as GoogleErrorBody).error).toMatchObject({
        code: 404,
        status: 'NOT_FOUND',
      });
      const badModel = await fetch(`${gw.url}/gemini/v1beta/cachedContents`, {
        method: 'POST',
        headers: { 'x-goog-api-key': gw.masterKey, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'models/nope', contents: [{ role: 'user', parts: [{ text: 'x' }] }] }),
      });
      expect(badModel.status).toBe(404);
      expect(((await badModel.json()) as GoogleErrorBody).error.status).toBe('NOT_FOUND');
      const anonymous = await fetch(`${gw.url}/v1beta/cachedContents`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(anonymous.status).toBe(401);
      expect(((await anonymous.json()) as GoogleErrorBody).error.status).toBe('UNAUTHENTICATED');
    });
  });
});
