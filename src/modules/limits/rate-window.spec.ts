import { msUntilRoom, openAiDuration, rateLimitHeaders, retryAfterSeconds, windowUsed } from './rate-window';

describe('sliding minute window (two weighted buckets)', () => {
  it('weighs the previous minute by the part still inside the window', () => {
    expect(windowUsed({ prev: 10, cur: 2, elapsedMs: 15_000 })).toBe(9.5);
    expect(windowUsed({ prev: 10, cur: 2, elapsedMs: 0 })).toBe(12);
  });

  it('waits for the previous bucket to decay, or for the current one to roll over', () => {
    // limit 10, prev 10, cur 2 at 15 s: need 10×(45 − Δ)/60 + 2 ≤ 9 → Δ ≥ 3 s
    expect(msUntilRoom({ prev: 10, cur: 2, elapsedMs: 15_000 }, 10, 1)).toBe(3_000);
    // cur alone at the limit: rest of minute (30 s) + until 3×(60 − e)/60 ≤ 2 → e ≥ 20 s
    expect(msUntilRoom({ prev: 0, cur: 3, elapsedMs: 30_000 }, 3, 1)).toBe(50_000);
    expect(msUntilRoom({ prev: 0, cur: 1, elapsedMs: 0 }, 3, 1)).toBe(0);
  });

  it('formats durations like OpenAI and rounds Retry-After up', () => {
    expect(openAiDuration(20)).toBe('20ms');
    expect(openAiDuration(1000)).toBe('1s');
    expect(openAiDuration(1500)).toBe('1.5s');
    expect(openAiDuration(360_000)).toBe('6m0s');
    expect(retryAfterSeconds(1)).toBe(1);
    expect(retryAfterSeconds(3001)).toBe(4);
  });

  it('reports the tightest limit, and -tokens only when a tpm limit applies', () => {
    const h = rateLimitHeaders(
      [
        { limit: 10, window: { prev: 0, cur: 3, elapsedMs: 0 } },
        { limit: 5, window: { prev: 0, cur: 4, elapsedMs: 0 } },
      ],
      [],
    );
    expect(h).toEqual({
      'x-ratelimit-limit-requests': '5',
      'x-ratelimit-remaining-requests': '1',
      'x-ratelimit-reset-requests': '2m0s',
    });
  });
});
