import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG } from '../config/app-config';
import type { AppConfig } from '../config/config.types';

/**
 * The shared Redis connections. Every key the app writes starts with `${redisPrefix}:` so test runs
 * and tenants sharing a server stay apart. `subscriber` is a separate connection for pub/sub.
 */
@Injectable()
export class RedisService implements OnModuleDestroy {
  readonly client: Redis;
  private subscriberConn?: Redis;
  readonly prefix: string;

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
    const conn = new Redis(this.config.redisUrl, {
      connectionName: `switchboard-${name}`,
      maxRetriesPerRequest: null,
      enableAutoPipelining: true,
      lazyConnect: false,
    });
    conn.on('error', () => undefined);
    return conn;
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.client.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([closeRedis(this.client), closeRedis(this.subscriberConn)]);
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
