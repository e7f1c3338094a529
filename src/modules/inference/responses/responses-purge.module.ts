import { Inject, Injectable, Module, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { LOGGER } from '../../../common/logging/logger.module';
import type { Logger } from '../../../common/logging/logger';
import { ResponseStore } from './response-store';

/** How often the worker role deletes expired stored responses (ms). */
export const RESPONSES_PURGE_MS = 60 * 60_000;

/**
 * Roles `worker` and `all`: deletes expired `stored_responses` rows every RESPONSES_PURGE_MS (one
 * DELETE; replicas purging at once are harmless). Reads already ignore expired rows.
 */
@Injectable()
export class ResponsesPurger implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly store: ResponseStore,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.purge(), RESPONSES_PURGE_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** One purge; failures are logged, never thrown. */
  async purge(): Promise<void> {
    try {
      const deleted = await this.store.purgeExpired();
      if (deleted > 0) this.logger.info({ deleted }, 'responses: expired stored responses deleted');
    } catch (err) {
      this.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'responses: purge failed');
    }
  }
}

/** The worker-side purge of expired stored responses (imported by AppModule unless the role is `api`). */
@Module({ providers: [ResponseStore, ResponsesPurger] })
export class ResponsesPurgeModule {}
