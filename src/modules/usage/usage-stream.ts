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
  if (!raw || typeof raw !== 'object' || typeof raw.id !== 'string') throw new Error('not a usage event');
  return { ...raw, createdAt: new Date(raw.createdAt) };
}

type RecordColumn = readonly [name: string, sqlType: string, value: (e: UsageEvent) => unknown];

/**
 * usage_records' columns as the insert receives them: one array parameter per column (`unnest` reads
 * them several times cheaper than Postgres parses the same rows as JSON). `created_at` goes as epoch
 * milliseconds and is converted in SQL; amounts as decimal strings into NUMERIC, never a float.
 */
const RECORD_COLUMNS: readonly RecordColumn[] = [
  ['id', 'uuid', (e) => e.id],
  ['request_id', 'text', (e) => e.requestId],
  ['created_ms', 'bigint', (e) => e.createdAt.getTime()],
  ['key_id', 'uuid', (e) => e.keyId ?? null],
  ['team_id', 'uuid', (e) => e.teamId ?? null],
  ['model', 'text', (e) => e.model],
  ['deployment_id', 'text', (e) => e.deploymentId ?? null],
  ['provider', 'text', (e) => e.provider ?? null],
  ['upstream_model', 'text', (e) => e.upstreamModel ?? null],
  ['endpoint', 'text', (e) => e.endpoint],
  ['status_code', 'int', (e) => e.statusCode],
  ['error_type', 'text', (e) => e.errorType ?? null],
  ['prompt_tokens', 'int', (e) => e.usage?.promptTokens ?? 0],
  ['completion_tokens', 'int', (e) => e.usage?.completionTokens ?? 0],
  ['reasoning_tokens', 'int', (e) => e.usage?.reasoningTokens ?? 0],
  ['cached_tokens', 'int', (e) => e.usage?.cachedTokens ?? 0],
  ['cache_write_tokens', 'int', (e) => e.usage?.cacheWriteTokens ?? 0],
  ['images', 'int', (e) => e.images ?? 0],
  ['audio_seconds', 'numeric', (e) => e.audioSeconds ?? '0'],
  ['video_seconds', 'numeric', (e) => e.videoSeconds ?? '0'],
  ['cost_usd', 'numeric', (e) => e.costUsd || '0'],
  ['latency_ms', 'int', (e) => e.latencyMs],
  ['ttft_ms', 'int', (e) => e.ttftMs ?? null],
  ['stream', 'boolean', (e) => e.stream],
  ['estimated', 'boolean', (e) => e.usage?.estimated ?? false],
];

/** Inside a quoted array element, `"` and `\` are escaped with a backslash. */
const ARRAY_SPECIAL = /["\\]/;
const ARRAY_SPECIALS = /["\\]/g;

/**
 * The parameters of INSERT_USAGE_SQL for a batch: one Postgres array literal per column, in
 * RECORD_COLUMNS' order (built here in one pass per column; pg's generic array encoding cost the writer
 * more than the rest of a batch).
 */
export function usageInsertParams(events: readonly UsageEvent[]): string[] {
  return RECORD_COLUMNS.map(([, , value]) => {
    let out = '{';
    for (let r = 0; r < events.length; r++) {
      if (r > 0) out += ',';
      const v = value(events[r]);
      if (v === null || v === undefined) out += 'NULL';
      else {
        const text = String(v);
        out += ARRAY_SPECIAL.test(text) ? `"${text.replace(ARRAY_SPECIALS, '\\$&')}"` : `"${text}"`;
      }
    }
    return `${out}}`;
  });
}

const RECORD_SOURCE = `unnest(${RECORD_COLUMNS.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')})
    AS x(${RECORD_COLUMNS.map(([name]) => name).join(', ')})`;

/**
 * One statement: insert the batch, skipping ids already written, and add exactly the inserted rows to
 * the daily rollup. The parameters are `usageInsertParams`. Returns the number of rows inserted.
 * Amounts stay NUMERIC end to end.
 */
export const INSERT_USAGE_SQL = `
WITH src AS (
  SELECT * FROM ${RECORD_SOURCE}
), ins AS (
  INSERT INTO usage_records (id, request_id, created_at, key_id, team_id, model, deployment_id, provider,
    upstream_model, endpoint, status_code, error_type, prompt_tokens, completion_tokens, reasoning_tokens,
    cached_tokens, cache_write_tokens, images, audio_seconds, video_seconds, cost_usd, latency_ms, ttft_ms,
    stream, estimated)
  SELECT id, request_id, timestamptz 'epoch' + created_ms * interval '1 millisecond', key_id, team_id, model,
    deployment_id, provider, upstream_model, endpoint,
    status_code, error_type, prompt_tokens, completion_tokens, reasoning_tokens, cached_tokens,
    cache_write_tokens, images, audio_seconds, video_seconds, cost_usd, latency_ms, ttft_ms, stream, estimated
  FROM src
  ON CONFLICT (id, created_at) DO NOTHING
  RETURNING created_at, key_id, team_id, model, provider, status_code, prompt_tokens, completion_tokens,
    reasoning_tokens, cached_tokens, images, audio_seconds, video_seconds, cost_usd
), rolled AS (
  INSERT INTO usage_daily (day, key_id, team_id, model, provider, requests, errors, prompt_tokens,
    completion_tokens, reasoning_tokens, cached_tokens, images, audio_seconds, video_seconds, cost_usd)
  SELECT (created_at AT TIME ZONE 'UTC')::date, COALESCE(key_id::text, ''), COALESCE(team_id::text, ''), model,
    COALESCE(provider, ''), count(*), count(*) FILTER (WHERE status_code >= 400), sum(prompt_tokens),
    sum(completion_tokens), sum(reasoning_tokens), sum(cached_tokens), sum(images), sum(audio_seconds),
    sum(video_seconds), sum(cost_usd)
  FROM ins GROUP BY 1, 2, 3, 4, 5
  ON CONFLICT (day, key_id, team_id, model, provider) DO UPDATE SET
    requests = usage_daily.requests + EXCLUDED.requests,
    errors = usage_daily.errors + EXCLUDED.errors,
    prompt_tokens = usage_daily.prompt_tokens + EXCLUDED.prompt_tokens,
    completion_tokens = usage_daily.completion_tokens + EXCLUDED.completion_tokens,
    reasoning_tokens = usage_daily.reasoning_tokens + EXCLUDED.reasoning_tokens,
    cached_tokens = usage_daily.cached_tokens + EXCLUDED.cached_tokens,
    images = usage_daily.images + EXCLUDED.images,
    audio_seconds = usage_daily.audio_seconds + EXCLUDED.audio_seconds,
    video_seconds = usage_daily.video_seconds + EXCLUDED.video_seconds,
    cost_usd = usage_daily.cost_usd + EXCLUDED.cost_usd
  RETURNING 1
)
SELECT (SELECT count(*) FROM ins)::int AS inserted, (SELECT count(*) FROM rolled)::int AS groups`;
