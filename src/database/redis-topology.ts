import type Redis from 'ioredis';

/**
 * Why the Redis behind `REDIS_URL` cannot serve the gateway, if it cannot. A Redis Cluster node
 * accepts connections and answers PING, but a single-node client is refused (MOVED) every key of a
 * slot the node does not hold: limits would not run at all. Refused at boot, and readiness turns
 * not-ready if a node becomes one later; a cluster is used through REDIS_CLUSTER_NODES.
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
    'REDIS_URL points at a Redis Cluster node; a single-node client would be redirected (MOVED) for ' +
    'most keys, so rate limits and budgets could not run: set REDIS_CLUSTER_NODES=host:port,… to use ' +
    'the cluster'
  );
}

/** The gateway refused to start on a Redis it cannot use. */
export class RedisTopologyError extends Error {
  override name = 'RedisTopologyError';
}
