import type { UsageEvent } from './usage-event';

/** The Redis stream usage events wait in until the writer has them in Postgres. */
export function usageStreamKey(prefix: string): string {
  return `${prefix}:usage:events`;
}

export const USAGE_GROUP = 'usage-writers';

/** JSON of the event; `createdAt` goes as epoch milliseconds (Date#toJSON's ISO text costs more than the rest). */
export function serializeUsageEvent(e: UsageEvent): string {
  return JSON.stringify({ ...e, createdAt: e.createdAt.getTime() });
}

/** Reads what serializeUsageEvent wrote (also the ISO text earlier versions wrote for `createdAt`). */
export function parseUsageEvent(text: string): UsageEvent {
  const raw = JSON.parse(text) as UsageEvent & { createdAt: string | number };
  return { ...raw, createdAt: new Date(raw.createdAt) };
}

/** One usage_records row, snake_case, as `jsonb_to_recordset` reads it. */
export function toRecordRow(e: UsageEvent): Record<string, unknown> {
  const u = e.usage;
  return {
    id: e.id,
    request_id: e.requestId,
    created_at: e.createdAt.toISOString(),
    key_id: e.keyId ?? null,
    team_id: e.teamId ?? null,
    model: e.model,
    deployment_id: e.deploymentId ?? null,
    provider: e.provider ?? null,
    upstream_model: e.upstreamModel ?? null,
    endpoint: e.endpoint,
    status_code: e.statusCode,
    error_type: e.errorType ?? null,
    prompt_tokens: u?.promptTokens ?? 0,
    completion_tokens: u?.completionTokens ?? 0,
    reasoning_tokens: u?.reasoningTokens ?? 0,
    cached_tokens: u?.cachedTokens ?? 0,
    cache_write_tokens: u?.cacheWriteTokens ?? 0,
    images: e.images ?? 0,
    audio_seconds: e.audioSeconds ?? '0',
    video_seconds: e.videoSeconds ?? '0',
    cost_usd: e.costUsd || '0',
    latency_ms: e.latencyMs,
    ttft_ms: e.ttftMs ?? null,
    stream: e.stream,
    estimated: u?.estimated ?? false,
  };
}

/**
 * One statement: insert the batch, skipping ids already written, and add exactly the inserted rows to
 * the daily rollup. `$1` is the batch as a JSON array of `toRecordRow` objects. Returns the number of
 * rows inserted. Amounts stay NUMERIC end to end (the JSON carries them as decimal strings).
 */
export const INSERT_USAGE_SQL = `
WITH src AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(
    id uuid, request_id text, created_at timestamptz, key_id uuid, team_id uuid, model text,
    deployment_id text, provider text, upstream_model text, endpoint text, status_code int, error_type text,
    prompt_tokens int, completion_tokens int, reasoning_tokens int, cached_tokens int, cache_write_tokens int,
    images int, audio_seconds numeric, video_seconds numeric, cost_usd numeric, latency_ms int, ttft_ms int,
    stream boolean, estimated boolean)
), ins AS (
  INSERT INTO usage_records (id, request_id, created_at, key_id, team_id, model, deployment_id, provider,
    upstream_model, endpoint, status_code, error_type, prompt_tokens, completion_tokens, reasoning_tokens,
    cached_tokens, cache_write_tokens, images, audio_seconds, video_seconds, cost_usd, latency_ms, ttft_ms,
    stream, estimated)
  SELECT id, request_id, created_at, key_id, team_id, model, deployment_id, provider, upstream_model, endpoint,
    status_code, error_type, prompt_tokens, completion_tokens, reasoning_tokens, cached_tokens,
    cache_write_tokens, images, audio_seconds, video_seconds, cost_usd, latency_ms, ttft_ms, stream, estimated
  FROM src
  ON CONFLICT (id) DO NOTHING
  RETURNING created_at, key_id, team_id, model, provider, status_code, prompt_tokens, completion_tokens,
    reasoning_tokens, cached_tokens, video_seconds, cost_usd
), rolled AS (
  INSERT INTO usage_daily (day, key_id, team_id, model, provider, requests, errors, prompt_tokens,
    completion_tokens, reasoning_tokens, cached_tokens, video_seconds, cost_usd)
  SELECT (created_at AT TIME ZONE 'UTC')::date, COALESCE(key_id::text, ''), COALESCE(team_id::text, ''), model,
    COALESCE(provider, ''), count(*), count(*) FILTER (WHERE status_code >= 400), sum(prompt_tokens),
    sum(completion_tokens), sum(reasoning_tokens), sum(cached_tokens), sum(video_seconds), sum(cost_usd)
  FROM ins GROUP BY 1, 2, 3, 4, 5
  ON CONFLICT (day, key_id, team_id, model, provider) DO UPDATE SET
    requests = usage_daily.requests + EXCLUDED.requests,
    errors = usage_daily.errors + EXCLUDED.errors,
    prompt_tokens = usage_daily.prompt_tokens + EXCLUDED.prompt_tokens,
    completion_tokens = usage_daily.completion_tokens + EXCLUDED.completion_tokens,
    reasoning_tokens = usage_daily.reasoning_tokens + EXCLUDED.reasoning_tokens,
    cached_tokens = usage_daily.cached_tokens + EXCLUDED.cached_tokens,
    video_seconds = usage_daily.video_seconds + EXCLUDED.video_seconds,
    cost_usd = usage_daily.cost_usd + EXCLUDED.cost_usd
  RETURNING 1
)
SELECT (SELECT count(*) FROM ins)::int AS inserted, (SELECT count(*) FROM rolled)::int AS groups`;
