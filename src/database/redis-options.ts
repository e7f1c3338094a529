import Redis, { type RedisOptions } from 'ioredis';
import type { AppConfig } from '../config/config.types';

/** What picks the Redis topology: REDIS_URL, and Sentinel when configured. */
export type RedisTarget = Pick<AppConfig, 'redisUrl' | 'redisSentinel'>;

/**
 * A new connection to the gateway's Redis primary; every ioredis connection of the app is made here.
 * A single node: `REDIS_URL`. Sentinel: the primary the sentinels name for `REDIS_SENTINEL_NAME`,
 * with REDIS_URL's credentials, database and TLS. `options`: the connection's own settings (timeouts,
 * retries, pipelining), the same on either topology.
 */
export function redisConnection(target: RedisTarget, name: string, options: RedisOptions = {}): Redis {
  const own: RedisOptions = { connectionName: `switchboard-${name}`, ...options };
  return target.redisSentinel ? new Redis(sentinelOptions(target, own)) : new Redis(target.redisUrl, own);
}

/**
 * BullMQ's connection options (its queues and workers open their own connections from them), on the
 * same topology; BullMQ needs `maxRetriesPerRequest: null`.
 */
export function bullConnection(target: RedisTarget): RedisOptions {
  // Reconnects every 2 s at most rather than BullMQ's backoff to 20 s: an outage or a failover takes
  // seconds, and a QUIT at shutdown would wait out the backoff. Once the app is closing it stops
  // reconnecting: BullMQ's close() marks a client ended without clearing ioredis' reconnect timer, and
  // a client left reconnecting (to sentinels that are gone, say) would hold the process open.
  const own: RedisOptions = {
    maxRetriesPerRequest: null,
    retryStrategy: (times: number) => (closingTargets.has(target) ? null : Math.min(times * 200, 2_000)),
  };
  // BullMQ closes with QUIT, which leaves ioredis' failover-detector subscriptions open (they would
  // hold the process); its connections follow a failover by reconnecting (killed clients, READONLY).
  if (target.redisSentinel) return { ...sentinelOptions(target, own), failoverDetector: false };
  const u = new URL(target.redisUrl);
  return { host: u.hostname, port: Number(u.port || 6379), ...urlCredentials(u), ...own };
}

const closingTargets = new WeakSet<RedisTarget>();

/** The app of `target` is closing: its BullMQ connections stop reconnecting from now on. */
export function markRedisClosing(target: RedisTarget): void {
  closingTargets.add(target);
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
