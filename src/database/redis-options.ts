import Redis, { Cluster, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { AppConfig } from '../config/config.types';

/** What picks the Redis topology: REDIS_URL, and Sentinel or Cluster when configured. */
export type RedisTarget = Pick<AppConfig, 'redisUrl' | 'redisSentinel' | 'redisCluster'>;

/**
 * A new connection to the gateway's Redis primary; every ioredis connection of the app is made here.
 * A single node: `REDIS_URL`. Sentinel: the primary the sentinels name for `REDIS_SENTINEL_NAME`,
 * with REDIS_URL's credentials, database and TLS. Cluster: an ioredis `Cluster` over
 * `REDIS_CLUSTER_NODES` (clusterConnection). `options`: the connection's own settings (timeouts,
 * retries, pipelining), the same on every topology.
 */
export function redisConnection(target: RedisTarget, name: string, options: RedisOptions = {}): Redis {
  const own: RedisOptions = { connectionName: `switchboard-${name}`, ...options };
  if (target.redisCluster) return clusterConnection(target, own) as unknown as Redis;
  return target.redisSentinel ? new Redis(sentinelOptions(target, own)) : new Redis(target.redisUrl, own);
}

/**
 * Cluster mode. Every key of the gateway carries the hash tag of its prefix (`{sb}:…`, env.loader), so
 * every command, pipeline and script goes to the one master of that slot, as it would to a single node;
 * the callers see the same commands (hence the `Redis` type: a `Cluster` answers them alike, without a
 * `stream` of its own). On a failover ioredis follows MOVED to the promoted replica and refreshes its
 * slot map; subscriptions move to a live node. A command whose connection closed under it is not sent
 * again by ioredis (`retryDelayOnFailover: 0`): it may have run, and the callers retry what must not
 * count twice by its own ids (settlements, usage events).
 */
function clusterConnection(target: RedisTarget, own: RedisOptions): Cluster {
  const { lazyConnect, enableAutoPipelining, enableOfflineQueue, retryStrategy, ...node } = own;
  const fromUrl = urlCredentials(new URL(target.redisUrl));
  const options: ClusterOptions = {
    lazyConnect,
    enableAutoPipelining,
    enableOfflineQueue,
    retryDelayOnFailover: 0,
    // Every node lost: try the seeds again every 2 s at most, until the app closes.
    clusterRetryStrategy: (times: number) =>
      closingTargets.has(target) ? null : (retryStrategy?.(times) ?? Math.min(times * 200, 2_000)),
    // A cluster serves database 0 only.
    redisOptions: { ...fromUrl, db: undefined, ...node },
  };
  return new Cluster(target.redisCluster!.nodes, options);
}

/**
 * BullMQ's connection options (its queues and workers open their own connections from them), on the
 * same topology; BullMQ needs `maxRetriesPerRequest: null`.
 */
export function bullConnection(target: RedisTarget): RedisOptions | Cluster {
  // Reconnects every 2 s at most rather than BullMQ's backoff to 20 s: an outage or a failover takes
  // seconds, and a QUIT at shutdown would wait out the backoff. Once the app is closing it stops
  // reconnecting: BullMQ's close() marks a client ended without clearing ioredis' reconnect timer, and
  // a client left reconnecting (to sentinels that are gone, say) would hold the process open.
  const own: RedisOptions = {
    maxRetriesPerRequest: null,
    retryStrategy: (times: number) => (closingTargets.has(target) ? null : Math.min(times * 200, 2_000)),
  };
  // BullMQ opens connections from options to one node only: on a cluster it is given a client, which its
  // queues share and its workers duplicate; the app closes it (closeBullClusters).
  if (target.redisCluster) {
    const cluster = clusterConnection(target, { connectionName: 'switchboard-bull', ...own });
    const clients = bullClusters.get(target) ?? new Set<Cluster>();
    bullClusters.set(target, clients.add(cluster));
    return cluster;
  }
  // BullMQ closes with QUIT, which leaves ioredis' failover-detector subscriptions open (they would
  // hold the process); its connections follow a failover by reconnecting (killed clients, READONLY).
  if (target.redisSentinel) return { ...sentinelOptions(target, own), failoverDetector: false };
  const u = new URL(target.redisUrl);
  return { host: u.hostname, port: Number(u.port || 6379), ...urlCredentials(u), ...own };
}

const closingTargets = new WeakSet<RedisTarget>();
/** The cluster clients handed to BullMQ, per target: BullMQ does not close a client it was given. */
const bullClusters = new WeakMap<RedisTarget, Set<Cluster>>();

/** The app of `target` is closing: its BullMQ connections stop reconnecting from now on. */
export function markRedisClosing(target: RedisTarget): void {
  closingTargets.add(target);
}

/** Disconnects the cluster clients handed to BullMQ (once its queues and workers are closed). */
export function closeBullClusters(target: RedisTarget): void {
  for (const cluster of bullClusters.get(target) ?? []) cluster.disconnect();
  bullClusters.delete(target);
}

/**
 * Sentinel mode. ioredis asks the sentinels for the primary at each (re)connection; on a failover it
 * hears `+switch-master` from them and reconnects (failoverDetector), and a write refused by a
 * demoted primary (READONLY) reconnects and is sent again to the new one, so no restart is needed.
 * Subscriptions are renewed on the new primary (ioredis' autoResubscribe).
 */
function sentinelOptions(target: RedisTarget, own: RedisOptions): RedisOptions {
  const s = target.redisSentinel!;
  const fromUrl = urlCredentials(new URL(target.redisUrl));
  return {
    sentinels: s.sentinels,
    name: s.name,
    sentinelPassword: s.password,
    failoverDetector: true,
    // Once the app is closing, nothing reconnects: the failover detector may subscribe again after
    // the connection was closed (it is asynchronous) and would otherwise retry dead sentinels forever.
    sentinelRetryStrategy: (times: number) =>
      closingTargets.has(target) ? null : Math.min(times * 10, 1_000),
    sentinelReconnectStrategy: (times: number) =>
      closingTargets.has(target) ? null : Math.min(times * 200, 2_000),
    enableTLSForSentinelMode: fromUrl.tls !== undefined,
    reconnectOnError: (err) => (/^READONLY\b/.test(err.message) ? 2 : false),
    ...fromUrl,
    ...own,
  };
}

/** Username, password, database and TLS from a `redis://` or `rediss://` URL. */
function urlCredentials(u: URL): Pick<RedisOptions, 'username' | 'password' | 'db' | 'tls'> {
  return {
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
  };
}
