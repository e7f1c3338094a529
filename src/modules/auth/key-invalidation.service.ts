import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { LOGGER } from '../../common/logging/logger.module';
import type { Logger } from '../../common/logging/logger';
import { RedisBroadcast } from '../../database/redis-broadcast';
import { RedisService } from '../../database/redis.service';
import { KeyCache, type KeyInvalidation } from './key-cache';

/**
 * Keeps every replica's KeyCache honest: a key or team write invalidates this replica at once and
 * tells the others over Redis pub/sub (so a revoked key stops working everywhere within milliseconds;
 * the cache TTL bounds staleness if a message is ever lost).
 */
@Injectable()
export class KeyInvalidationService implements OnModuleInit {
  private readonly broadcast: RedisBroadcast<KeyInvalidation>;

  constructor(
    private readonly cache: KeyCache,
    redis: RedisService,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.broadcast = new RedisBroadcast(redis, 'keys-changed', logger);
  }

  async onModuleInit(): Promise<void> {
    await this.broadcast.listen((change) => {
      try {
        this.cache.invalidate(change ?? { all: true });
      } catch {
        this.cache.invalidate({ all: true });
      }
    });
  }

  async publish(change: KeyInvalidation): Promise<void> {
    this.cache.invalidate(change);
    await this.broadcast.send(change, 'other replicas catch up within the cache TTL');
  }
}
