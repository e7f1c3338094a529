import { ConfigError } from './config-error';
import type { RedisSentinelSettings } from './config.types';

type Env = Record<string, string | undefined>;

/** Sentinel's own port, for a `REDIS_SENTINELS` entry that names a host only. */
const SENTINEL_DEFAULT_PORT = 26379;

/**
 * The Sentinel topology (`REDIS_SENTINELS=host:port,…`, `REDIS_SENTINEL_NAME`, optional
 * `REDIS_SENTINEL_PASSWORD`), or undefined for a single node (`REDIS_URL`). An IPv6 host is written
 * in brackets (`[::1]:26379`).
 */
export function loadRedisSentinel(env: Env): RedisSentinelSettings | undefined {
  const list = env.REDIS_SENTINELS?.trim();
  const name = env.REDIS_SENTINEL_NAME?.trim();
  if (!list) {
    if (name) throw new ConfigError('REDIS_SENTINEL_NAME', 'is set but REDIS_SENTINELS is not');
    return undefined;
  }
  if (!name)
    throw new ConfigError(
      'REDIS_SENTINEL_NAME',
      'is required with REDIS_SENTINELS (the master name the sentinels monitor)',
    );
  const sentinels = list.split(',').map((entry) => sentinelAddress(entry.trim()));
  return { sentinels, name, password: env.REDIS_SENTINEL_PASSWORD || undefined };
}

function sentinelAddress(entry: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+))(?::(\d+))?$/.exec(entry);
  const port = m?.[3] === undefined ? SENTINEL_DEFAULT_PORT : Number(m[3]);
  if (!m || !(port >= 1 && port <= 65_535))
    throw new ConfigError('REDIS_SENTINELS', `must be a comma-separated list of host:port, got "${entry}"`);
  return { host: m[1] ?? m[2], port };
}
