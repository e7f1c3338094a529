import { moneyText } from '../common/validation/money-text';
import type { ProviderId } from '../providers/core/adapter';
import { isServedProvider, unservedProviderReason } from '../providers/provider-registry';
import { ConfigError } from './config-error';

type Env = Record<string, string | undefined>;

/** Replaces `${VAR}` anywhere in a string and a whole-value `os.environ/VAR` (LiteLLM) from the env. */
export function substituteEnv(value: string, path: string, env: Env): string {
  const litellm = /^os\.environ\/([A-Za-z_][A-Za-z0-9_]*)$/.exec(value);
  if (litellm) return requireVar(litellm[1], path, env);
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => requireVar(name, path, env));
}

function requireVar(name: string, path: string, env: Env): string {
  const v = env[name];
  if (v === undefined) throw new ConfigError(path, `environment variable ${name} is not set`);
  return v;
}

export function asObject(v: unknown, path: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw new ConfigError(path, 'must be a mapping');
  return v as Record<string, unknown>;
}

export function asArray(v: unknown, path: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new ConfigError(path, 'must be a list');
  return v;
}

export function optString(v: unknown, path: string, env: Env): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' && typeof v !== 'number') throw new ConfigError(path, 'must be a string');
  return substituteEnv(String(v), path, env);
}

export function reqString(v: unknown, path: string, env: Env): string {
  const s = optString(v, path, env);
  if (!s) throw new ConfigError(path, 'is required');
  return s;
}

export function optInt(v: unknown, path: string, min = 0): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min)
    throw new ConfigError(path, `must be an integer ≥ ${min}`);
  return n;
}

export function optBool(v: unknown, path: string): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw new ConfigError(path, 'must be true or false');
  return v;
}

export function stringList(v: unknown, path: string, env: Env): string[] {
  return asArray(v, path).map((item, i) => reqString(item, `${path}[${i}]`, env));
}

/**
 * A decimal money value: a string or a YAML number, kept as its decimal text (never through a float
 * sum); an exponent form is written out as a plain decimal.
 */
export function decimalText(v: unknown, path: string): string {
  const s = moneyText(v);
  if (s === undefined) throw new ConfigError(path, 'must be a non-negative decimal');
  return s;
}

/** A provider id this build can serve (it has an adapter), else a config error naming `path`. */
export function servedProvider(id: string, path: string): ProviderId {
  if (!isServedProvider(id)) throw new ConfigError(path, unservedProviderReason(id));
  return id;
}
