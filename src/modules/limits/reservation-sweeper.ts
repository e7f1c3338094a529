import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { LOGGER } from '../../common/logging/logger.module';
import type { Logger } from '../../common/logging/logger';
import { APP_CONFIG } from '../../config/app-config';
import type { AppConfig } from '../../config/config.types';
import { LimitsService } from './limits.service';

/** How often the worker role sweeps expired reservations (ms). */
export const RESERVATION_SWEEP_MS = 5_000;

/**
 * Roles `worker` and `all`: gives back expired reservations every RESERVATION_SWEEP_MS even when no
 * request comes (each script call also frees a few). Several replicas may sweep at once: each sweep is
 * one atomic script call, so a reservation is freed once.
 */
@Injectable()
export class ReservationSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly limits: LimitsService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.role === 'api' || !this.limits.enabled) return;
    this.timer = setInterval(() => void this.sweep(), RESERVATION_SWEEP_MS);
    this.timer.unref();
  }

  private async sweep(): Promise<void> {
    if (this.running || this.limits.redisDown) return;
    this.running = true;
    try {
      const expired = await this.limits.sweepReservations();
      if (expired > 0) this.logger.info({ expired }, 'limits: expired reservations given back');
    } catch (err) {
      this.logger.warn(
        { err: err instanceof Error ? err.message : String(err) },
        'limits: reservation sweep failed',
      );
    } finally {
      this.running = false;
    }
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }
}
