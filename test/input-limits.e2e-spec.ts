import Anthropic from 'anthropic-sdk-1';
import { ApiError, GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureUndiciGlobalDispatcher, startFakeGemini, type FakeGemini } from './fakes/fake-gemini';
import { startFakeOpenAi, type FakeOpenAi } from './fakes/fake-openai';
import { ensureBuilt, spawnGateway } from './support/gateway-process';
import { startGateway, type TestGateway } from './support/gateway';

/**
 * Issue 18: out-of-range counts and invalid base64 are refused with a 400 in the caller's dialect
 * naming the field, before any upstream call; an unknown key in the YAML file stops the boot.
 */
describe('input limits (issue 18)', () => {
  let gemini: FakeGemini;
  let upstream: FakeOpenAi;
  let gw: TestGateway;
  let openai: OpenAI;

  beforeAll(async () => {
    ensureUndiciGlobalDispatcher();
    gemini = await startFakeGemini();
    upstream = await startFakeOpenAi();
    gw = await startGateway({
      yaml: `
models:
  - model_name: gem
    deployments:
      - { provider: gemini, upstream_model: gemini-2.5-flash, api_key: ${gemini.apiKey}, base_url: "${gemini.baseUrl}" }
  - model_name: gpt
    deployments:
      - { provider: openai, upstream_model: gpt-4o-mini, api_key: sk-x, base_url: "${upstream.baseUrl}/v1" }
`,
    });
    openai = new OpenAI({ apiKey: gw.masterKey, baseURL: `${gw.url}/v1`, maxRetries: 0 });
  });

  afterAll(async () => {
    await gw?.close();
    await gemini?.close();
    await upstream?.close();
  });

  const upstreamCalls = () => gemini.requests.length + upstream.requests.length;

  async function openAiError(body: Record<string, unknown>): Promise<{ status: number; param: unknown }> {
    const params = { model: 'gpt', messages: [{ role: 'user', content: 'hi' }], ...body };
    const err = await openai.chat.completions
      .create(params as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    const e = err as InstanceType<typeof OpenAI.BadRequestError>;
    return { status: e.status, param: (e.error as { param?: unknown }).param };
  }

  it('OpenAI SDK: max_tokens, max_completion_tokens and n out of range, or 1.5 → 400 naming the field', async () => {
    const before = upstreamCalls();
    for (const [field, value] of [
      ['max_tokens', 1e12],
      ['max_completion_tokens', 1e12],
      ['max_tokens', 1.5],
      ['n', 1000],
    ] as const)
      expect(await openAiError({ [field]: value })).toEqual({ status: 400, param: field });
    expect(upstreamCalls()).toBe(before);
  });

  it('OpenAI SDK: Responses max_output_tokens 1e12 → 400 naming it', async () => {
    const err = await openai.responses.create({ model: 'gpt', input: 'hi', max_output_tokens: 1e12 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).message).toContain("'max_output_tokens'");
  });

  it('OpenAI SDK: invalid base64 in an image data: URI and in input_audio.data → 400 naming the field', async () => {
    const before = upstreamCalls();
    const image = { type: 'image_url', image_url: { url: 'data:image/png;base64,@@@' } };
    const audio = { type: 'input_audio', input_audio: { data: '@@@', format: 'wav' } };
    for (const [part, param] of [
      [image, 'messages[0].content[1].image_url.url'],
      [audio, 'messages[0].content[1].input_audio.data'],
    ] as const) {
      const messages = [{ role: 'user', content: [{ type: 'text', text: 'what is it?' }, part] }];
      expect(await openAiError({ messages })).toEqual({ status: 400, param });
    }
    expect(upstreamCalls()).toBe(before);
  });

  it('@google/genai: maxOutputTokens 1e12, candidateCount 1000 and inlineData "@@@" → 400 naming the field', async () => {
    const before = upstreamCalls();
    const ai = new GoogleGenAI({ apiKey: gw.masterKey, httpOptions: { baseUrl: gw.url } });
    const cases: Array<[Parameters<typeof ai.models.generateContent>[0], string]> = [
      [
        { model: 'gem', contents: 'hi', config: { maxOutputTokens: 1e12 } },
        'generationConfig.maxOutputTokens',
      ],
      [{ model: 'gem', contents: 'hi', config: { candidateCount: 1000 } }, 'generationConfig.candidateCount'],
      [
        {
          model: 'gem',
          contents: [
            {
              role: 'user',
              parts: [{ text: 'what?' }, { inlineData: { mimeType: 'image/png', data: '@@@' } }],
            },
          ],
        },
        'contents[0].parts[1].inlineData.data',
      ],
    ];
    for (const [request, field] of cases) {
      const err = await ai.models.generateContent(request).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).status).toBe(400);
      expect((err as ApiError).message).toContain(`'${field}'`);
    }
    expect(upstreamCalls()).toBe(before);
  });

  it('Anthropic SDK: max_tokens 1e12 and a base64 image source "@@@" → 400 invalid_request_error', async () => {
    const before = upstreamCalls();
    const client = new Anthropic({ apiKey: gw.masterKey, baseURL: gw.url, maxRetries: 0 });
    const image = { type: 'image', source: { type: 'base64', media_type: 'image/png', data: '@@@' } };
    for (const [body, field] of [
      [{ max_tokens: 1e12, messages: [{ role: 'user', content: 'hi' }] }, 'max_tokens'],
      [
        { max_tokens: 5, messages: [{ role: 'user', content: [image] }] },
        'messages[0].content[0].source.data',
      ],
    ] as const) {
      const err = await client.messages
        // An explicit timeout: without one the SDK itself refuses a max_tokens this large unstreamed.
        .create({ model: 'gpt', ...body } as unknown as Anthropic.MessageCreateParamsNonStreaming, {
          timeout: 10_000,
        })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(err).toBeInstanceOf(Anthropic.BadRequestError);
      const e = err as InstanceType<typeof Anthropic.BadRequestError>;
      expect(e.status).toBe(400);
      expect(e.message).toContain(`'${field}'`);
    }
    expect(upstreamCalls()).toBe(before);
  });
});

describe('YAML config: an unknown key stops the boot (issue 18)', () => {
  beforeAll(() => ensureBuilt(), 200_000);

  it('router.cooldown.seconds: the process exits 1 naming the path and the nearest known key', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'sb-')), 'switchboard.yaml');
    writeFileSync(file, 'router:\n  cooldown:\n    seconds: 5\n');
    const proc = spawnGateway({ SWITCHBOARD_CONFIG: file, PORT: '0' });
    const code = await new Promise<number | null>((resolve) => proc.child.once('exit', resolve));
    expect(code).toBe(1);
    expect(proc.tail()).toContain(
      'switchboard: configuration error: router.cooldown.seconds: unknown key; did you mean cooldown_seconds?',
    );
  });

  it('a LiteLLM-format file boots; the keys Switchboard does not use are logged as ignored', async () => {
    const litellm = await startGateway({
      yaml: `
model_list:
  - model_name: gpt-4o
    litellm_params: { model: gpt-4o, api_key: sk-never-logged }
    model_info: { mode: chat }
general_settings: { master_key: sk-1234 }
`,
    });
    try {
      const warning = litellm.logs.find((l) => l.includes('YAML keys ignored'));
      expect(warning).toContain('general_settings, model_list[0].model_info.mode');
      expect(warning).not.toContain('sk-');
    } finally {
      await litellm.close();
    }
  });
});
