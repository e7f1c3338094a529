import { openAiDuration, rateLimitHeaders, retryAfterSeconds } from './rate-window';

describe('rate-limit headers of the sliding minute', () => {
  it('formats durations like OpenAI and rounds Retry-After up', () => {
    expect(openAiDuration(20)).toBe('20ms');
    expect(openAiDuration(1000)).toBe('1s');
    expect(openAiDuration(1500)).toBe('1.5s');
    expect(openAiDuration(60_000)).toBe('1m0s');
    expect(openAiDuration(360_000)).toBe('6m0s');
    expect(retryAfterSeconds(1)).toBe(1);
    expect(retryAfterSeconds(3001)).toBe(4);
    expect(retryAfterSeconds(60_000)).toBe(60);
  });

  it('reports the tightest limit, and -tokens only when a tpm limit applies', () => {
    const h = rateLimitHeaders(
      [
        { limit: 10, used: 3, resetMs: 58_000 },
        { limit: 5, used: 4, resetMs: 2_500 },
      ],
      [],
    );
    expect(h).toEqual({
      'x-ratelimit-limit-requests': '5',
      'x-ratelimit-remaining-requests': '1',
      'x-ratelimit-reset-requests': '2.5s',
    });
  });
});
