import { Inject, Injectable, OnApplicationShutdown, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import { APP_CONFIG } from '../config/app-config';
import type { AppConfig } from '../config/config.types';
import { closeBullClusters, markRedisClosing, redisConnection } from './redis-options';
import { RedisTopologyError, redisTopologyProblem } from './redis-topology';

/**
 * The shared Redis connections. Every key the app writes starts with `${redisPrefix}:` so test runs
 * and tenants sharing a server stay apart. `subscriber` is a separate connection for pub/sub.
 */
@Injectable()
export class RedisService implements OnModuleInit, OnModuleDestroy, OnApplicationShutdown {
  readonly client: Redis;
  private subscriberConn?: Redis;
  readonly prefix: string;
  /** Why this Redis cannot serve the gateway (a Cluster node), as last checked; readiness reports it. */
  topologyProblem?: string;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.prefix = config.redisPrefix;
    this.client = this.connect('main');
  }

  key(...parts: string[]): string {
    return `${this.prefix}:${parts.join(':')}`;
  }

  get subscriber(): Redis {
    if (!this.subscriberConn) this.subscriberConn = this.connect('sub');
    return this.subscriberConn;
  }

  /** A fresh connection for a consumer that blocks (BullMQ workers, stream readers). */
  connect(name: string): Redis {
    const conn = redisConnection(this.config, name, {
      maxRetriesPerRequest: null,
      enableAutoPipelining: true,
      lazyConnect: false,
    });
    conn.on('error', () => undefined);
    return conn;
  }

  /**
   * Refuses to start on a Redis Cluster node reached as a single node (redis-topology.ts), and checks
   * again each time the connection becomes ready (a failover may land on another server). With
   * REDIS_CLUSTER_NODES the client is a cluster client: nothing to check.
   */
  async onModuleInit(): Promise<void> {
    if (this.config.redisCluster) return;
    const problem = await this.checkTopology(3_000);
    if (problem) throw new RedisTopologyError(problem);
    this.client.on('ready', () => void this.checkTopology(2_000));
  }

  private async checkTopology(timeoutMs: number): Promise<string | undefined> {
    this.topologyProblem = await redisTopologyProblem(this.client, timeoutMs);
    return this.topologyProblem;
  }

  /**
   * Whether the server holding the gateway's keys answers. A key command rather than PING: on a cluster
   * PING goes to any node, this to the master of the gateway's slot (one round trip either way).
   */
  async ping(): Promise<boolean> {
    try {
      await this.client.exists(this.key('ready'));
      return true;
    } catch {
      return false;
    }
  }

  async onModuleDestroy(): Promise<void> {
    markRedisClosing(this.config);
    await Promise.all([closeRedis(this.client), closeRedis(this.subscriberConn)]);
  }

  /** After BullMQ's queues and workers have closed (their onApplicationShutdown): its cluster clients. */
  onApplicationShutdown(): void {
    closeBullClusters(this.config);
  }
}

/**
 * Disconnects and waits until the socket is closed (ioredis destroys it after 2 s at most), so a
 * closed app holds nothing open.
 */
export async function closeRedis(conn: Redis | undefined): Promise<void> {
  if (!conn || conn.status === 'end') return;
  if (conn.status === 'wait') return conn.disconnect(); // never connected: no socket
  const ended = new Promise<void>((resolve) => {
    conn.once('end', () => resolve());
    setTimeout(resolve, 3_000).unref();
  });
  conn.disconnect();
  await ended;
}
