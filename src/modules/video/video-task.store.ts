import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../database/prisma.service';
import { SqlPool } from '../../database/sql-pool.service';
import {
  ACCEPTED_SQL,
  INSERT_TASK_SQL,
  POLLED_SQL,
  SELECT_TASK_SQL,
  taskFromSql,
  type VideoTaskSqlRow,
} from './video-task.sql';
import type { Prisma, VideoTask } from '../../generated/prisma/client';
import type { VideoRequest } from '../../providers/core/video';
import type { Identity } from '../auth/identity';
import {
  TERMINAL_VIDEO_STATUSES,
  type VideoDialect,
  type VideoOutput,
  type VideoTaskStatus,
  type VideoTaskView,
} from './video-task.view';

export type VideoTaskRow = VideoTask;
export type VideoSettlementState = VideoTask['settlement'];

/** A task as the submit stores it, before the provider answered. */
export interface NewVideoTask {
  id: string;
  requestId: string;
  keyId?: string;
  teamId?: string;
  model: string;
  deploymentId: string;
  provider: string;
  upstreamModel: string;
  dialect: VideoDialect;
  request: VideoRequest;
  seconds?: string;
  size?: string;
  resolution?: string;
  callbackUrl?: string;
  reservationId: string;
  reservedUsd: string;
  remixedFromId?: string;
  settlement: VideoSettlementState;
}

const NON_TERMINAL: VideoTaskStatus[] = ['queued', 'in_progress'];

/**
 * The `video_tasks` table: one row per task, every status change a compare-and-swap on the current
 * status (`transition`), the settlement a compare-and-swap of its own (`settle`), so two workers racing
 * on one task change it once.
 */
@Injectable()
export class VideoTaskStore {
  constructor(
    private readonly db: PrismaService,
    private readonly sql: SqlPool,
  ) {}

  async create(t: NewVideoTask): Promise<void> {
    await this.sql.query(INSERT_TASK_SQL, [
      t.id,
      t.requestId,
      t.keyId ?? null,
      t.teamId ?? null,
      t.model,
      t.deploymentId,
      t.provider,
      t.upstreamModel,
      t.dialect,
      JSON.stringify(t.request),
      t.seconds ?? null,
      t.size ?? null,
      t.resolution ?? null,
      t.callbackUrl ?? null,
      t.reservationId,
      t.reservedUsd,
      t.remixedFromId ?? null,
      t.settlement,
      new Date(),
    ]);
  }

  /** Another deployment is tried before any provider accepted the task. */
  async retarget(id: string, d: { deploymentId: string; provider: string; upstreamModel: string }) {
    await this.db.videoTask.updateMany({ where: { id, upstreamTaskId: null }, data: d });
  }

  /** A task no provider accepted: it never existed for the client. */
  async remove(id: string): Promise<void> {
    await this.db.videoTask.deleteMany({ where: { id, upstreamTaskId: null } });
  }

  async get(id: string): Promise<VideoTaskRow | null> {
    const [row] = await this.sql.query<VideoTaskSqlRow>(SELECT_TASK_SQL, [id]);
    return row ? taskFromSql(row) : null;
  }

  /** The task if the caller may see it: its own key's (the master key sees every task); never a deleted one. */
  async owned(id: string, identity: Identity): Promise<VideoTaskRow | undefined> {
    const row = await this.get(id);
    if (!row || row.deletedAt) return undefined;
    if (identity.kind === 'master') return row;
    return row.keyId === identity.keyId ? row : undefined;
  }

  /** The provider accepted the task: its id upstream (once; false when the row moved on meanwhile). */
  async accepted(id: string, upstreamTaskId: string, upstreamRoute: string | undefined, nextPollAt: Date) {
    await this.sql.query(ACCEPTED_SQL, [id, upstreamTaskId, upstreamRoute ?? null, nextPollAt]);
  }

  /**
   * Compare-and-swap of the status: applies `data` and moves to `to` only when the task is in one of
   * `from`. True when this call made the change.
   */
  async transition(
    id: string,
    from: readonly VideoTaskStatus[],
    to: VideoTaskStatus,
    data: Prisma.VideoTaskUpdateManyMutationInput = {},
  ): Promise<boolean> {
    const terminal = TERMINAL_VIDEO_STATUSES.includes(to);
    const r = await this.db.videoTask.updateMany({
      where: { id, status: { in: [...from] } },
      data: { ...data, status: to, ...(terminal ? { completedAt: new Date(), nextPollAt: null } : {}) },
    });
    return r.count === 1;
  }

