import type { VideoTaskRow } from '../video-task.store';
import type { VideoTaskAdminResponse } from './dto/video-task-admin.response';

/**
 * A task row as the admin API shows it: money and seconds as decimal strings, times as ISO text. The
 * request (it may hold image data) is left out, and the callback URL shows only its origin and path.
 */
export function videoTaskAdminView(row: VideoTaskRow): VideoTaskAdminResponse {
  return {
    id: row.id,
    status: row.status,
    progress: row.progress,
    model: row.model,
    provider: row.provider,
    deployment_id: row.deploymentId,
    upstream_model: row.upstreamModel,
    upstream_task_id: row.upstreamTaskId,
    upstream_status: row.upstreamStatus,
    dialect: row.dialect,
    key_id: row.keyId,
    team_id: row.teamId,
    seconds: row.seconds?.toFixed() ?? null,
    size: row.size,
    resolution: row.resolution,
    settlement: row.settlement,
    reserved_usd: row.reservedUsd.toFixed(),
    cost_usd: row.costUsd?.toFixed() ?? null,
    error: errorOf(row.error),
    poll_count: row.pollCount,
    next_poll_at: row.nextPollAt?.toISOString() ?? null,
    has_callback: row.callbackUrl !== null && row.callbackUrl !== '',
    callback_origin: row.callbackUrl ? callbackOriginOf(row.callbackUrl) : null,
    created_at: row.createdAt.toISOString(),
    completed_at: row.completedAt?.toISOString() ?? null,
    settled_at: row.settledAt?.toISOString() ?? null,
  };
}

/**
 * The origin and path of a callback URL, without query, fragment or credentials (any of them may
 * carry a token); null when the text is not a URL.
 */
export function callbackOriginOf(url: string): string | null {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return null;
  }
}

/** The stored error, when it has the `{code, message}` shape the task table writes. */
function errorOf(value: unknown): { code: string; message: string } | null {
  if (value === null || typeof value !== 'object') return null;
  const e = value as { code?: unknown; message?: unknown };
  return {
    code: typeof e.code === 'string' ? e.code : 'unknown',
    message: typeof e.message === 'string' ? e.message : '',
  };
}
