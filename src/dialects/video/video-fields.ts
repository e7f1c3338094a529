import type { VideoImage } from '../../providers/core/video';
import { DialectValidationError } from '../dialect-validation-error';

/** Small typed readers shared by the video dialects; every failure names the field by its dotted path. */

type Obj = Record<string, unknown>;

/** The gateway's own task id: 32 lowercase hex characters. */
export const TASK_ID_PATTERN = /^[0-9a-f]{32}$/;

export function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A member that must be an object when present (`null` counts as absent). */
export function optObjectAt(v: unknown, path: string): Obj | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) throw new DialectValidationError(`'${path}' must be an object`, path);
  return v;
}

export function optStringAt(v: unknown, path: string, maxLength?: number): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new DialectValidationError(`'${path}' must be a string`, path);
  if (maxLength !== undefined && v.length > maxLength)
    throw new DialectValidationError(`'${path}' must be at most ${maxLength} characters`, path);
  return v;
}

export function requireStringAt(v: unknown, path: string, maxLength?: number): string {
  const s = optStringAt(v, path, maxLength);
  if (s === undefined || s.trim() === '')
    throw new DialectValidationError(`Missing required parameter: '${path}'`, path);
  return s;
}

export function optBooleanAt(v: unknown, path: string): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw new DialectValidationError(`'${path}' must be a boolean`, path);
  return v;
}

/** An integer, also given as its decimal text (multipart form fields are text). */
export function optIntegerAt(v: unknown, path: string, min?: number, max?: number): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v.trim()) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n))
    throw new DialectValidationError(`'${path}' must be an integer`, path);
  if ((min !== undefined && n < min) || (max !== undefined && n > max))
    throw new DialectValidationError(
      `'${path}' must be between ${min ?? '-∞'} and ${max ?? '∞'}, got ${n}`,
      path,
    );
  return n;
}

/** One of the allowed strings; the 400 lists them (contract §9.14). */
export function optEnumAt<T extends string>(v: unknown, path: string, allowed: readonly T[]): T | undefined {
  const s = optStringAt(v, path);
  if (s === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(s))
    throw new DialectValidationError(
      `'${path}' must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got '${s}'`,
      path,
    );
  return s as T;
}

/** An http(s) URL the gateway calls back (`callback_url`). */
export function optCallbackUrlAt(v: unknown, path: string): string | undefined {
  const s = optStringAt(v, path);
  if (s === undefined || s === '') return undefined;
  if (!isHttpUrl(s)) throw new DialectValidationError(`'${path}' must be an http(s) URL`, path);
  return s;
}

export function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const DATA_URI = /^data:([a-z]+\/[a-z0-9.+-]+);base64,(.*)$/is;

/** Inline image bytes: base64 text and its media type. */
export function inlineImageAt(data: string, mimeType: string, path: string): VideoImage {
  const clean = data.replace(/\s+/g, '');
  if (clean === '' || !BASE64.test(clean))
    throw new DialectValidationError(`'${path}' must be base64-encoded image bytes`, path);
  if (!/^image\/[a-z0-9.+-]+$/i.test(mimeType))
    throw new DialectValidationError(`'${path}' must be an image (got media type '${mimeType}')`, path);
  return { data: clean, mimeType: mimeType.toLowerCase() };
}

/** An http(s) URL or a `data:image/…;base64,…` URI. */
export function urlOrDataUriImageAt(v: unknown, path: string): VideoImage {
  const s = requireStringAt(v, path).trim();
  const data = DATA_URI.exec(s);
  if (data) return inlineImageAt(data[2], data[1], path);
  if (isHttpUrl(s)) return { url: s };
  throw new DialectValidationError(`'${path}' must be an http(s) URL or a base64 data URI`, path);
}

/** The media type of base64 image bytes from their first bytes (PNG, JPEG, WebP, GIF), if known. */
export function sniffImageMimeType(base64: string): string | undefined {
  if (base64.startsWith('iVBORw0KGgo')) return 'image/png';
  if (base64.startsWith('/9j/')) return 'image/jpeg';
  if (base64.startsWith('R0lGOD')) return 'image/gif';
  if (base64.startsWith('UklGR') && base64.slice(11, 16) === 'XRUJQ') return 'image/webp';
  return undefined;
}

/** Unix seconds. */
export function unixSeconds(d: Date): number {
  return Math.floor(d.getTime() / 1000);
}
