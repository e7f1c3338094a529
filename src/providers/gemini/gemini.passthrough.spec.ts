import { geminiCtx } from './__fixtures__/gemini-context';
import { geminiPassthroughCodec as codec } from './gemini.passthrough';

const BASE = 'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash';

describe('gemini passthrough codec', () => {
  it('forwards a generateContent body unchanged (unknown fields kept)', () => {
    const body = {
      contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
      futureField: { x: 1 },
      generationConfig: { topK: 3 },
    };
    const spec = codec.buildRequest('generateContent', body, geminiCtx(), false);
    expect(spec).toEqual({
      method: 'POST',
      url: `${BASE}:generateContent`,
      headers: { 'content-type': 'application/json', 'x-goog-api-key': 'test-key' },
      body: JSON.stringify(body),
    });
  });

  it('streamGenerateContent: alt=sse when streamed as SSE, none for the JSON-array form', () => {
    expect(codec.buildRequest('streamGenerateContent', { contents: [] }, geminiCtx(), true).url).toBe(
      `${BASE}:streamGenerateContent?alt=sse`,
    );
    expect(codec.buildRequest('streamGenerateContent', { contents: [] }, geminiCtx(), false).url).toBe(
      `${BASE}:streamGenerateContent`,
    );
  });

  it('rewrites the model names inside batchEmbedContents and countTokens bodies to the upstream model', () => {
    const batch = codec.buildRequest(
      'batchEmbedContents',
      { requests: [{ model: 'models/public-embed', content: { parts: [{ text: 'a' }] } }] },
      geminiCtx({ upstreamModel: 'gemini-embedding-001' }),
      false,
    );
    expect(batch.url).toBe(
      'https://generativelanguage.googleapis.com/v1beta/models/gemini-embedding-001:batchEmbedContents',
    );
    expect(JSON.parse(String(batch.body))).toEqual({
      requests: [{ model: 'models/gemini-embedding-001', content: { parts: [{ text: 'a' }] } }],
    });
    const count = codec.buildRequest(
      'countTokens',
      { generateContentRequest: { model: 'models/public', contents: [] } },
      geminiCtx(),
      false,
    );
    expect(JSON.parse(String(count.body))).toEqual({
      generateContentRequest: { model: 'models/gemini-2.5-flash', contents: [] },
    });
    const embed = codec.buildRequest(
      'embedContent',
      { content: { parts: [{ text: 'a' }] }, taskType: 'RETRIEVAL_QUERY' },
      geminiCtx(),
      false,
    );
    expect(JSON.parse(String(embed.body))).toEqual({
      content: { parts: [{ text: 'a' }] },
      taskType: 'RETRIEVAL_QUERY',
    });
  });

  it('refuses operations it does not serve', () => {
    expect(() => codec.buildRequest('predictLongRunning', {}, geminiCtx(), false)).toThrow(
      /predictLongRunning/,
    );
  });

  it('extracts usage from responses, JSON-array streams and SSE events', () => {
    const usageMetadata = {
      promptTokenCount: 10,
      candidatesTokenCount: 5,
      thoughtsTokenCount: 2,
      cachedContentTokenCount: 4,
      totalTokenCount: 17,
    };
    const expected = { promptTokens: 10, completionTokens: 7, reasoningTokens: 2, cachedTokens: 4 };
    expect(codec.usageFromResponse('generateContent', { candidates: [], usageMetadata })).toEqual(expected);
    expect(
      codec.usageFromResponse('streamGenerateContent', [
        { usageMetadata: { promptTokenCount: 10 } },
        { usageMetadata },
        { candidates: [] },
      ]),
    ).toEqual(expected);
    expect(codec.usageFromStreamChunk('streamGenerateContent', { usageMetadata })).toEqual(expected);
    expect(codec.usageFromStreamChunk('streamGenerateContent', undefined)).toBeUndefined();
    expect(codec.usageFromResponse('countTokens', { totalTokens: 31 })).toEqual({
      promptTokens: 0,
      completionTokens: 0,
    });
    expect(
      codec.usageFromResponse('batchEmbedContents', { embeddings: [{ values: [0.1] }] }),
    ).toBeUndefined();
  });
});
