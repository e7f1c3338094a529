import { shippedPricing } from '../modules/usage/pricing/price-table';
import { DialectValidationError } from './dialect-validation-error';
import { fromGeminiRequest } from './google/google.wire-to-canonical';
import { fromResponsesRequest } from './openai-responses/responses.request';
import { parseKlingCreate } from './video/kling-native';
import { parseSeedanceCreate } from './video/seedance-native';

/** The field a parser refuses `body` for (a DialectValidationError), failing the test on any other throw. */
function refusedField(parse: () => unknown): string {
  try {
    parse();
  } catch (err) {
    if (err instanceof DialectValidationError) return err.param;
    throw err;
  }
  throw new Error('parsed');
}

const USER = [{ role: 'user', parts: [{ text: 'hi' }] }];

/** Counterexamples the fast-check pass (*.fuzz.spec.ts) found, each a TypeError (a 500) or garbage before. */
describe('fuzz counterexamples', () => {
  it('a value whose toString is data ({"toString": 1}) is refused naming its field, not a TypeError', () => {
    const odd = { toString: 1 };
    expect(refusedField(() => parseKlingCreate('text2video', { prompt: 'p', duration: odd }))).toBe(
      'duration',
    );
    expect(refusedField(() => parseSeedanceCreate({ model: 'm', content: [{ type: odd }] }))).toBe(
      'content[0].type',
    );
    expect(refusedField(() => fromResponsesRequest({ model: 'm', input: [{ type: odd }] }))).toBe(
      'input[0].type',
    );
    expect(
      refusedField(() => fromResponsesRequest({ model: 'm', input: 'hi', tools: [{ type: odd }] })),
    ).toBe('tools[0].type');
    expect(
      refusedField(() =>
        fromGeminiRequest({ contents: USER, generationConfig: { responseModalities: [odd] } }, 'g'),
      ),
    ).toBe('generationConfig.responseModalities[0]');
  });

  it('code-execution history with odd values is read as text, not a TypeError', () => {
    const parts = [{ executableCode: { language: { toString: 1 }, code: { toString: 1 } } }];
    expect(() => fromGeminiRequest({ contents: [{ role: 'model', parts }, ...USER] }, 'g')).not.toThrow();
  });

  it('an inherited member name (`constructor`) is no enum value and no model', () => {
    const part = {
      inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' },
      mediaResolution: { level: 'constructor' },
    };
    expect(refusedField(() => fromGeminiRequest({ contents: [{ role: 'user', parts: [part] }] }, 'g'))).toBe(
      'contents[0].parts[0].mediaResolution.level',
    );
    expect(shippedPricing('constructor')).toBeUndefined();
    expect(shippedPricing('models/toString')).toBeUndefined();
  });
});
