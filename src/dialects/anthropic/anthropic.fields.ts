import type { CacheControl } from '../../providers/core/canonical';
import { DialectValidationError } from '../dialect-validation-error';

/**
 * Small typed readers for Anthropic Messages fields. Each takes the field's value and its dotted path
 * (`messages[2].content[0].source.data`), and a failure names that path.
 */
export type Json = Record<string, unknown>;

export function fail(path: string, what: string): never {
  throw new DialectValidationError(`'${path}' ${what}`, path);
}

export function requireObject(v: unknown, path: string): Json {
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    fail(path, v === undefined ? 'is required' : 'must be an object');
  return v as Json;
}

export function requireString(v: unknown, path: string): string {
  if (typeof v !== 'string') fail(path, v === undefined ? 'is required' : 'must be a string');
  return v;
}

export function optString(v: unknown, path: string): string | undefined {
  return v === undefined || v === null ? undefined : requireString(v, path);
}

export function optBoolean(v: unknown, path: string): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') fail(path, 'must be a boolean');
  return v;
}

export function optNumber(v: unknown, path: string, min: number, max: number): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(path, 'must be a number');
  if (v < min || v > max) fail(path, `must be between ${min} and ${max}, got ${v}`);
  return v;
}

export function optInteger(v: unknown, path: string, min: number): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min)
    fail(path, `must be an integer ≥ ${min}, got ${JSON.stringify(v)}`);
  return v;
}

export function requireArray(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) fail(path, v === undefined ? 'is required' : 'must be an array');
  return v;
}

/** `cache_control: {type: "ephemeral", ttl?: "5m" | "1h"}` → canonical mark (ttl kept as sent). */
export function optCacheControl(v: unknown, path: string): CacheControl | undefined {
  if (v === undefined || v === null) return undefined;
  const c = requireObject(v, path);
  if (c.type !== 'ephemeral') fail(`${path}.type`, "must be 'ephemeral'");
  if (c.ttl === undefined || c.ttl === null) return { type: 'ephemeral' };
  return { type: 'ephemeral', ttl: requireString(c.ttl, `${path}.ttl`) };
}
