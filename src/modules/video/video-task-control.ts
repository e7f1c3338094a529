import { Inject, Injectable } from '@nestjs/common';
import { GatewayError } from '../../common/errors/gateway-error';
import type { Logger } from '../../common/logging/logger';
import { LOGGER } from '../../common/logging/logger.module';
import { toGatewayError } from '../inference/pipeline/provider-error.mapping';
import { VideoSettlement } from './video-settlement';
import { VideoTaskStore, type VideoTaskRow } from './video-task.store';
import { TERMINAL_VIDEO_STATUSES } from './video-task.view';
import { VideoUpstream } from './video-upstream';

/** Client-side changes to a task: delete an ended one, cancel a queued one where the provider can. */
@Injectable()
export class VideoTaskControl {
  constructor(
    private readonly store: VideoTaskStore,
    private readonly upstream: VideoUpstream,
    private readonly settlement: VideoSettlement,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** OpenAI's delete: only an ended task (its row is kept for billing, hidden from the client). */
  async delete(row: VideoTaskRow): Promise<void> {
    if (!TERMINAL_VIDEO_STATUSES.includes(row.status))
      throw new GatewayError(
        'invalid_request',
        `video is ${row.status}; only a completed or failed video can be deleted`,
        {
          param: 'video_id',
        },
      );
    const ep = this.upstream.endpointOf(row, row.id);
    if (ep?.codec.buildDelete && row.upstreamTaskId && row.status === 'completed') {
      // The provider's copy too, where it keeps one (Sora); the gateway's answer does not depend on it.
      await this.upstream
        .call(ep, ep.codec.buildDelete({ upstreamTaskId: row.upstreamTaskId }, ep.ctx))
        .catch((err: unknown) =>
          this.logger.warn(
            { task_id: row.id, err: err instanceof Error ? err.message : String(err) },
            'video: upstream delete failed',
          ),
        );
    }
    await this.store.markDeleted(row.id);
  }

  /** Seedance's DELETE: cancels a queued task (uncharged), deletes an ended one, refuses a running one. */
  async cancelOrDelete(row: VideoTaskRow): Promise<void> {
    if (TERMINAL_VIDEO_STATUSES.includes(row.status)) return this.store.markDeleted(row.id);
    const ep = this.upstream.endpointOf(row, row.id);
    if (row.status !== 'queued' || !ep?.codec.buildCancel || !row.upstreamTaskId)
      throw new GatewayError(
        'conflict',
        `the task is ${row.status === 'queued' ? 'queued' : 'running'} and cannot be cancelled now`,
        {
          param: 'id',
        },
      );
    try {
      await this.upstream.call(ep, ep.codec.buildCancel({ upstreamTaskId: row.upstreamTaskId }, ep.ctx));
    } catch (err) {
      throw toGatewayError(err);
    }
    await this.settlement.end(row, { kind: 'cancelled' });
  }
}
