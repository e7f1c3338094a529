/**
 * Sliding one-minute window from two fixed-minute buckets (contract §9.21): the previous minute's
 * count weighs by the part of it still inside the window, `prev × (60 s − elapsed) / 60 s + cur`.
 * Pure functions over the raw counts the admission script returns.
 */
export const WINDOW_MS = 60_000;

export interface WindowCounts {
  /** Count in the current minute bucket (after this request's increment, when admitted). */
  cur: number;
  /** Count in the previous minute bucket. */
  prev: number;
  /** Milliseconds elapsed in the current minute. */
  elapsedMs: number;
}

export function windowUsed(w: WindowCounts): number {
  return (w.prev * (WINDOW_MS - w.elapsedMs)) / WINDOW_MS + w.cur;
}

/**
 * How long until the window's count falls to `limit − need` or below (0 if it already has): within the
 * current minute the previous bucket decays; if the current bucket alone is too much, it becomes the
 * previous bucket at the next minute and decays from there.
 */
export function msUntilRoom(w: WindowCounts, limit: number, need: number): number {
  const target = limit - need;
  if (windowUsed(w) <= target) return 0;
  const restOfMinute = WINDOW_MS - w.elapsedMs;
  if (w.cur <= target && w.prev > 0) {
    return Math.max(0, Math.ceil(restOfMinute - (WINDOW_MS * (target - w.cur)) / w.prev));
  }
  if (target < 0 || w.cur === 0) return restOfMinute + WINDOW_MS;
  return restOfMinute + Math.max(0, Math.ceil(WINDOW_MS - (WINDOW_MS * target) / w.cur));
}

/** Time until the window is empty again (the `x-ratelimit-reset-*` value when not at the limit). */
export function msUntilEmpty(w: WindowCounts): number {
  const restOfMinute = WINDOW_MS - w.elapsedMs;
  if (w.cur > 0) return restOfMinute + WINDOW_MS;
  if (w.prev > 0) return restOfMinute;
  return 0;
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

export interface LimitView {
  limit: number;
  window: WindowCounts;
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
    const remaining = Math.max(0, Math.floor(v.limit - windowUsed(v.window)));
    if (!tightest || remaining < least) {
      tightest = v;
      least = remaining;
    }
  }
  if (!tightest) return;
  out[names[0]] = String(tightest.limit);
  out[names[1]] = String(least);
  out[names[2]] = openAiDuration(
    least > 0 ? msUntilEmpty(tightest.window) : msUntilRoom(tightest.window, tightest.limit, 1),
  );
}
