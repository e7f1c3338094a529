import { redactSecrets } from './redact-secrets';

describe('redactSecrets', () => {
  it('removes the given credential, its access:secret parts, Bearer values and key-shaped strings', () => {
    expect(redactSecrets('bad key my-own-credential-42 given', ['my-own-credential-42'])).toBe(
      'bad key [redacted] given',
    );
    expect(redactSecrets('ak=accesskey123 sk=secretkey456', ['accesskey123:secretkey456'])).toBe(
      'ak=[redacted] sk=[redacted]',
    );
    expect(redactSecrets('Header was "Authorization: Bearer abc.def-123"')).toBe(
      'Header was "Authorization: Bearer [redacted]"',
    );
    expect(redactSecrets('Incorrect API key provided: sk-proj-0123456789abcdefXYZ.')).toBe(
      'Incorrect API key provided: [redacted].',
    );
    expect(redactSecrets('key AIzaSyA0123456789abcdefghijklmnopqrstu is invalid')).toBe(
      'key [redacted] is invalid',
    );
  });

  it('leaves ordinary messages and short placeholders alone', () => {
    expect(redactSecrets('model gpt-4o not found (sk-1)', ['sk-1', undefined, ''])).toBe(
      'model gpt-4o not found (sk-1)',
    );
  });
});
