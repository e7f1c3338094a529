import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from '../../common/logging/logger';
import { LOGGER } from '../../common/logging/logger.module';
import type { VideoTaskSnapshot } from '../../providers/core/video';
import { effectivePricing } from '../usage/pricing/price-table';
import type { RoutingFailure } from '../routing/router.service';
import { CatalogService } from '../routing/catalog.service';
import type { UsageEvent } from '../usage/usage-event';
import { UsageService } from '../usage/usage.service';
import { videoCostText } from './video-pricing';
import { VideoTaskStore, type VideoSettlementState, type VideoTaskRow } from './video-task.store';

/** The endpoint video records carry in usage. */
export const VIDEO_ENDPOINT = 'videos';

/** What ends a task, as the settlement sees it. */
export type TaskEnd =
  | { kind: 'completed'; snapshot: VideoTaskSnapshot }
  | { kind: 'failed'; code: string; message: string }
  | { kind: 'cancelled' }
  | { kind: 'timeout' };

/**
 * Ends tasks and settles them exactly once. The status changes by compare-and-swap (one winner when
 * workers race); the settlement of the winner (or of a recovery after a crash) goes to the task's
 * reservation record by its id, which Redis settles once and which appends the one usage record; the
 * row's own settlement column then changes by compare-and-swap too. A success is charged its real
 * seconds; a failure or cancellation yields an uncharged record; a timeout holds the reservation (the
 * provider may still bill) until an admin resolves it.
 */
@Injectable()
export class VideoSettlement {
  constructor(
    private readonly store: VideoTaskStore,
    private readonly usage: UsageService,
    private readonly catalog: CatalogService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Moves a live task to its end (true when this call did) and settles it. */
  async end(row: VideoTaskRow, end: TaskEnd): Promise<boolean> {
    const won = await this.store.transition(row.id, ['queued', 'in_progress'], statusOf(end), endData(end));
    const now = await this.store.get(row.id);
    if (now) await this.settle(now);
    return won;
  }

  /**
   * Settles an ended task whose settlement has not run (idempotent: a repeat after a crash counts
   * nothing twice). Throws while Redis is unreachable; the caller retries.
   */
  async settle(row: VideoTaskRow): Promise<void> {
    if (row.settlement !== 'reserved' || !row.reservationId) return;
    if (row.status === 'queued' || row.status === 'in_progress') return;
    const error = row.error as { code?: string } | null;
    if (row.status === 'failed' && (error?.code === 'task_timeout' || error?.code === 'submit_timeout')) {
      await this.store.settle(row.id, 'reserved', 'held');
      this.logger.warn({ task_id: row.id, code: error.code }, 'video: task reservation held for an admin');
      return;
    }
    const charged = row.status === 'completed';
    const event = this.eventOf(row, charged ? this.costOf(row) : '0');
    await this.usage.settleReservation(event);
    await this.store.settle(row.id, 'reserved', charged ? 'charged' : 'released', event.costUsd);
  }

  /** An admin's decision on a held task: charge its reservation (or `costUsd`) or release it. */
  async resolveHeld(row: VideoTaskRow, action: 'charge' | 'release', costUsd?: string): Promise<boolean> {
    if (row.settlement !== 'held' || !row.reservationId) return false;
    const cost = action === 'charge' ? (costUsd ?? row.reservedUsd.toFixed()) : '0';
    const next: VideoSettlementState = action === 'charge' ? 'charged' : 'released';
    // Redis first (idempotent on the id: a racing second resolve counts nothing), then the row.
    await this.usage.settleReservation(this.eventOf(row, cost, action === 'charge' ? 200 : 504));
    return this.store.settle(row.id, 'held', next, cost);
  }

  /** A submit sent whose answer never came: a failed task, its reservation held. */
  async failSubmitUnknown(id: string, message: string): Promise<void> {
    await this.store.transition(id, ['queued'], 'failed', {
      error: { code: 'submit_timeout', message: `the provider did not answer the submit: ${message}` },
    });
    const row = await this.store.get(id);
    if (row) await this.settle(row);
  }

  /** A submit every deployment refused: one uncharged record, the reservation given back. */
  async recordFailedSubmit(
    eventId: string,
    failure: RoutingFailure,
    status: number,
    row: Partial<VideoTaskRow>,
  ) {
    const info = failure.last;
    await this.usage.settleReservation({
      id: eventId,
      requestId: row.requestId ?? eventId,
      createdAt: new Date(),
      keyId: row.keyId ?? undefined,
      teamId: row.teamId ?? undefined,
      model: row.model ?? '',
      deploymentId: info?.target.id,
      provider: info?.target.provider,
      upstreamModel: info?.target.upstreamModel,
      endpoint: VIDEO_ENDPOINT,
      statusCode: status,
      errorType: 'video_submit_failed',
      costUsd: '0',
      latencyMs: 0,
      stream: false,
    });
  }

  /** The real cost: billed seconds (the provider's, else the requested) at the task's resolution. */
  private costOf(row: VideoTaskRow): string {
    const model = this.catalog.get(row.model) ?? this.catalog.resolve(row.model)?.model;
    const pricing = effectivePricing(model?.pricing, row.upstreamModel, model?.name ?? row.model);
    return videoCostText(pricing, row.seconds?.toFixed() ?? '0', row.resolution ?? undefined);
  }

  private eventOf(row: VideoTaskRow, costUsd: string, statusOverride?: number): UsageEvent {
    const error = row.error as { code?: string } | null;
    const completedAt = row.completedAt ?? new Date();
    return {
      id: row.reservationId!,
      requestId: row.requestId ?? row.id,
      createdAt: completedAt,
      keyId: row.keyId ?? undefined,
      teamId: row.teamId ?? undefined,
      model: row.model,
      deploymentId: row.deploymentId,
      provider: row.provider,
      upstreamModel: row.upstreamModel,
      endpoint: VIDEO_ENDPOINT,
      statusCode: statusOverride ?? statusCodeOf(row),
      ...(row.status !== 'completed' ? { errorType: error?.code ?? row.status } : {}),
      ...(row.status === 'completed' && row.seconds ? { videoSeconds: row.seconds.toFixed() } : {}),
      costUsd,
      latencyMs: Math.max(0, completedAt.getTime() - row.createdAt.getTime()),
      stream: false,
    };
  }
}

function statusOf(end: TaskEnd) {
  return end.kind === 'completed' ? 'completed' : end.kind === 'cancelled' ? 'cancelled' : 'failed';
}

function endData(end: TaskEnd) {
  switch (end.kind) {
    case 'completed': {
      const s = end.snapshot;
      return {
        progress: 100,
        upstreamStatus: s.upstreamStatus,
        result: { outputs: s.outputs },
        ...(s.billableSeconds !== undefined ? { seconds: s.billableSeconds } : {}),
      };
    }
    case 'failed':
      return { error: { code: end.code, message: end.message } };
    case 'cancelled':
      return { error: { code: 'cancelled', message: 'the task was cancelled' } };
    case 'timeout':
      return {
        error: { code: 'task_timeout', message: 'the task did not finish within the maximum task age' },
      };
  }
}

function statusCodeOf(row: VideoTaskRow): number {
  if (row.status === 'completed') return 200;
  if (row.status === 'cancelled') return 499;
  const code = (row.error as { code?: string } | null)?.code;
  if (code === 'content_filter') return 400;
  if (code === 'task_timeout' || code === 'submit_timeout') return 504;
  return 502;
}
