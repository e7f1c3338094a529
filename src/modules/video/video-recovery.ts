import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Logger } from '../../common/logging/logger';
import { LOGGER } from '../../common/logging/logger.module';
import { APP_CONFIG } from '../../config/app-config';
import type { AppConfig } from '../../config/config.types';
import { MetricsService } from '../metrics/metrics.service';
import { VideoQueue } from './video-queue';
import { VideoTaskStore } from './video-task.store';

const BATCH = 500;

/**
 * Restart safety (roles `worker` and `all`): at boot and every SWITCHBOARD_VIDEO_RECOVERY_MS, every live task whose
 * poll is overdue (its job was lost with Redis, or never enqueued because the process died) and every
 * ended task whose settlement never ran gets a poll job again (a no-op where its job exists), so no task
 * is lost or left unsettled whatever restarted.
 */
@Injectable()
export class VideoRecovery implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly store: VideoTaskStore,
    private readonly queue: VideoQueue,
    metrics: MetricsService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    metrics.setVideoProbe({
      tasksByStatus: () => this.store.countsByStatus(),
      pollQueueDepth: () => this.queue.pollDepth(),
    });
  }

  onApplicationBootstrap(): void {
    void this.scan();
    this.timer = setInterval(() => void this.scan(), this.config.video.recoveryMs);
    this.timer.unref();
  }

  /** One scan; answers how many tasks were re-enqueued. */
  async scan(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    try {
      const grace = this.config.video.maxPollMs + this.config.video.recoveryMs;
      const rows = await this.store.needingAttention(new Date(), grace, BATCH);
      for (const row of rows) await this.queue.schedulePoll(row.id, 0);
      if (rows.length > 0) this.logger.info({ tasks: rows.length }, 'video: tasks re-enqueued');
      return rows.length;
    } catch (err) {
      this.logger.warn(
        { err: err instanceof Error ? err.message : String(err) },
        'video: recovery scan failed',
      );
      return 0;
    } finally {
      this.running = false;
    }
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }
}
