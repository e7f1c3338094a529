import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { LOGGER } from '../../common/logging/logger.module';
import type { Logger } from '../../common/logging/logger';
import { RedisService } from '../../database/redis.service';
import { KeyCache, type KeyInvalidation } from './key-cache';

const CHANNEL = 'keys-changed';

/**
 * Keeps every replica's KeyCache honest: a key or team write invalidates this replica at once and
 * tells the others over Redis pub/sub (so a revoked key stops working everywhere within milliseconds;
 * the cache TTL bounds staleness if a message is ever lost).
 */
@Injectable()
export class KeyInvalidationService implements OnModuleInit {
  private readonly channel: string;

  constructor(
    private readonly cache: KeyCache,
    private readonly redis: RedisService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.channel = redis.key(CHANNEL);
  }

  async onModuleInit(): Promise<void> {
    this.redis.subscriber.on('message', (ch: string, message: string) => {
      if (ch !== this.channel) return;
      try {
        this.cache.invalidate(JSON.parse(message) as KeyInvalidation);
      } catch {
        this.cache.invalidate({ all: true });
      }
    });
    await this.redis.subscriber.subscribe(this.channel);
  }

  async publish(change: KeyInvalidation): Promise<void> {
    this.cache.invalidate(change);
    try {
      await this.redis.client.publish(this.channel, JSON.stringify(change));
    } catch (err) {
      this.logger.error(
        { err: String(err) },
        'could not publish a key invalidation; other replicas catch up within the cache TTL',
      );
    }
  }
}
