import { ConfigError } from './config-error';
import type { RedisClusterSettings, RedisSentinelSettings } from './config.types';
import { hostPortList, loadRedisSentinel } from './redis-sentinel-env';

type Env = Record<string, string | undefined>;

/** A cluster node's default port, for a `REDIS_CLUSTER_NODES` entry that names a host only. */
const CLUSTER_DEFAULT_PORT = 6379;

/** The Redis Cluster seed nodes (`REDIS_CLUSTER_NODES=host:port,…`), or undefined when not a cluster. */
export function loadRedisCluster(env: Env): RedisClusterSettings | undefined {
  const list = env.REDIS_CLUSTER_NODES?.trim();
  if (!list) return undefined;
  return { nodes: hostPortList('REDIS_CLUSTER_NODES', list, CLUSTER_DEFAULT_PORT) };
}

/** Sentinel or Cluster (at most one of them); neither: the single node of REDIS_URL. */
export function loadRedisTopology(env: Env): {
  redisSentinel?: RedisSentinelSettings;
  redisCluster?: RedisClusterSettings;
} {
  const redisSentinel = loadRedisSentinel(env);
  const redisCluster = loadRedisCluster(env);
  if (redisSentinel && redisCluster)
    throw new ConfigError('REDIS_CLUSTER_NODES', 'cannot be set with REDIS_SENTINELS (choose one topology)');
  return { redisSentinel, redisCluster };
}

/**
 * The key prefix as a Redis Cluster hash tag (`sb` → `{sb}`): every key of the gateway then hashes to
 * one slot, so each Lua script and pipeline touches one slot whatever keys it names (used on a Cluster).
 * A prefix that has a tag already is kept (a second instance given the first one's prefix).
 */
export function hashTagged(prefix: string): string {
  const open = prefix.indexOf('{');
  const close = open < 0 ? -1 : prefix.indexOf('}', open + 1);
  return close > open + 1 ? prefix : `{${prefix}}`;
}
