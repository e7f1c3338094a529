import { GoogleGenAI } from '@google/genai';
import {
  ensureUndiciGlobalDispatcher,
  FAKE_GEMINI_API_KEY,
  functionCallPart,
  inlineDataPart,
  rateLimited,
  startFakeGemini,
  thoughtPart,
  type FakeGemini,
} from './fake-gemini';

describe('fake Gemini upstream, driven by the real @google/genai 2.x SDK', () => {
  let fake: FakeGemini;
  let ai: GoogleGenAI;

  beforeAll(async () => {
    ensureUndiciGlobalDispatcher();
    fake = await startFakeGemini();
    ai = new GoogleGenAI({ apiKey: FAKE_GEMINI_API_KEY, httpOptions: { baseUrl: fake.baseUrl } });
  });
  afterAll(() => fake.close());

  it('generateContent: echoes the prompt with usage, and records the exact upstream request', async () => {
    const res = await ai.models.generateContent({
      model: 'gemini-2.5-flash',
      contents: 'hello there',
      config: { thinkingConfig: { thinkingBudget: 1024, includeThoughts: true }, temperature: 0.5 },
    });
    expect(res.text).toBe('Echo: hello there');
    expect(res.candidates?.[0].content?.parts?.[0]).toEqual({
      text: 'Thinking about the echo.',
      thought: true,
    });
    expect(res.usageMetadata?.promptTokenCount).toBeGreaterThan(0);
    expect(res.usageMetadata?.thoughtsTokenCount).toBeGreaterThan(0);
    const sent = fake.requestsFor('generateContent').at(-1);
    expect(sent?.method).toBe('POST');
    expect(sent?.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(sent?.headers['x-goog-api-key']).toBe(FAKE_GEMINI_API_KEY);
    expect(sent?.body).toMatchObject({
      generationConfig: { temperature: 0.5, thinkingConfig: { thinkingBudget: 1024, includeThoughts: true } },
    });
  });

  it('generateContentStream: several SSE chunks (alt=sse), usage on the last one only', async () => {
    const chunks = [];
    for await (const c of await ai.models.generateContentStream({
      model: 'gemini-2.5-flash',
      contents: 'one two three four five six',
    }))
      chunks.push(c);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.map((c) => c.text).join('')).toBe('Echo: one two three four five six');
    expect(chunks.slice(0, -1).every((c) => c.usageMetadata === undefined)).toBe(true);
    expect(chunks.at(-1)?.usageMetadata?.totalTokenCount).toBeGreaterThan(0);
    expect(chunks.at(-1)?.candidates?.[0].finishReason).toBe('STOP');
    expect(fake.requestsFor('streamGenerateContent').at(-1)?.query.get('alt')).toBe('sse');
  });

  it('streams use CRLF frames and a JSON array without alt=sse', async () => {
    const sse = await fetch(
      `${fake.baseUrl}/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse&key=${FAKE_GEMINI_API_KEY}`,
      {
        method: 'POST',
        body: JSON.stringify({ contents: [{ parts: [{ text: 'a b c' }] }] }),
      },
    );
    expect(sse.headers.get('content-type')).toBe('text/event-stream');
    expect(await sse.text()).toMatch(/^data: \{.*\}\r\n\r\ndata: /s);
    const array = await fetch(`${fake.baseUrl}/v1beta/models/gemini-2.5-flash:streamGenerateContent`, {
      method: 'POST',
      headers: { 'x-goog-api-key': FAKE_GEMINI_API_KEY },
      body: JSON.stringify({ contents: [{ parts: [{ text: 'a b c' }] }] }),
    });
    const body = (await array.json()) as Array<{ usageMetadata?: unknown }>;
    expect(Array.isArray(body)).toBe(true);
    expect(body.at(-1)?.usageMetadata).toBeDefined();
  });

  it('countTokens and embedContent', async () => {
    const count = await ai.models.countTokens({
      model: 'gemini-2.5-flash',
      contents: 'count these tokens please',
    });
    expect(count.totalTokens).toBeGreaterThan(0);
    const embed = await ai.models.embedContent({
      model: 'gemini-embedding-001',
      contents: ['alpha', 'beta'],
      config: { outputDimensionality: 4 },
    });
    expect(embed.embeddings).toHaveLength(2);
    expect(embed.embeddings?.[0].values).toHaveLength(4);
    expect(fake.requestsFor('batchEmbedContents').at(-1)?.body).toMatchObject({
      requests: [{ model: 'models/gemini-embedding-001' }, { model: 'models/gemini-embedding-001' }],
    });
  });

  it('scripted function calls with thought signatures, thoughts and inline audio', async () => {
    fake.script({
      parts: [
        thoughtPart('Need the weather.'),
        functionCallPart('get_weather', { city: 'Paris' }, 'c2lnLTE='),
        functionCallPart('get_weather', { city: 'Rome' }),
      ],
    });
    const res = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'weather?' });
    expect(res.functionCalls?.map((c) => c.args)).toEqual([{ city: 'Paris' }, { city: 'Rome' }]);
    expect(res.candidates?.[0].content?.parts?.[1].thoughtSignature).toBe('c2lnLTE=');
    fake.script({ parts: [inlineDataPart('audio/L16;codec=pcm;rate=24000', 'AAE=')] });
    const audio = await ai.models.generateContent({
      model: 'gemini-2.5-flash-preview-tts',
      contents: 'say hi',
    });
    expect(audio.data).toBe('AAE=');
  });

  it('grounding metadata and a blocked prompt', async () => {
    fake.script(
      { candidate: { groundingMetadata: { webSearchQueries: ['q'] } } },
      { promptFeedback: { blockReason: 'SAFETY' } },
    );
    const grounded = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'news' });
    expect(grounded.candidates?.[0].groundingMetadata?.webSearchQueries).toEqual(['q']);
    const blocked = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'bad' });
    expect(blocked.promptFeedback?.blockReason).toBe('SAFETY');
    expect(blocked.candidates).toBeUndefined();
  });

  it('answers a wrong key with 400 API_KEY_INVALID in Google’s shape', async () => {
    const bad = new GoogleGenAI({ apiKey: 'wrong', httpOptions: { baseUrl: fake.baseUrl } });
    await expect(
      bad.models.generateContent({ model: 'gemini-2.5-flash', contents: 'x' }),
    ).rejects.toMatchObject({ status: 400, message: expect.stringContaining('API_KEY_INVALID') });
  });

  it('scripted errors: 429 with retry-after and RetryInfo, any status and body', async () => {
    fake.script(rateLimited(7));
    const res = await fetch(`${fake.baseUrl}/v1beta/models/gemini-2.5-flash:generateContent`, {
      method: 'POST',
      headers: { 'x-goog-api-key': FAKE_GEMINI_API_KEY },
      body: JSON.stringify({ contents: [{ parts: [{ text: 'x' }] }] }),
    });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(await res.json()).toMatchObject({
      error: { code: 429, status: 'RESOURCE_EXHAUSTED', details: [{ retryDelay: '7s' }] },
    });
    fake.script({ error: { status: 503 } });
    await expect(
      ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'x' }),
    ).rejects.toMatchObject({ status: 503 });
  });

  it('a slow first byte and a stream broken mid-way', async () => {
    fake.script({ delayMs: 150 });
    const started = Date.now();
    await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'slow' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    fake.script({ breakAfterChunks: 1 });
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const c of await ai.models.generateContentStream({
          model: 'gemini-2.5-flash',
          contents: 'one two three four five six',
        }))
          seen.push(c.text ?? '');
      })(),
    ).rejects.toThrow();
    expect(seen.length).toBe(1);
  });

  it('cachedContents create / get / delete, and the models list', async () => {
    const cache = await ai.caches.create({
      model: 'gemini-2.5-flash',
      config: { contents: 'a long document', ttl: '600s', displayName: 'doc' },
    });
    expect(cache.name).toMatch(/^cachedContents\//);
    expect((await ai.caches.get({ name: cache.name ?? '' })).displayName).toBe('doc');
    await ai.caches.delete({ name: cache.name ?? '' });
    await expect(ai.caches.get({ name: cache.name ?? '' })).rejects.toMatchObject({ status: 404 });
    const models = [];
    for await (const m of await ai.models.list()) models.push(m.name);
    expect(models).toContain('models/gemini-2.5-flash');
  });
});
