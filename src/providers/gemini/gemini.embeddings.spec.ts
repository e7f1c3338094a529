import { geminiCtx } from './__fixtures__/gemini-context';
import { geminiEmbeddingsCodec as codec } from './gemini.embeddings';

describe('gemini embeddings codec', () => {
  it('OpenAI-style input → batchEmbedContents with dimensions and task type', () => {
    const ctx = geminiCtx({ upstreamModel: 'gemini-embedding-001' });
    const spec = codec.buildRequest(
      { input: ['hello world', 'bye'], dimensions: 768, taskType: 'RETRIEVAL_DOCUMENT' },
      ctx,
    );
    expect(spec.url).toBe(
      'https://generativelanguage.googleapis.com/v1beta/models/gemini-embedding-001:batchEmbedContents',
    );
    expect(spec.headers['x-goog-api-key']).toBe('test-key');
    expect(JSON.parse(String(spec.body))).toEqual({
      requests: [
        {
          model: 'models/gemini-embedding-001',
          content: { parts: [{ text: 'hello world' }] },
          taskType: 'RETRIEVAL_DOCUMENT',
          outputDimensionality: 768,
        },
        {
          model: 'models/gemini-embedding-001',
          content: { parts: [{ text: 'bye' }] },
          taskType: 'RETRIEVAL_DOCUMENT',
          outputDimensionality: 768,
        },
      ],
    });
  });

  it('estimates usage from the input text when Gemini reports none (estimated: true)', () => {
    const ctx = geminiCtx({ upstreamModel: 'gemini-embedding-001' });
    codec.buildRequest({ input: ['hello world', 'bye'] }, ctx);
    const res = codec.parseResponse({ embeddings: [{ values: [0.1, 0.2] }, { values: [0.3, 0.4] }] }, ctx);
    expect(res).toEqual({
      embeddings: [
        [0.1, 0.2],
        [0.3, 0.4],
      ],
      usage: { promptTokens: 4, completionTokens: 0, estimated: true },
    });
  });

  it('uses reported usage when present', () => {
    const ctx = geminiCtx();
    codec.buildRequest({ input: ['x'] }, ctx);
    expect(
      codec.parseResponse(
        { embeddings: [{ values: [1] }], usageMetadata: { promptTokenCount: 9, totalTokenCount: 9 } },
        ctx,
      ).usage,
    ).toEqual({ promptTokens: 9, completionTokens: 0 });
  });

  it('refuses token-array input and empty input, naming the field', () => {
    expect(() => codec.buildRequest({ input: [[1, 2, 3]] }, geminiCtx())).toThrow(
      expect.objectContaining({ kind: 'invalid_request', param: 'input[0]' }),
    );
    expect(() => codec.buildRequest({ input: [] }, geminiCtx())).toThrow(
      expect.objectContaining({ param: 'input' }),
    );
  });

  it('a body without embeddings is an upstream error', () => {
    expect(() => codec.parseResponse({}, geminiCtx())).toThrow(expect.objectContaining({ kind: 'upstream' }));
  });
});
