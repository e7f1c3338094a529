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
  const sentinels = hostPortList('REDIS_SENTINELS', list, SENTINEL_DEFAULT_PORT);
  return { sentinels, name, password: env.REDIS_SENTINEL_PASSWORD || undefined };
}

/**
 * `host:port,…` (a host alone takes `defaultPort`; an IPv6 host is written in brackets), as `name`
 * gives it.
 */
export function hostPortList(
  name: string,
  list: string,
  defaultPort: number,
): Array<{ host: string; port: number }> {
  return list.split(',').map((raw) => {
    const entry = raw.trim();
    const m = /^(?:\[([^\]]+)\]|([^:[\]]+))(?::(\d+))?$/.exec(entry);
    const port = m?.[3] === undefined ? defaultPort : Number(m[3]);
    if (!m || !(port >= 1 && port <= 65_535))
      throw new ConfigError(name, `must be a comma-separated list of host:port, got "${entry}"`);
    return { host: m[1] ?? m[2], port };
  });
}
