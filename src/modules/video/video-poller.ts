import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from '../../common/logging/logger';
import { LOGGER } from '../../common/logging/logger.module';
import { APP_CONFIG } from '../../config/app-config';
import type { AppConfig } from '../../config/config.types';
import { RedisService } from '../../database/redis.service';
import { ProviderError } from '../../providers/core/provider-error';
import type { VideoTaskSnapshot } from '../../providers/core/video';
import { MetricsService } from '../metrics/metrics.service';
import { VideoCallbacks } from './video-callbacks';
import { VideoSettlement, type TaskEnd } from './video-settlement';
import { VideoTaskStore, type VideoTaskRow } from './video-task.store';
import { TERMINAL_VIDEO_STATUSES } from './video-task.view';
import { VideoUpstream, type VideoEndpoint } from './video-upstream';

/** A submit with no answer after this long is taken as lost (the process died during it). */
const SUBMIT_LOST_MS = 10 * 60_000;

/**
 * One poll of one task (the BullMQ processor calls it; any worker may): asks the provider through the
 * task's own deployment, moves the task on by compare-and-swap, settles it when it ends, and says when
 * to poll again (backoff from SWITCHBOARD_VIDEO_POLL_MS doubling to SWITCHBOARD_VIDEO_POLL_MAX_MS, a
 * 429's retry-after honoured, the deployment's rpm respected across workers). A task older than the
 * maximum age ends as `task_timeout`. Provider 5xx, timeouts and refusals only delay the next poll.
 */
@Injectable()
export class VideoPoller {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly store: VideoTaskStore,
    private readonly upstream: VideoUpstream,
    private readonly settlement: VideoSettlement,
    private readonly callbacks: VideoCallbacks,
    private readonly redis: RedisService,
    private readonly metrics: MetricsService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Polls the task once; answers the delay before the next poll, or undefined when it is over. */
  async pollOnce(taskId: string, now = Date.now()): Promise<number | undefined> {
    const row = await this.store.get(taskId);
    if (!row) return undefined;
    if (TERMINAL_VIDEO_STATUSES.includes(row.status)) {
      await this.finish(row);
      return undefined;
    }
    if (now - row.createdAt.getTime() > this.config.video.maxAgeSeconds * 1000) {
      await this.end(row, { kind: 'timeout' });
      return undefined;
    }
    if (!row.upstreamTaskId) {
      if (now - row.createdAt.getTime() < SUBMIT_LOST_MS) return this.config.video.maxPollMs;
      await this.settlement.failSubmitUnknown(row.id, 'the submit was interrupted');
      await this.finish((await this.store.get(row.id)) ?? row);
      return undefined;
    }
    const ep = this.upstream.endpointOf(row, row.requestId ?? row.id);
    if (!ep) {
      this.logger.warn({ task_id: row.id, deployment_id: row.deploymentId }, 'video: deployment gone');
      return this.config.video.maxPollMs;
    }
    const wait = await this.rpmWait(ep, now);
    if (wait > 0) return wait;
    let snapshot: VideoTaskSnapshot;
    try {
      const spec = ep.codec.buildPoll(
        { upstreamTaskId: row.upstreamTaskId, route: row.upstreamRoute ?? undefined },
        ep.ctx,
      );
      snapshot = ep.codec.parsePoll(await this.upstream.call(ep, spec));
      this.metrics.videoPoll(row.provider, 'ok');
    } catch (err) {
      return this.pollFailed(row, err);
    }
    return this.apply(row, snapshot);
  }

  private async apply(row: VideoTaskRow, s: VideoTaskSnapshot): Promise<number | undefined> {
    switch (s.state) {
      case 'succeeded':
        await this.end(row, { kind: 'completed', snapshot: s });
        return undefined;
      case 'failed':
        await this.end(row, {
          kind: 'failed',
          code: s.error?.code ?? 'generation_failed',
          message: s.error?.message ?? 'the provider could not make the video',
        });
        return undefined;
      case 'cancelled':
        await this.end(row, { kind: 'cancelled' });
        return undefined;
      case 'running':
        if (row.status === 'queued') await this.store.transition(row.id, ['queued'], 'in_progress');
        break;
      case 'queued':
        break;
    }
    const next = this.backoff(row.pollCount);
    await this.store.polled(row.id, {
      progress: s.progress,
      upstreamStatus: s.upstreamStatus,
      nextPollAt: new Date(Date.now() + next),
    });
    return next;
  }

  private async pollFailed(row: VideoTaskRow, err: unknown): Promise<number | undefined> {
    const kind = err instanceof ProviderError ? err.kind : 'internal';
    this.metrics.videoPoll(row.provider, 'error');
    if (kind === 'not_found') {
      await this.end(row, {
        kind: 'failed',
        code: 'upstream_task_not_found',
        message: 'the provider no longer knows this task',
      });
      return undefined;
    }
    this.logger.warn(
      {
        task_id: row.id,
        provider: row.provider,
        kind,
        err: err instanceof Error ? err.message : String(err),
      },
      'video: poll failed; retried',
    );
    const retryAfter = err instanceof ProviderError ? err.retryAfterMs : undefined;
    const next = Math.max(retryAfter ?? 0, this.backoff(row.pollCount));
    await this.store.polled(row.id, { nextPollAt: new Date(Date.now() + next) });
    return next;
  }

  private async end(row: VideoTaskRow, end: TaskEnd): Promise<void> {
    if (await this.settlement.end(row, end)) this.metrics.videoTaskEnded(row.provider, end.kind);
    await this.finish((await this.store.get(row.id)) ?? row);
  }

  /** An ended task: settled (again if a crash interrupted it) and its callback queued. */
  private async finish(row: VideoTaskRow): Promise<void> {
    await this.settlement.settle(row);
    if (row.callbackUrl && !row.callbackDeliveredAt) await this.callbacks.schedule(row.id);
  }

  /** Doubling from the first poll's delay up to the cap. */
  private backoff(polls: number): number {
    const { firstPollMs, maxPollMs } = this.config.video;
    return Math.min(maxPollMs, firstPollMs * 2 ** Math.min(polls, 20));
  }

  /** The wait before this deployment may be polled again under its rpm (0: now), across workers. */
  private async rpmWait(ep: VideoEndpoint, now: number): Promise<number> {
    const d = this.upstream.deploymentLimits(ep.ctx.deployment.id);
    if (!d?.rpmLimit) return 0;
    const minute = Math.floor(now / 60_000);
    const key = this.redis.key('video', 'rpm', ep.ctx.deployment.id, String(minute));
    const [[, count]] = (await this.redis.client.multi().incr(key).expire(key, 120).exec()) as [
      [unknown, number],
    ];
    return count <= d.rpmLimit ? 0 : (minute + 1) * 60_000 - now + Math.floor(Math.random() * 1000);
  }
}
