import { ProviderError } from '../core/provider-error';
import { parseGeminiError, parseDuration } from './gemini.errors';

const body = (code: number, status: string, message: string, details?: unknown[]) => ({
  error: { code, message, status, ...(details ? { details } : {}) },
});

describe('parseGeminiError', () => {
  it.each([
    [400, body(400, 'INVALID_ARGUMENT', 'Invalid value at generation_config.temperature'), 'invalid_request'],
    [
      400,
      body(
        400,
        'INVALID_ARGUMENT',
        'The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).',
      ),
      'context_length',
    ],
    [
      400,
      body(400, 'FAILED_PRECONDITION', 'User location is not supported for the API use.'),
      'invalid_request',
    ],
    [401, body(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.'), 'auth'],
    [403, body(403, 'PERMISSION_DENIED', 'The caller does not have permission'), 'auth'],
    [404, body(404, 'NOT_FOUND', 'models/gemini-9 is not found for API version v1beta'), 'not_found'],
    [429, body(429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).'), 'rate_limit'],
    [500, body(500, 'INTERNAL', 'An internal error has occurred.'), 'upstream'],
    [503, body(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.'), 'overloaded'],
    [504, body(504, 'DEADLINE_EXCEEDED', 'Deadline expired before operation could complete.'), 'timeout'],
  ])('HTTP %i → kind', (status, b, kind) => {
    const err = parseGeminiError(status, b, {});
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.kind).toBe(kind);
    expect(err.upstreamStatus).toBe(status);
    expect(err.upstreamCode).toBe(b.error.status);
    expect(err.message).toBe(b.error.message);
    expect(err.raw).toBe(b);
  });

  it('400 API_KEY_INVALID is a credential problem (auth), not a bad request', () => {
    const b = body(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [
      {
        '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
        reason: 'API_KEY_INVALID',
        domain: 'googleapis.com',
      },
    ]);
    expect(parseGeminiError(400, b, {}).kind).toBe('auth');
  });

  it('429: retry-after header wins, else RetryInfo.retryDelay', () => {
    const details = [
      { '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [] },
      { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '27s' },
    ];
    const b = body(429, 'RESOURCE_EXHAUSTED', 'You exceeded your current quota.', details);
    expect(parseGeminiError(429, b, {}).retryAfterMs).toBe(27000);
    expect(parseGeminiError(429, b, { 'retry-after': '3' }).retryAfterMs).toBe(3000);
    expect(parseGeminiError(429, b, new Headers({ 'Retry-After': '5' })).retryAfterMs).toBe(5000);
    expect(parseGeminiError(429, b, {}).retryable).toBe(true);
  });

  it('reads a JSON string body, the array form of a non-SSE stream, and plain text', () => {
    const b = body(503, 'UNAVAILABLE', 'overloaded');
    expect(parseGeminiError(503, JSON.stringify(b), {}).message).toBe('overloaded');
    expect(parseGeminiError(503, [b], {}).message).toBe('overloaded');
    const text = parseGeminiError(502, '<html>Bad Gateway</html>', {});
    expect(text.kind).toBe('upstream');
    expect(text.message).toBe('<html>Bad Gateway</html>');
    expect(parseGeminiError(500, undefined, {}).message).toBe('Gemini answered HTTP 500');
  });

  it('an error inside a 200 (stream chunk) is classified by its own code', () => {
    const err = parseGeminiError(200, body(429, 'RESOURCE_EXHAUSTED', 'quota'), {});
    expect(err.kind).toBe('rate_limit');
    expect(err.upstreamStatus).toBe(429);
    expect(parseGeminiError(200, { error: { message: 'x', status: 'UNAVAILABLE' } }, {}).kind).toBe(
      'overloaded',
    );
  });

  it('parses protobuf durations', () => {
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('0s')).toBe(0);
    expect(parseDuration('soon')).toBeUndefined();
  });
});
