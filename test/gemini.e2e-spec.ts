import {
  GoogleGenAI,
  type Content,
  type GenerateContentResponse,
  type GenerationConfig,
} from '@google/genai';
import OpenAI, { APIError } from 'openai';
import type {
  ChatCompletionAssistantMessageParam,
  ChatCompletionCreateParams,
  ChatCompletionMessage,
  ChatCompletionMessageToolCall,
} from 'openai/resources/chat/completions';
import {
  ensureUndiciGlobalDispatcher,
  functionCallPart,
  startFakeGemini,
  thoughtPart,
  type FakeGemini,
} from './fakes/fake-gemini';
import { startFakeOpenAi, type FakeOpenAi } from './fakes/fake-openai';
import { startGateway, type TestGateway } from './support/gateway';

/** A generateContent / batchEmbedContents body as the gateway sends it to Gemini (REST, camelCase). */
interface GeminiRequestBody {
  contents: Content[];
  generationConfig?: GenerationConfig;
  requests?: unknown[];
}

describe('Gemini through the gateway: Google SDK and OpenAI SDK, both directions', () => {
  let gemini: FakeGemini;
  let openaiUpstream: FakeOpenAi;
  let gw: TestGateway;
  let openai: OpenAI;

  beforeAll(async () => {
    ensureUndiciGlobalDispatcher();
    gemini = await startFakeGemini();
    openaiUpstream = await startFakeOpenAi();
    gw = await startGateway({
      yaml: `
models:
  - model_name: gemini-flash
    deployments:
      - { provider: gemini, upstream_model: gemini-2.5-flash, api_key: ${gemini.apiKey}, base_url: "${gemini.baseUrl}" }
  - model_name: gemini-2.5-flash
    deployments:
      - { provider: gemini, upstream_model: gemini-2.5-flash, api_key: ${gemini.apiKey}, base_url: "${gemini.baseUrl}" }
  - model_name: gemini-3-pro
    deployments:
      - { provider: gemini, upstream_model: gemini-3-pro-preview, api_key: ${gemini.apiKey}, base_url: "${gemini.baseUrl}" }
  - model_name: gpt-fake
    deployments:
      - { provider: openai, upstream_model: gpt-4o-mini, api_key: sk-x, base_url: "${openaiUpstream.baseUrl}/v1" }
`,
    });
    openai = new OpenAI({ apiKey: gw.masterKey, baseURL: `${gw.url}/v1`, maxRetries: 0 });
  });

  afterAll(async () => {
    await gw?.close();
    await gemini?.close();
    await openaiUpstream?.close();
  });

  const googleSdk = (baseUrl: string) => new GoogleGenAI({ apiKey: gw.masterKey, httpOptions: { baseUrl } });

  it('@google/genai with a base URL ending /gemini: generateContent passes through with the deployment key', async () => {
    const res = await googleSdk(`${gw.url}/gemini`).models.generateContent({
      model: 'gemini-flash',
      contents: 'hello there',
      config: { temperature: 0.3 },
    });
    expect(res.text).toBe('Echo: hello there');
    expect(res.modelVersion).toBe('gemini-flash');
    const sent = gemini.requestsFor('generateContent').at(-1)!;
    expect(sent.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(sent.headers['x-goog-api-key']).toBe(gemini.apiKey);
    expect((sent.body as GeminiRequestBody).generationConfig).toEqual({ temperature: 0.3 });
  });

  it('@google/genai with the bare base URL: streamGenerateContent (SSE) with usage on the last chunk', async () => {
    const stream = await googleSdk(gw.url).models.generateContentStream({
      model: 'gemini-flash',
      contents: 'stream me',
    });
    let text = '';
    let last: GenerateContentResponse | undefined;
    for await (const chunk of stream) {
      text += chunk.text ?? '';
      last = chunk;
    }
    expect(text).toContain('stream me');
    expect(last?.usageMetadata?.promptTokenCount).toBeGreaterThan(0);
  });

  it('countTokens and embedContent pass through to the Gemini deployment', async () => {
    const ai = googleSdk(`${gw.url}/gemini`);
    const count = await ai.models.countTokens({ model: 'gemini-flash', contents: 'count these words' });
    expect(count.totalTokens).toBeGreaterThan(0);
    const emb = await ai.models.embedContent({ model: 'gemini-flash', contents: 'embed me' });
    expect(emb.embeddings?.[0].values?.length).toBeGreaterThan(0);
  });

  it('lists models in the Google shape', async () => {
    const pager = await googleSdk(`${gw.url}/gemini`).models.list();
    const names: string[] = [];
    for await (const m of pager) names.push(m.name ?? '');
    expect(names).toEqual(expect.arrayContaining(['models/gemini-flash', 'models/gpt-fake']));
  });

  it('OpenAI SDK → Gemini 2.5: reasoning_effort low becomes thinkingBudget 1024 with thoughts, returned as reasoning_content', async () => {
    gemini.script({ parts: [thoughtPart('Let me think.'), { text: 'Answer.' }] });
    const res = await openai.chat.completions.create({
      model: 'gemini-flash',
      reasoning_effort: 'low',
      messages: [{ role: 'user', content: 'q' }],
    });
    const sent = gemini.requestsFor('generateContent').at(-1)!.body as GeminiRequestBody;
    expect(sent.generationConfig?.thinkingConfig).toEqual({ thinkingBudget: 1024, includeThoughts: true });
    expect(res.choices[0].message.content).toBe('Answer.');
    expect(
      (res.choices[0].message as ChatCompletionMessage & { reasoning_content?: string }).reasoning_content,
    ).toBe('Let me think.');
    expect(res.model).toBe('gemini-flash');
  });

  it('OpenAI SDK → Gemini 3: thinkingLevel and default temperature 1.0', async () => {
    await openai.chat.completions.create({
      model: 'gemini-3-pro',
      reasoning_effort: 'high',
      messages: [{ role: 'user', content: 'q' }],
    });
    const sent = gemini.requestsFor('generateContent').at(-1)!.body as GeminiRequestBody;
    expect(sent.generationConfig?.thinkingConfig?.thinkingLevel).toBe('high');
    expect(sent.generationConfig?.temperature).toBe(1);
  });

  it('the -nothink suffix turns thinking off on 2.5 Flash', async () => {
    const res = await openai.chat.completions.create({
      model: 'gemini-2.5-flash-nothink',
      messages: [{ role: 'user', content: 'q' }],
    });
    expect(res.model).toBe('gemini-2.5-flash-nothink');
    const sent = gemini.requestsFor('generateContent').at(-1)!.body as GeminiRequestBody;
    expect(sent.generationConfig?.thinkingConfig).toEqual({ thinkingBudget: 0, includeThoughts: false });
  });

  it('OpenAI SDK streams from Gemini with a final usage chunk', async () => {
    const stream = await openai.chat.completions.create({
      model: 'gemini-flash',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'hey' }],
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const c of stream) {
      text += c.choices[0]?.delta?.content ?? '';
      if (c.usage) usage = c.usage;
    }
    expect(text).toContain('hey');
    expect(usage?.prompt_tokens).toBeGreaterThan(0);
    expect(gemini.requestsFor('streamGenerateContent').at(-1)!.query.get('alt')).toBe('sse');
  });

  it('thought signatures ride in provider_specific_fields and are restored on the next turn', async () => {
    gemini.script({ parts: [functionCallPart('get_weather', { city: 'Paris' }, 'sig-abc')] });
    const tools = [
      {
        type: 'function' as const,
        function: {
          name: 'get_weather',
          parameters: { type: 'object', properties: { city: { type: 'string' } } },
        },
      },
    ];
    const first = await openai.chat.completions.create({
      model: 'gemini-3-pro',
      tools,
      messages: [{ role: 'user', content: 'weather?' }],
    });
    const call = first.choices[0].message.tool_calls![0] as ChatCompletionMessageToolCall & {
      provider_specific_fields: { thought_signature?: string };
    };
    expect(first.choices[0].finish_reason).toBe('tool_calls');
    expect(call.provider_specific_fields.thought_signature).toBe('sig-abc');
    await openai.chat.completions.create({
      model: 'gemini-3-pro',
      tools,
      messages: [
        { role: 'user', content: 'weather?' },
        first.choices[0].message as ChatCompletionAssistantMessageParam,
        { role: 'tool', tool_call_id: call.id, content: '{"temp":21}' },
      ],
    });
    const sent = gemini.requestsFor('generateContent').at(-1)!.body as GeminiRequestBody;
    const modelTurn = sent.contents.find((c) => c.role === 'model');
    expect(modelTurn?.parts?.[0]).toMatchObject({
      functionCall: { name: 'get_weather', args: { city: 'Paris' } },
      thoughtSignature: 'sig-abc',
    });
  });

  it('OpenAI SDK embeddings: translated to Gemini batchEmbedContents, passed through to OpenAI', async () => {
    const gem = await openai.embeddings.create({
      model: 'gemini-flash',
      input: ['alpha', 'beta'],
      dimensions: 8,
    });
    expect(gem.model).toBe('gemini-flash');
    expect(gem.data.map((d) => d.index)).toEqual([0, 1]);
    expect(gem.data[0].embedding.length).toBeGreaterThan(0);
    expect(gem.usage.prompt_tokens).toBeGreaterThan(0);
    const sent = gemini.requestsFor('batchEmbedContents').at(-1)!.body as GeminiRequestBody;
    expect(sent.requests).toEqual([
      { model: 'models/gemini-2.5-flash', content: { parts: [{ text: 'alpha' }] }, outputDimensionality: 8 },
      { model: 'models/gemini-2.5-flash', content: { parts: [{ text: 'beta' }] }, outputDimensionality: 8 },
    ]);
    const b64 = await fetch(`${gw.url}/v1/embeddings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.masterKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gemini-flash', input: 'alpha', encoding_format: 'base64' }),
    });
    const b64Body = (await b64.json()) as { data: Array<{ embedding: unknown }> };
    expect(typeof b64Body.data[0].embedding).toBe('string');
    const oai = await openai.embeddings.create({ model: 'gpt-fake', input: 'hello' });
    expect(oai.model).toBe('gpt-fake');
    expect(oai.data[0].embedding.map((v) => Number(v.toFixed(5)))).toEqual([0.1, 0.2, 0.3]);
    expect(openaiUpstream.requests.at(-1)!.body).toMatchObject({ model: 'gpt-4o-mini', input: 'hello' });
    const bad = (await openai.embeddings
      .create({ model: 'gemini-flash', input: [] as string[] })
      .catch((e: unknown) => e)) as APIError;
    expect(bad.status).toBe(400);
    expect((bad.error as OpenAI.ErrorObject).param).toBe('input');
  });

  it('Google SDK → an OpenAI deployment is translated both ways', async () => {
    openaiUpstream.script({
      kind: 'text',
      text: 'from openai',
      usage: { prompt_tokens: 4, completion_tokens: 2 },
    });
    const res = await googleSdk(`${gw.url}/gemini`).models.generateContent({
      model: 'gpt-fake',
      contents: 'hi',
      config: { systemInstruction: 'be brief', maxOutputTokens: 20 },
    });
    expect(res.text).toBe('from openai');
    expect(res.usageMetadata).toMatchObject({ promptTokenCount: 4, candidatesTokenCount: 2 });
    const sent = openaiUpstream.chatRequests().at(-1)!.body as ChatCompletionCreateParams;
    expect(sent.messages).toEqual([
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'hi' },
    ]);
    expect(sent.max_completion_tokens).toBe(20);
  });

  it('Google SDK streams from an OpenAI deployment', async () => {
    const stream = await googleSdk(gw.url).models.generateContentStream({
      model: 'gpt-fake',
      contents: 'hi',
    });
    let text = '';
    for await (const chunk of stream) text += chunk.text ?? '';
    expect(text).toBe('Hello from the fake upstream!');
  });

  it('answers Google-shaped errors (unknown model 404) and accepts ?key= auth', async () => {
    const unknown = await fetch(`${gw.url}/v1beta/models/nope:generateContent`, {
      method: 'POST',
      headers: { 'x-goog-api-key': gw.masterKey, 'content-type': 'application/json' },
      body: JSON.stringify({ contents: [{ parts: [{ text: 'x' }] }] }),
    });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { status: string } }).error.status).toBe('NOT_FOUND');
    const viaKeyParam = await fetch(`${gw.url}/v1beta/models/gemini-flash:countTokens?key=${gw.masterKey}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ contents: [{ parts: [{ text: 'x' }] }] }),
    });
    expect(viaKeyParam.status).toBe(200);
  });
});
