import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { LOGGER } from '../../../common/logging/logger.module';
import type { Logger } from '../../../common/logging/logger';
import { RedisBroadcast } from '../../../database/redis-broadcast';
import { RedisService } from '../../../database/redis.service';

/**
 * What happened to the cache `name`: `gone` (deleted), a new `expiresAt` (epoch ms), or neither:
 * it was created.
 */
export interface CacheChange {
  name: string;
  expiresAt?: number;
  gone?: true;
}

/**
 * Tells every replica's in-process cache memories (owners, unknown names, `cache_control` caches in
 * use) that a Gemini cache was created, deleted or got a new expiry: applied here at once and sent
 * to the others over Redis pub/sub, like key invalidations. A lost message is bounded by the
 * memories' own lifetimes (a few seconds for unknown names, the cache's old expiry otherwise).
 */
@Injectable()
export class GeminiCacheChanges implements OnModuleInit {
  private readonly broadcast: RedisBroadcast<CacheChange>;
  private readonly listeners: Array<(change: CacheChange) => void> = [];

  constructor(redis: RedisService, @Inject(LOGGER) logger: Logger) {
    this.broadcast = new RedisBroadcast(redis, 'gemini-caches-changed', logger);
  }

  async onModuleInit(): Promise<void> {
    await this.broadcast.listen((change) => {
      if (typeof change?.name === 'string') this.apply(change);
    });
  }

  onChange(listener: (change: CacheChange) => void): void {
    this.listeners.push(listener);
  }

  async publish(change: CacheChange): Promise<void> {
    this.apply(change);
    await this.broadcast.send(change, 'other replicas catch up when their memory of it expires');
  }

  private apply(change: CacheChange): void {
    for (const listener of this.listeners) listener(change);
  }
}
