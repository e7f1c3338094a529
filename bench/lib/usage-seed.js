'use strict';
/** What the usage benches seed usage_records with (report-latency.js, usage-row-size.js). */

/** 24 models over 7 providers: [model, provider]. */
const MODELS = [
  ['gpt-4o', 'openai'],
  ['gpt-4o-mini', 'openai'],
  ['gpt-4.1', 'openai'],
  ['gpt-4.1-mini', 'openai'],
  ['o3-mini', 'openai'],
  ['o4-mini', 'openai'],
  ['claude-sonnet-4', 'anthropic'],
  ['claude-haiku-3.5', 'anthropic'],
  ['claude-opus-4', 'anthropic'],
  ['claude-3.7-sonnet', 'anthropic'],
  ['gemini-2.5-flash', 'gemini'],
  ['gemini-2.5-pro', 'gemini'],
  ['gemini-2.0-flash', 'gemini'],
  ['gemini-2.5-flash-lite', 'gemini'],
  ['deepseek-chat', 'deepseek'],
  ['deepseek-reasoner', 'deepseek'],
  ['veo-3', 'gemini'],
  ['sora-2', 'openai'],
  ['kling-v2', 'kling'],
  ['seedance-1-pro', 'seedance'],
  ['text-embedding-3-small', 'openai'],
  ['gpt-image-1', 'openai'],
  ['gemini-embedding-001', 'gemini'],
  ['azure-gpt-4o', 'azure-openai'],
];

/**
 * The usage_daily rollup built from the whole of usage_records with the writer's own grouping and sums
 * (usage-stream.ts): one row per UTC day, key, team, model and provider ('' for none), errors = status ≥ 400.
 */
const ROLLUP_FROM_RECORDS_SQL = `INSERT INTO usage_daily (day, key_id, team_id, model, provider, requests, errors,
    prompt_tokens, completion_tokens, reasoning_tokens, cached_tokens, images, audio_seconds, video_seconds, cost_usd)
  SELECT (created_at AT TIME ZONE 'UTC')::date, COALESCE(key_id::text, ''), COALESCE(team_id::text, ''), model,
    COALESCE(provider, ''), count(*), count(*) FILTER (WHERE status_code >= 400), sum(prompt_tokens), sum(completion_tokens),
    sum(reasoning_tokens), sum(cached_tokens), sum(images), sum(audio_seconds), sum(video_seconds), sum(cost_usd)
  FROM usage_records GROUP BY 1, 2, 3, 4, 5`;

module.exports = { MODELS, ROLLUP_FROM_RECORDS_SQL };
