import type { ProviderContext } from '../core/adapter';
import type { ImageCall } from '../core/images';
import { ProviderError } from '../core/provider-error';
import { aspectRatioOf, geminiImagesCodec } from './gemini.images';

const ctx: ProviderContext = {
  requestId: 'r1',
  deployment: {
    id: 'd1',
    provider: 'gemini',
    upstreamModel: 'gemini-2.5-flash-image',
    baseUrl: 'http://gemini.test',
    apiKey: 'k',
    connectTimeoutMs: 1000,
    timeoutMs: 1000,
    streamIdleTimeoutMs: 1000,
    settings: {},
  },
};

const call = (over: Partial<ImageCall> = {}): ImageCall => ({
  kind: 'generation',
  prompt: 'a red fox',
  n: 1,
  fields: {},
  images: [],
  ...over,
});

function paramOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof ProviderError) return err.param;
    throw err;
  }
  return undefined;
}

describe('geminiImagesCodec.buildRequest', () => {
  it('a generation: one user turn with the prompt, IMAGE output, the size as aspect ratio', () => {
    const spec = geminiImagesCodec.buildRequest(call({ size: '1024x1792' }), ctx);
    expect(spec.url).toBe('http://gemini.test/v1beta/models/gemini-2.5-flash-image:generateContent');
    expect(spec.headers['x-goog-api-key']).toBe('k');
    expect(JSON.parse(String(spec.body))).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'a red fox' }] }],
      generationConfig: { responseModalities: ['IMAGE'], imageConfig: { aspectRatio: '9:16' } },
    });
  });

  it('an edit: the images as inlineData parts, in order, before the prompt', () => {
    const img = (b: number[]) => ({
      field: 'image[]',
      filename: 'x.png',
      contentType: 'image/jpeg',
      data: new Uint8Array(b),
    });
    const spec = geminiImagesCodec.buildRequest(call({ kind: 'edit', images: [img([1, 2]), img([3])] }), ctx);
    expect(JSON.parse(String(spec.body)).contents[0].parts).toEqual([
      { inlineData: { mimeType: 'image/jpeg', data: 'AQI=' } },
      { inlineData: { mimeType: 'image/jpeg', data: 'Aw==' } },
      { text: 'a red fox' },
    ]);
  });

  it.each([
    [{ n: 2 }, 'n'],
    [{ responseFormat: 'url' as const }, 'response_format'],
    [{ size: '1000x100' }, 'size'],
    [{ fields: { background: 'transparent' } }, 'background'],
    [{ fields: { output_format: 'webp' } }, 'output_format'],
    [
      {
        kind: 'edit' as const,
        mask: { field: 'mask', filename: 'm.png', contentType: 'image/png', data: new Uint8Array(1) },
      },
      'mask',
    ],
  ])('%j → refused naming %s', (over, param) => {
    expect(paramOf(() => geminiImagesCodec.buildRequest(call(over), ctx))).toBe(param);
  });
});

describe('aspectRatioOf', () => {
  it.each([
    [undefined, undefined],
    ['auto', undefined],
    ['1024x1024', '1:1'],
    ['1536x1024', '3:2'],
    ['1024x1536', '2:3'],
    ['1792x1024', '16:9'],
    ['2048x1536', '4:3'],
    ['2520x1080', '21:9'],
  ])('%s → %s', (size, ratio) => {
    expect(aspectRatioOf(size)).toBe(ratio);
  });
});

describe('geminiImagesCodec.parseResponse', () => {
  const usageMetadata = {
    promptTokenCount: 7,
    candidatesTokenCount: 1290,
    totalTokenCount: 1297,
    candidatesTokensDetails: [{ modality: 'IMAGE', tokenCount: 1290 }],
  };

  it('inlineData images → b64_json, usage with image output tokens, images counted', () => {
    const result = geminiImagesCodec.parseResponse(
      {
        candidates: [
          {
            content: {
              parts: [{ text: 'Here it is' }, { inlineData: { mimeType: 'image/png', data: 'AAAA' } }],
            },
            finishReason: 'STOP',
          },
        ],
        usageMetadata,
      },
      call(),
    );
    expect(result.images).toBe(1);
    expect(result.failure).toBeUndefined();
    expect(result.usage).toEqual({ promptTokens: 7, completionTokens: 1290, imageOutputTokens: 1290 });
    expect(result.body).toMatchObject({
      data: [{ b64_json: 'AAAA' }],
      usage: {
        input_tokens: 7,
        output_tokens: 1290,
        total_tokens: 1297,
        output_tokens_details: { image_tokens: 1290, text_tokens: 0 },
      },
    });
    expect(typeof result.body.created).toBe('number');
  });

  it('an answer without an image: metered usage and a failure (content_filter when blocked)', () => {
    const result = geminiImagesCodec.parseResponse(
      { candidates: [{ finishReason: 'IMAGE_SAFETY' }], usageMetadata: { promptTokenCount: 7 } },
      call(),
    );
    expect(result.images).toBe(0);
    expect(result.usage).toMatchObject({ promptTokens: 7, completionTokens: 0 });
    expect(result.failure?.kind).toBe('content_filter');
  });
});
