import { Inject, type OnApplicationBootstrap } from '@nestjs/common';
import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { DelayedError, type Job } from 'bullmq';
import type { Logger } from '../../common/logging/logger';
import { LOGGER } from '../../common/logging/logger.module';
import { APP_CONFIG } from '../../config/app-config';
import type { AppConfig } from '../../config/config.types';
import { VideoCallbacks } from './video-callbacks';
import { VideoPoller } from './video-poller';
import { CALLBACK_ATTEMPTS, VIDEO_CALLBACK_QUEUE, VIDEO_POLL_QUEUE } from './video-queue';

interface TaskJob {
  taskId: string;
}

/**
 * Polls one task per job; a task still running moves its own job back to the delayed set (one job per
 * task for its whole life, its id the task's), so any worker on any replica takes the next poll.
 */
@Processor(VIDEO_POLL_QUEUE)
export class VideoPollProcessor extends WorkerHost implements OnApplicationBootstrap {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly poller: VideoPoller,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.video.concurrency;
  }

  /** The worker's own failures (Redis unreachable or refusing its scripts): logged, it retries. */
  @OnWorkerEvent('error')
  onError(err: Error): void {
    logWorkerError(this.logger, VIDEO_POLL_QUEUE, err);
  }

  async process(job: Job<TaskJob>, token?: string): Promise<void> {
    const next = await this.poller.pollOnce(job.data.taskId);
    if (next === undefined) return;
    await job.moveToDelayed(Date.now() + next, token);
    throw new DelayedError();
  }
}

/** Delivers a task's signed callback; a failure is retried by the queue with exponential backoff. */
@Processor(VIDEO_CALLBACK_QUEUE)
export class VideoCallbackProcessor extends WorkerHost {
  constructor(
    private readonly callbacks: VideoCallbacks,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    super();
  }

  process(job: Job<TaskJob>): Promise<void> {
    return this.callbacks.deliver(job.data.taskId, job.attemptsMade + 1);
  }

  @OnWorkerEvent('error')
  onError(err: Error): void {
    logWorkerError(this.logger, VIDEO_CALLBACK_QUEUE, err);
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job<TaskJob> | undefined, err: Error): void {
    if (!job) return;
    const final = job.attemptsMade >= CALLBACK_ATTEMPTS;
    this.logger.warn(
      { task_id: job.data.taskId, attempt: job.attemptsMade, err: err.message },
      final ? 'video: callback given up' : 'video: callback failed; retried',
    );
  }
}

/** One line per worker error (BullMQ retries on its own); unhandled, the emitter would print a stack. */
function logWorkerError(logger: Logger, queue: string, err: Error): void {
  logger.warn({ queue, err: err.message }, 'video: queue worker error; retrying');
}
