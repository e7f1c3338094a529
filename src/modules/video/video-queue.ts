import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { APP_CONFIG } from '../../config/app-config';
import type { AppConfig } from '../../config/config.types';
import type { Logger } from '../../common/logging/logger';
import { LOGGER } from '../../common/logging/logger.module';
import { bullConnection } from '../../database/redis-options';

/** The BullMQ queue that polls video tasks: one delayed job per live task, its id the task's. */
export const VIDEO_POLL_QUEUE = 'video-poll';
/** The queue that delivers signed callbacks: one job per task (`cb-<task id>`), retried with backoff. */
export const VIDEO_CALLBACK_QUEUE = 'video-callback';
/** Callback deliveries: the first try and 5 retries, from 1 s doubling (contract §5: 1 s to 5 min). */
export const CALLBACK_ATTEMPTS = 6;
export const CALLBACK_FIRST_BACKOFF_MS = 1_000;

/**
 * Logs a queue's connection errors (Redis down, a Sentinel failover under way); it reconnects by
 * itself. Without a listener, BullMQ reports each one as an unhandled 'error' event.
 */
export function logQueueErrors(queue: Queue, logger: Logger): void {
  queue.on('error', (err: Error) =>
    logger.warn({ queue: queue.name, err: err.message }, 'video: queue connection error; retrying'),
  );
}

/** The BullMQ prefix of this gateway's queues (under the configured Redis key prefix). */
export function bullPrefix(config: AppConfig): string {
  return `${config.redisPrefix}:bull`;
}

/**
 * Enqueues video jobs from any role (the API role submits, the worker re-schedules). The queues are
 * made on first use, so an API instance that never sees a video task never loads BullMQ.
 */
@Injectable()
export class VideoQueue implements OnModuleDestroy {
  private queues = new Map<string, Queue>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  private queue(name: string): Queue {
    let q = this.queues.get(name);
    if (!q) {
      const { Queue: BullQueue } = require('bullmq') as typeof import('bullmq');
      q = new BullQueue(name, {
        connection: bullConnection(this.config),
        prefix: bullPrefix(this.config),
      });
      logQueueErrors(q, this.logger);
      this.queues.set(name, q);
    }
    return q;
  }

  /** Schedules the task's poll in `delayMs` (a no-op while its job exists: one job per task). */
  async schedulePoll(taskId: string, delayMs: number): Promise<void> {
    await this.queue(VIDEO_POLL_QUEUE).add(
      'poll',
      { taskId },
      { jobId: taskId, delay: Math.max(0, delayMs), removeOnComplete: true, removeOnFail: true },
    );
  }

  /** Queues the task's callback (once: the job id is the task's). */
  async scheduleCallback(taskId: string): Promise<void> {
    await this.queue(VIDEO_CALLBACK_QUEUE).add(
      'callback',
      { taskId },
      {
        jobId: `cb-${taskId}`,
        attempts: CALLBACK_ATTEMPTS,
        backoff: { type: 'exponential', delay: CALLBACK_FIRST_BACKOFF_MS },
        removeOnComplete: true,
        removeOnFail: { age: 86_400 },
      },
    );
  }

  /** Jobs waiting or delayed in the poll queue (the queue-depth gauge). */
  async pollDepth(): Promise<number> {
    return this.queue(VIDEO_POLL_QUEUE).getJobCountByTypes('waiting', 'delayed', 'active');
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
  }
}
