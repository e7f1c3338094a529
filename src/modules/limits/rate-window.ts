/**
 * The `x-ratelimit-*` headers and `Retry-After` of the sliding one-minute window (contract §9.21). The
 * window itself is kept exactly by the limits script (limits.scripts.ts): the requests and tokens of
 * the last 60 s, with what it takes until there is room again. Pure functions over its figures.
 */

/** One rate limit as the limits script left it. */
export interface LimitView {
  limit: number;
  /** Requests (tokens) in the window. */
  used: number;
  /** Until there is room for one more, and at least until the oldest entry leaves the window (≤ 60 s). */
  resetMs: number;
}

/** OpenAI's duration format for `x-ratelimit-reset-*`: `20ms`, `1s`, `1.5s`, `6m0s`, `1h2m3s`. */
export function openAiDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms));
  if (total < 1000) return `${total}ms`;
  const h = Math.floor(total / 3_600_000);
  const m = Math.floor((total % 3_600_000) / 60_000);
  const sMs = total % 60_000;
  const s = Number.isInteger(sMs / 1000) ? String(sMs / 1000) : (sMs / 1000).toFixed(3).replace(/0+$/, '');
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

/** Retry-After: whole seconds, rounded up, at least 1. */
export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

const REQUEST_HEADERS = [
  'x-ratelimit-limit-requests',
  'x-ratelimit-remaining-requests',
  'x-ratelimit-reset-requests',
];
const TOKEN_HEADERS = [
  'x-ratelimit-limit-tokens',
  'x-ratelimit-remaining-tokens',
  'x-ratelimit-reset-tokens',
];

/** The `x-ratelimit-*` headers for the most restrictive of the given request and token limits. */
export function rateLimitHeaders(requests: LimitView[], tokens: LimitView[]): Record<string, string> {
  const out: Record<string, string> = {};
  setTightest(out, REQUEST_HEADERS, requests);
  setTightest(out, TOKEN_HEADERS, tokens);
  return out;
}

/** Sets limit, remaining and reset (names in that order) for the view with the least room left. */
function setTightest(out: Record<string, string>, names: string[], views: LimitView[]): void {
  let tightest: LimitView | undefined;
  let least = 0;
  for (const v of views) {
    const remaining = Math.max(0, v.limit - v.used);
    if (!tightest || remaining < least) {
      tightest = v;
      least = remaining;
    }
  }
  if (!tightest) return;
  out[names[0]] = String(tightest.limit);
  out[names[1]] = String(least);
  out[names[2]] = openAiDuration(tightest.resetMs);
}
