import { GatewayError } from '../../../common/errors/gateway-error';

/** Gemini keeps a cache one hour when the caller names neither `ttl` nor `expireTime`. */
export const DEFAULT_CACHE_TTL_SECONDS = 3600;

/** A protobuf Duration in JSON: seconds with up to nine decimals and an `s` ("3600s", "1.5s"). */
const DURATION = /^(\d{1,12})(?:\.(\d{1,9}))?s$/;

export interface CacheLifetime {
  expiresAt: Date;
  /** Seconds from `now` to `expiresAt`, as exact decimal text (what storage is billed on). */
  seconds: string;
}

/**
 * The lifetime a cachedContents create or patch body asks for: `ttl` from now, or until
 * `expireTime` / `expire_time` (RFC 3339); `undefined` when it names neither. Bad values are a 400 naming the field.
 */
export function requestedLifetime(
  body: Record<string, unknown>,
  now = Date.now(),
): CacheLifetime | undefined {
  const { ttl } = body;
  // The body goes to Gemini as is, and Google reads `expire_time` as well: bill what it will keep.
  if (body.expireTime !== undefined && body.expire_time !== undefined)
    throw invalid('expireTime', "give 'expireTime' once, not also as 'expire_time'");
  const expireTime = body.expireTime !== undefined ? body.expireTime : body.expire_time;
  if (ttl !== undefined && expireTime !== undefined)
    throw invalid('ttl', "give either 'ttl' or 'expireTime', not both");
  if (ttl !== undefined) {
    const m = typeof ttl === 'string' ? DURATION.exec(ttl) : null;
    if (!m) throw invalid('ttl', '\'ttl\' must be a duration in seconds such as "3600s"');
    const seconds = m[2] ? `${m[1]}.${m[2]}` : m[1];
    return { expiresAt: new Date(now + Math.ceil(Number(seconds) * 1000)), seconds: trimDecimal(seconds) };
  }
  if (expireTime !== undefined) {
    const at = typeof expireTime === 'string' ? Date.parse(expireTime) : Number.NaN;
    if (!Number.isFinite(at))
      throw invalid('expireTime', '\'expireTime\' must be an RFC 3339 time such as "2030-01-01T00:00:00Z"');
    if (at <= now) throw invalid('expireTime', "'expireTime' must be in the future");
    return { expiresAt: new Date(at), seconds: millisToSeconds(at - now) };
  }
  return undefined;
}

/** The lifetime of a cache being created: what was asked, else Gemini's default hour. */
export function creationLifetime(body: Record<string, unknown>, now = Date.now()): CacheLifetime {
  return (
    requestedLifetime(body, now) ?? {
      expiresAt: new Date(now + DEFAULT_CACHE_TTL_SECONDS * 1000),
      seconds: String(DEFAULT_CACHE_TTL_SECONDS),
    }
  );
}

/**
 * May a PATCH with this `updateMask` (comma-separated field paths; absent: every field given) change
 * the expiry?
 */
export function maskMovesExpiry(updateMask: unknown): boolean {
  if (typeof updateMask !== 'string') return true;
  return updateMask
    .split(',')
    .map((field) => field.trim())
    .some((field) => field === 'ttl' || field === 'expireTime' || field === 'expire_time');
}

/** The expiry Gemini reports in a cachedContents answer (`expireTime`), when it reports a valid one. */
export function reportedExpiry(body: unknown): Date | undefined {
  const at = (body as { expireTime?: unknown } | null)?.expireTime;
  const ms = typeof at === 'string' ? Date.parse(at) : Number.NaN;
  return Number.isFinite(ms) ? new Date(ms) : undefined;
}

/** Seconds a cache's life grows by when its expiry moves from `before` to `after` (0 when it shrinks). */
export function addedSeconds(before: Date, after: Date): string {
  return millisToSeconds(Math.max(0, after.getTime() - before.getTime()));
}

function millisToSeconds(ms: number): string {
  const whole = Math.floor(ms / 1000);
  const frac = String(ms % 1000).padStart(3, '0');
  return trimDecimal(`${whole}.${frac}`);
}

function trimDecimal(text: string): string {
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}

function invalid(param: string, message: string): GatewayError {
  return new GatewayError('invalid_request', message, { param });
}
