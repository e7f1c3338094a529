import type { ProviderContext } from '../core/adapter';
import type { ImageCall } from '../core/images';
import { openAiAdapter, deepSeekAdapter, azureOpenAiAdapter } from './openai-compatible.adapter';
import { fromOpenAiImageUsage } from './openai.images';

const ctx = (provider: 'openai' | 'azure-openai' = 'openai'): ProviderContext => ({
  requestId: 'r1',
  deployment: {
    id: 'd1',
    provider,
    upstreamModel: 'gpt-image-1',
    baseUrl: 'http://openai.test/v1',
    apiKey: 'sk-x',
    connectTimeoutMs: 1000,
    timeoutMs: 1000,
    streamIdleTimeoutMs: 1000,
    settings: {},
  },
});

const codec = openAiAdapter.images!;

describe('OpenAI images codec (passthrough)', () => {
  it('a generation: the caller body as JSON, model replaced, to /images/generations', () => {
    const call: ImageCall = {
      kind: 'generation',
      prompt: 'p',
      n: 1,
      fields: { model: 'public', prompt: 'p', quality: 'low', vendor: { keep: 1 } },
      images: [],
    };
    const spec = codec.buildRequest(call, ctx());
    expect(spec.url).toBe('http://openai.test/v1/images/generations');
    expect(spec.headers).toMatchObject({ authorization: 'Bearer sk-x', 'content-type': 'application/json' });
    expect(JSON.parse(String(spec.body))).toEqual({
      model: 'gpt-image-1',
      prompt: 'p',
      quality: 'low',
      vendor: { keep: 1 },
    });
  });

  it('an edit: a multipart form to /images/edits (Azure: its deployment URL and api-key)', () => {
    const call: ImageCall = {
      kind: 'edit',
      prompt: 'p',
      n: 1,
      fields: { model: 'public', prompt: 'p' },
      images: [{ field: 'image', filename: 'a.png', contentType: 'image/png', data: new Uint8Array([1]) }],
    };
    const spec = azureOpenAiAdapter.images!.buildRequest(call, ctx('azure-openai'));
    expect(spec.url).toBe(
      'http://openai.test/v1/openai/deployments/gpt-image-1/images/edits?api-version=2024-10-21',
    );
    expect(spec.headers['api-key']).toBe('sk-x');
    expect(spec.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    const text = Buffer.from(spec.body as Uint8Array).toString('latin1');
    expect(text).toContain('name="model"\r\n\r\ngpt-image-1\r\n');
    expect(text).toContain('name="image"; filename="a.png"\r\ncontent-type: image/png');
  });

  it('the answer as is; images counted; gpt-image usage as image output tokens', () => {
    const body = {
      created: 1,
      data: [{ b64_json: 'A' }, { b64_json: 'B' }],
      usage: { input_tokens: 20, output_tokens: 544, total_tokens: 564, input_tokens_details: {} },
    };
    const result = codec.parseResponse(body, {} as ImageCall);
    expect(result.body).toBe(body);
    expect(result.images).toBe(2);
    expect(result.usage).toEqual({ promptTokens: 20, completionTokens: 544, imageOutputTokens: 544 });
  });

  it('dall-e answers carry no usage; text output tokens are not image tokens', () => {
    expect(fromOpenAiImageUsage(undefined)).toBeUndefined();
    expect(
      fromOpenAiImageUsage({ input_tokens: 5, output_tokens: 10, output_tokens_details: { text_tokens: 4 } }),
    ).toEqual({ promptTokens: 5, completionTokens: 10, imageOutputTokens: 6 });
  });

  it('DeepSeek makes no images', () => {
    expect(deepSeekAdapter.images).toBeUndefined();
  });
});