  /** One poll that changed no status: progress, the provider's word, the next poll time. */
  async polled(id: string, data: { progress?: number; upstreamStatus?: string; nextPollAt: Date }) {
    await this.sql.query(POLLED_SQL, [
      id,
      data.progress ?? null,
      data.upstreamStatus ?? null,
      data.nextPollAt,
    ]);
  }

  /** Compare-and-swap of the settlement: true when this call moved it from `from` to `to`. */
  async settle(id: string, from: VideoSettlementState, to: VideoSettlementState, costUsd?: string) {
    const r = await this.db.videoTask.updateMany({
      where: { id, settlement: from },
      data: { settlement: to, settledAt: new Date(), ...(costUsd !== undefined ? { costUsd } : {}) },
    });
    return r.count === 1;
  }

  async markDeleted(id: string): Promise<void> {
    await this.db.videoTask.updateMany({ where: { id }, data: { deletedAt: new Date() } });
  }

  async callbackDone(id: string, attempts: number, delivered: boolean): Promise<void> {
    await this.db.videoTask.updateMany({
      where: { id },
      data: { callbackAttempts: attempts, ...(delivered ? { callbackDeliveredAt: new Date() } : {}) },
    });
  }

  /**
   * Tasks that need the worker's attention without a job having asked: live ones whose poll is overdue
   * by `graceMs` (their job was lost), and ended ones whose settlement never ran (a crash in between).
   */
  async needingAttention(now: Date, graceMs: number, limit: number): Promise<VideoTaskRow[]> {
    const overdue = new Date(now.getTime() - graceMs);
    return this.db.videoTask.findMany({
      where: {
        OR: [
          { status: { in: NON_TERMINAL }, OR: [{ nextPollAt: { lt: overdue } }, { nextPollAt: null }] },
          { status: { in: ['completed', 'failed', 'cancelled'] }, settlement: 'reserved' },
        ],
        createdAt: { lt: overdue },
      },
      orderBy: { createdAt: 'asc' },
      take: limit,
    });
  }

  /** Non-terminal tasks per status (for the metrics gauge). */
  async countsByStatus(): Promise<Record<string, number>> {
    const rows = await this.db.videoTask.groupBy({ by: ['status'], _count: { _all: true } });
    return Object.fromEntries(rows.map((r) => [r.status, r._count._all]));
  }

  /** Tasks not deleted, by id (time-ordered ids: creation order), `take` from `skip`. */
  list(where: Prisma.VideoTaskWhereInput, take: number, order: 'asc' | 'desc' = 'desc', skip = 0) {
    return this.db.videoTask.findMany({
      where: { deletedAt: null, ...where },
      orderBy: { id: order },
      take,
      skip,
    });
  }

  count(where: Prisma.VideoTaskWhereInput): Promise<number> {
    return this.db.videoTask.count({ where: { deletedAt: null, ...where } });
  }
}

/** A stored row as the client dialects render it. */
export function videoTaskView(row: VideoTaskRow): VideoTaskView {
  const result = (row.result ?? {}) as { outputs?: VideoOutput[] };
  const error = row.error as { code: string; message: string } | null;
  return {
    id: row.id,
    dialect: row.dialect as VideoDialect,
    model: row.model,
    status: row.status,
    progress: row.progress,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    ...(row.completedAt ? { completedAt: row.completedAt } : {}),
    request: row.request as unknown as VideoRequest,
    ...(row.upstreamRoute ? { nativeRoute: row.upstreamRoute } : {}),
    ...(row.seconds !== null ? { seconds: row.seconds.toFixed() } : {}),
    ...(row.size ? { size: row.size } : {}),
    outputs: result.outputs ?? [],
    ...(error ? { error } : {}),
    ...(row.remixedFromId ? { remixedFromId: row.remixedFromId } : {}),
    ...(row.upstreamStatus ? { upstreamStatus: row.upstreamStatus } : {}),
    ...(row.costUsd !== null ? { costUsd: row.costUsd.toFixed() } : {}),
  };
}
