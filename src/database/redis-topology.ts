import type Redis from 'ioredis';

/**
 * Why the Redis behind `REDIS_URL` cannot serve the gateway, if it cannot. A Redis Cluster node
 * accepts connections and answers PING, but every limits and settlement script touches keys in many
 * slots and fails there with "Script attempted to access a non local key": limits would not run at
 * all. Refused at boot, and readiness turns not-ready if a node becomes one later.
 */
export async function redisTopologyProblem(conn: Redis, timeoutMs: number): Promise<string | undefined> {
  let info: string;
  try {
    info = await Promise.race([
      conn.info('cluster'),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs).unref()),
    ]);
  } catch {
    // Unreachable or too slow: not known now. SWITCHBOARD_LIMITS_ON_REDIS_FAILURE covers an outage,
    // and the check runs again whenever the connection becomes ready.
    return undefined;
  }
  if (!/^cluster_enabled:1\s*$/m.test(info)) return undefined;
  return (
    'REDIS_URL points at a Redis Cluster node; Switchboard needs a single Redis node (or a primary ' +
    'behind a proxy that is not a cluster): its limits and settlement scripts touch keys of many ' +
    'slots, which a cluster refuses, so rate limits and budgets could not run'
  );
}

/** The gateway refused to start on a Redis it cannot use. */
export class RedisTopologyError extends Error {
  override name = 'RedisTopologyError';
}
