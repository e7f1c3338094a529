import { Prisma, type VideoTask } from '../../generated/prisma/client';

/**
 * The statements every poll and every submit runs, in plain SQL (SqlPool): through Prisma's query
 * compiler they were about half of a worker's CPU per poll and a third of an API's per submit (profiles
 * of bench/video-tasks.js). The rarer writes on `video_tasks` go through Prisma.
 */
export const SELECT_TASK_SQL = 'SELECT * FROM video_tasks WHERE id = $1';

/** One poll that changed no status ($2 progress and $3 the provider's word: null keeps them). */
export const POLLED_SQL = `UPDATE video_tasks SET
  progress = COALESCE($2, progress),
  upstream_status = COALESCE($3, upstream_status),
  next_poll_at = $4,
  last_polled_at = now(),
  poll_count = poll_count + 1,
  updated_at = now()
  WHERE id = $1 AND status IN ('queued', 'in_progress')`;

/** A new task, before the provider answered ($1…$19, in VideoTaskStore.create order). */
export const INSERT_TASK_SQL = `INSERT INTO video_tasks (id, request_id, key_id, team_id, model, deployment_id,
  provider, upstream_model, dialect, request, seconds, size, resolution, callback_url, reservation_id,
  reserved_usd, remixed_from_id, settlement, created_at, updated_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
  $18::video_settlement, $19, $19)`;

/** The provider took the task: its id upstream, once ($1 id, $2 upstream id, $3 route, $4 first poll). */
export const ACCEPTED_SQL = `UPDATE video_tasks SET upstream_task_id = $2, upstream_route = $3,
  submitted_at = now(), next_poll_at = $4, updated_at = now()
  WHERE id = $1 AND upstream_task_id IS NULL`;

/** A `video_tasks` row as pg returns it (numerics as text, timestamps as Date, JSON parsed). */
export type VideoTaskSqlRow = Record<string, unknown>;

const decimal = (v: unknown) => (v === null || v === undefined ? null : new Prisma.Decimal(String(v)));
const date = (v: unknown) => (v === null || v === undefined ? null : (v as Date));
const text = (v: unknown) => (v === null || v === undefined ? null : String(v));

/** The row in the shape Prisma gives it. */
export function taskFromSql(r: VideoTaskSqlRow): VideoTask {
  return {
    id: String(r.id),
    keyId: text(r.key_id),
    teamId: text(r.team_id),
    model: String(r.model),
    deploymentId: String(r.deployment_id),
    provider: String(r.provider),
    upstreamModel: String(r.upstream_model),
    upstreamTaskId: text(r.upstream_task_id),
    dialect: String(r.dialect),
    status: r.status as VideoTask['status'],
    progress: Number(r.progress),
    request: r.request as VideoTask['request'],
    result: (r.result ?? null) as VideoTask['result'],
    error: (r.error ?? null) as VideoTask['error'],
    seconds: decimal(r.seconds),
    size: text(r.size),
    callbackUrl: text(r.callback_url),
    reservationId: text(r.reservation_id),
    reservedUsd: decimal(r.reserved_usd) ?? new Prisma.Decimal(0),
    costUsd: decimal(r.cost_usd),
    settledAt: date(r.settled_at),
    callbackDeliveredAt: date(r.callback_delivered_at),
    createdAt: r.created_at as Date,
    updatedAt: r.updated_at as Date,
    completedAt: date(r.completed_at),
    requestId: text(r.request_id),
    upstreamRoute: text(r.upstream_route),
    resolution: text(r.resolution),
    settlement: r.settlement as VideoTask['settlement'],
    submittedAt: date(r.submitted_at),
    pollCount: Number(r.poll_count),
    nextPollAt: date(r.next_poll_at),
    lastPolledAt: date(r.last_polled_at),
    upstreamStatus: text(r.upstream_status),
    remixedFromId: text(r.remixed_from_id),
    callbackAttempts: Number(r.callback_attempts),
    deletedAt: date(r.deleted_at),
  };
}
