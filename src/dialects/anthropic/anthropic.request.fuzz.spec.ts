import { join } from 'node:path';
import { fuzzParser, validFixtureBodies } from '../__fixtures__/request-fuzz';
import { fromAnthropicMessagesRequest, parseAnthropicCountTokens } from './anthropic.request';

describe('Anthropic Messages parser under fuzzing: a parsed call or a DialectValidationError naming a field', () => {
  it.each(validFixtureBodies(join(__dirname, '__fixtures__')))('near %s', (_name, body) => {
    fuzzParser(body, fromAnthropicMessagesRequest);
    fuzzParser(body, parseAnthropicCountTokens);
  });
});
