import { join } from 'node:path';
import { fuzzParser, validFixtureBodies } from '../__fixtures__/request-fuzz';
import { fromGooglePassthroughBody } from './google.passthrough-body';
import { fromGeminiRequest } from './google.wire-to-canonical';

describe('Google parsers under fuzzing: a parsed call or a DialectValidationError naming a field', () => {
  it.each(validFixtureBodies(join(__dirname, '__fixtures__')))('generateContent near %s', (_name, body) =>
    fuzzParser(body, (b) => fromGeminiRequest(b, 'gemini-2.5-flash')),
  );

  it.each([
    [
      'countTokens',
      { contents: [{ role: 'user', parts: [{ text: 'hi' }] }], cachedContent: 'cachedContents/a' },
    ],
    ['embedContent', { content: { parts: [{ text: 'hi' }] }, taskType: 'RETRIEVAL_QUERY' }],
    ['batchEmbedContents', { requests: [{ model: 'models/e', content: { parts: [{ text: 'hi' }] } }] }],
  ])('%s (forwarded as is)', (action, body) => fuzzParser(body, (b) => fromGooglePassthroughBody(b, action)));
});
