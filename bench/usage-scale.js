#!/usr/bin/env node
'use strict';
/**
 * Usage reports at scale (issue 21): the summary and the logs page over N usage records (default 100
 * million), and the bytes each record costs on disk.
 *
 * 1. Creates its own database (sb_usage_scale), migrates it (prisma migrate deploy) and generates the
 *    records in the database, not through the gateway: INSERT … SELECT over generate_series through the
 *    parent table usage_records, one chunk (--chunk, default 5M rows) per transaction, each chunk adding
 *    its own sums to the usage_daily rollup in the same statement (the writer's upsert), so the rollup
 *    always matches the records and an interrupted run resumes at the next chunk. Records are written in
 *    time order over the last --days (default 90) with time-ordered (v7-shaped) ids, as the gateway writes
 *    them. Works on a plain table and on one partitioned by created_at (a missing monthly partition is
 *    created as usage_records_bench_YYYYMM when the insert finds none).
 * 2. Starts the real gateway (dist/main.js, API role, a master key) on that database and times, one
 *    request at a time after 3 warm-ups, --requests (default 30) times each: the summary for 30 days by
 *    day and model (day-aligned, then as instants), by team, by key; the logs' first page, filtered pages
 *    (key; model + status; key + model + status) and later cursor pages (the 50th page, and a page that
 *    starts 60 days back). Target: p95 ≤ 500 ms (contract §6).
 * 3. Measures bytes per record: pg_total_relation_size over usage_records' partition tree (heap, TOAST
 *    and indexes) / records; and the rollup's size.
 *
 *   node bench/usage-scale.js [--rows=100000000] [--chunk=5000000] [--days=90] [--keys=300] [--teams=30]
 *                             [--requests=30] [--keep] [--fresh] [--db=sb_usage_scale]
 *
 * Postgres and Redis on 127.0.0.1 (BENCH_SERVER_URL, default postgresql://postgres@127.0.0.1:5432;
 * BENCH_REDIS_URL). The database is kept while generation is incomplete (rerun to resume) and dropped
 * at the end unless --keep; --fresh drops it first. A different --rows than the database holds starts
 * over. Appends a markdown section to bench/results/usage-scale.md. Not part of `npm test`.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');
const { spawn, spawnSync } = require('node:child_process');
const { Client } = require('pg');
const { MODELS } = require('./lib/usage-seed');
const { pct } = require('./lib/stats');
const { freePort, stop } = require('./lib/proc');

const ROOT = path.join(__dirname, '..');
const MAIN = path.join(ROOT, 'dist/main.js');
const RESULTS = path.join(__dirname, 'results', 'usage-scale.md');
const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k, v ?? 'true'];
  }),
);
const ROWS = Number(args.rows ?? 100_000_000);
const CHUNK = Math.min(Number(args.chunk ?? 5_000_000), ROWS);
const DAYS = Number(args.days ?? 90);
const KEYS = Number(args.keys ?? 300);
const TEAMS = Number(args.teams ?? 30);
const REQUESTS = Number(args.requests ?? 30);
const KEEP = args.keep === 'true';
const DB_NAME = args.db ?? 'sb_usage_scale';
const TARGET_P95_MS = 500;
const SERVER_URL = (process.env.BENCH_SERVER_URL || 'postgresql://postgres@127.0.0.1:5432').replace(
  /\/$/,
  '',
);
const REDIS_URL = process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379';
const MASTER_KEY = `sk-sb-bench-master-${crypto.randomBytes(8).toString('hex')}`;
const DAY_MS = 86_400_000;
const log = (m) => console.log(`[usage-scale ${new Date().toISOString().slice(11, 19)}] ${m}`);
const n = (x) => Number(x).toLocaleString('en-US');

/**
 * 20 models (the chat, reasoning, embedding and image ones of the shared seed list; no video), each with
 * its endpoint and exact prices in USD per million input / output tokens (numeric in Postgres).
 */
const SCALE_MODELS = MODELS.filter(([m]) => !/^(veo|sora|kling|seedance)/.test(m)).map(
  ([model, provider]) => ({
    model,
    provider,
    endpoint: /embedding/.test(model)
      ? 'embeddings'
      : model === 'gpt-image-1'
        ? 'images.generations'
        : 'chat.completions',
    input: /mini|flash|haiku|chat|embedding/.test(model) ? '0.15' : /opus/.test(model) ? '15' : '2.5',
    output: /embedding/.test(model)
      ? '0'
      : /mini|flash|haiku|chat/.test(model)
        ? '0.6'
        : /opus/.test(model)
          ? '75'
          : '10',
    reasoning: /^o\d|reasoner/.test(model),
  }),
);

const keyId = (k) => `00000000-0000-4000-8000-${k.toString(16).padStart(12, '0')}`;

/**
 * One chunk [g0, g1) of the N records and its rollup sums, in one statement. Record g is at
 * start + g × span / N (time order, as the gateway appends them). Distributions: 5 % of the traffic on
 * the master key (no key/team), the rest over KEYS keys skewed toward the first (key k has share
 * ∝ √((k+1)/K) − √(k/K)), key k in team k mod TEAMS; each key uses 4 neighbouring models, the first
 * most; status 200 for 95.5 %, 429/400 1 % each, 500/502/503/504 2.5 % in all; prompt tokens skewed
 * (20 … 12,020), completion tokens (none on errors and embeddings), a third of the prompts half cached,
 * reasoning tokens on the reasoning models; the cost the exact numeric from the model's prices.
 */
const CHUNK_SQL = `
WITH src AS (
  SELECT g, ts, k, m, st, h,
    CASE WHEN st = 200 THEN pt ELSE CASE WHEN st >= 500 THEN pt ELSE 0 END END AS pt,
    CASE WHEN st = 200 AND ($10::text[])[m + 1] = 'chat.completions' THEN ct ELSE 0 END AS ct,
    rc, rl
  FROM (
    SELECT g, ts, k, h, rs, rc, rl, pt, ct,
      CASE WHEN k < 0 THEN floor($6::int * power(rm, 1.5))::int
           ELSE ((k * 7 + floor(rm * rm * 4)::int) % $6::int) END AS m,
      CASE WHEN rs < 0.955 THEN 200 WHEN rs < 0.965 THEN 429 WHEN rs < 0.975 THEN 400 WHEN rs < 0.985 THEN 500
           WHEN rs < 0.993 THEN 502 WHEN rs < 0.997 THEN 503 ELSE 504 END AS st
    FROM (
      SELECT g, $3::timestamptz + (g * $4::float8) * interval '1 millisecond' AS ts,
        CASE WHEN rk < 0.05 THEN -1 ELSE least(floor($5::int * power((rk - 0.05) / 0.95, 2))::int, $5::int - 1) END AS k,
        rm, rs, rc, rl, h,
        20 + floor(12000 * power(rp, 3))::int AS pt, 5 + floor(2000 * rq * rq)::int AS ct
      FROM (
        SELECT g, random() AS rk, random() AS rm, random() AS rs, random() AS rp, random() AS rq,
          random() AS rc, random() AS rl, md5(g::text) AS h
        FROM generate_series($1::bigint, $2::bigint - 1) AS g
        OFFSET 0
      ) r
      OFFSET 0
    ) a
    OFFSET 0
  ) b
), ins AS (
  INSERT INTO usage_records (id, request_id, created_at, key_id, team_id, model, deployment_id, provider, upstream_model,
    endpoint, status_code, error_type, prompt_tokens, completion_tokens, reasoning_tokens, cached_tokens, cache_write_tokens,
    images, audio_seconds, video_seconds, cost_usd, latency_ms, ttft_ms, stream, estimated)
  SELECT
    (lpad(to_hex((extract(epoch FROM ts) * 1000)::bigint), 12, '0') || '7' || substr(h, 1, 3) || '8' || substr(h, 4, 15))::uuid,
    'req_' || substr(h, 19, 12) || to_hex(g),
    ts,
    CASE WHEN k >= 0 THEN ('00000000-0000-4000-8000-' || lpad(to_hex(k), 12, '0'))::uuid END,
    CASE WHEN k >= 0 THEN ('00000000-0000-4000-9000-' || lpad(to_hex(k % $7::int), 12, '0'))::uuid END,
    ($8::text[])[m + 1],
    '00000000-0000-4000-a000-' || lpad(to_hex(m), 12, '0'),
    ($9::text[])[m + 1],
    ($8::text[])[m + 1],
    ($10::text[])[m + 1],
    st,
    CASE st WHEN 200 THEN NULL WHEN 429 THEN 'rate_limit_exceeded' WHEN 400 THEN 'invalid_request_error'
      WHEN 504 THEN 'upstream_timeout' ELSE 'upstream_error' END,
    pt, ct,
    CASE WHEN ($13::bool[])[m + 1] THEN ct / 2 ELSE 0 END,
    CASE WHEN rc < 0.33 THEN pt / 2 ELSE 0 END,
    0,
    CASE WHEN st = 200 AND ($10::text[])[m + 1] = 'images.generations' THEN 1 ELSE 0 END,
    0, 0,
    round(((pt - CASE WHEN rc < 0.33 THEN pt / 2 ELSE 0 END) * ($11::numeric[])[m + 1]
      + (CASE WHEN rc < 0.33 THEN pt / 2 ELSE 0 END) * ($11::numeric[])[m + 1] / 10
      + ct * ($12::numeric[])[m + 1]) / 1000000, 10),
    150 + floor(20000 * rl * rl)::int,
    CASE WHEN rc > 0.6 THEN 80 + floor(1500 * rl)::int END,
    rc > 0.6,
    rl < 0.01
  FROM src
  RETURNING created_at, key_id, team_id, model, provider, status_code, prompt_tokens, completion_tokens,
    reasoning_tokens, cached_tokens, images, audio_seconds, video_seconds, cost_usd
)
INSERT INTO usage_daily (day, key_id, team_id, model, provider, requests, errors, prompt_tokens, completion_tokens,
  reasoning_tokens, cached_tokens, images, audio_seconds, video_seconds, cost_usd)
SELECT (created_at AT TIME ZONE 'UTC')::date, COALESCE(key_id::text, ''), COALESCE(team_id::text, ''), model,
  COALESCE(provider, ''), count(*), count(*) FILTER (WHERE status_code >= 400), sum(prompt_tokens), sum(completion_tokens),
  sum(reasoning_tokens), sum(cached_tokens), sum(images), sum(audio_seconds), sum(video_seconds), sum(cost_usd)
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
  cost_usd = usage_daily.cost_usd + EXCLUDED.cost_usd`;

async function withClient(url, fn) {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

function migrate(url) {
  const cli = require.resolve('prisma/build/index.js', { paths: [ROOT] });
  const r = spawnSync(process.execPath, [cli, 'migrate', 'deploy'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: url, CHECKPOINT_DISABLE: '1', NO_COLOR: '1' },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`prisma migrate deploy failed: ${r.stderr || r.stdout}`);
}

/** Creates (or, with --fresh or another --rows, recreates) the database; returns the seed's progress. */
async function prepare(url) {
  const admin = `${SERVER_URL}/postgres`;
  const exists = await withClient(
    admin,
    async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [DB_NAME])).rowCount > 0,
  );
  let progress;
  if (exists && args.fresh !== 'true') {
    progress = await withClient(url, async (db) => {
      const t = await db.query(`SELECT to_regclass('bench_usage_scale_seed') IS NOT NULL AS ok`);
      return t.rows[0].ok ? (await db.query('SELECT * FROM bench_usage_scale_seed')).rows[0] : undefined;
    });
    if (progress && Number(progress.total) !== ROWS) {
      log(`${DB_NAME} holds a ${n(progress.total)}-row seed; starting over for ${n(ROWS)}`);
      progress = undefined;
    }
  }
  if (!progress) {
    await withClient(admin, async (c) => {
      await c.query(`DROP DATABASE IF EXISTS "${DB_NAME}" WITH (FORCE)`);
      await c.query(`CREATE DATABASE "${DB_NAME}"`);
    });
  }
  log(`migrating ${DB_NAME}…`);
  migrate(url);
  if (progress) return progress;
  return withClient(url, async (db) => {
    await db.query(`CREATE TABLE bench_usage_scale_seed (total bigint NOT NULL, start_at timestamptz NOT NULL,
      step_ms float8 NOT NULL, done bigint NOT NULL, seconds float8 NOT NULL DEFAULT 0, chunks jsonb NOT NULL DEFAULT '[]')`);
    const end = Date.now();
    const start = new Date(end - DAYS * DAY_MS);
    const { rows } = await db.query(
      'INSERT INTO bench_usage_scale_seed (total, start_at, step_ms, done) VALUES ($1, $2, $3, 0) RETURNING *',
      [ROWS, start, (DAYS * DAY_MS) / ROWS],
    );
    return rows[0];
  });
}

/** On a table partitioned by created_at without that month: the monthly partition the insert needs. */
async function createMonthPartitions(db, from, to) {
  for (let m = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), 1)); m < to; ) {
    const next = new Date(Date.UTC(m.getUTCFullYear(), m.getUTCMonth() + 1, 1));
    const name = `usage_records_bench_${m.toISOString().slice(0, 7).replace('-', '')}`;
    const exists = await db.query('SELECT 1 FROM pg_class WHERE relname = $1', [name]);
    if (!exists.rowCount) {
      log(`  creating partition ${name}`);
      await db.query(
        `CREATE TABLE ${name} PARTITION OF usage_records FOR VALUES FROM ('${m.toISOString()}') TO ('${next.toISOString()}')`,
      );
    }
    m = next;
  }
}

async function generate(url, progress) {
  const total = Number(progress.total);
  const start = new Date(progress.start_at);
  const step = Number(progress.step_ms);
  const chunks = progress.chunks ?? [];
  let done = Number(progress.done);
  if (done >= total) {
    log(`the ${n(total)} records are already there`);
    return;
  }
  if (done > 0) log(`resuming: ${n(done)} of ${n(total)} records there`);
  const models = SCALE_MODELS;
  await withClient(url, async (db) => {
    await db.query(`SET work_mem = '256MB'`);
    // the work happens in this connection's backend: give it the same low priority as the script
    const pid = (await db.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    spawnSync('renice', ['-n', String(os.getPriority()), '-p', String(pid)], { stdio: 'ignore' });
    log(`  (backend pid ${pid}: pg_cancel_backend(${pid}) stops the current chunk; rerun to resume)`);
    while (done < total) {
      // oldest first, in time order, as the gateway appends them (descending chunks bloat the indexes a
      // third); a run stopped early holds the oldest days, and `--partial` measures up to its newest
      const lo = done;
      const hi = Math.min(total, done + CHUNK);
      const t0 = Date.now();
      const params = [
        lo,
        hi,
        start,
        step,
        KEYS,
        models.length,
        TEAMS,
        models.map((m) => m.model),
        models.map((m) => m.provider),
        models.map((m) => m.endpoint),
        models.map((m) => m.input),
        models.map((m) => m.output),
        models.map((m) => m.reasoning),
      ];
      for (let attempt = 0; ; attempt++) {
        try {
          await db.query('BEGIN');
          await db.query(CHUNK_SQL, params);
          break;
        } catch (err) {
          await db.query('ROLLBACK');
          // 23514: no partition of usage_records for the row (a partitioned table without that month)
          const match = err.code === '23514' && /partition/i.test(err.message);
          if (!match || attempt > 3) throw err;
          await createMonthPartitions(
            db,
            new Date(start.getTime() + lo * step),
            new Date(start.getTime() + hi * step),
          );
        }
      }
      const seconds = (Date.now() - t0) / 1000;
      chunks.push({ rows: hi - lo, seconds });
      done += hi - lo;
      await db.query(
        'UPDATE bench_usage_scale_seed SET done = $1, seconds = seconds + $2, chunks = $3::jsonb',
        [done, seconds, JSON.stringify(chunks)],
      );
      await db.query('COMMIT');
      const spent = chunks.reduce((sum, c) => sum + c.seconds, 0);
      log(
        `  ${n(done)} / ${n(total)} records: chunk ${seconds.toFixed(1)} s (${n(Math.round((hi - lo) / seconds))} rows/s); ` +
          `${(spent / 60).toFixed(1)} min so far, ~${(((total - done) * spent) / done / 60).toFixed(1)} min left`,
      );
    }
    log('ANALYZE…');
    await db.query('ANALYZE usage_records');
    await db.query('ANALYZE usage_daily');
  });
}

/**
 * Heap (with TOAST), indexes and total of a table and, when it is partitioned, of every partition
 * (pg_partition_tree lists nothing for a plain table; a partitioned parent itself has no storage).
 */
async function sizes(db, table) {
  const tree = `SELECT relid FROM pg_partition_tree($1::regclass) UNION SELECT $1::regclass`;
  const { rows } = await db.query(
    `SELECT sum(pg_table_size(relid))::bigint AS heap, sum(pg_indexes_size(relid))::bigint AS indexes,
       sum(pg_total_relation_size(relid))::bigint AS total,
       (SELECT count(*) FROM pg_partition_tree($1::regclass) WHERE isleaf AND relid <> $1::regclass)::int AS leaves
     FROM (${tree}) t`,
    [table],
  );
  const idx = await db.query(
    `SELECT COALESCE(pg_partition_root(i.indexrelid), i.indexrelid)::regclass::text AS name,
       sum(pg_relation_size(i.indexrelid))::bigint AS bytes
     FROM pg_index i JOIN (${tree}) t ON t.relid = i.indrelid
     GROUP BY 1 ORDER BY 1`,
    [table],
  );
  const r = rows[0];
  return {
    heap: Number(r.heap),
    indexes: Number(r.indexes),
    total: Number(r.total),
    leaves: r.leaves,
    perIndex: idx.rows.map((i) => ({ name: i.name, bytes: Number(i.bytes) })),
  };
}

async function waitReady(base, child) {
  const until = Date.now() + 120_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`gateway exited with ${child.exitCode}: ${child.tail}`);
    try {
      if ((await fetch(`${base}/health/ready`)).status === 200) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`gateway did not become ready: ${child.tail}`);
}

async function get(base, pathAndQuery) {
  const r = await fetch(`${base}${pathAndQuery}`, { headers: { authorization: `Bearer ${MASTER_KEY}` } });
  const body = await r.json();
  if (r.status !== 200)
    throw new Error(`${pathAndQuery} answered ${r.status}: ${JSON.stringify(body).slice(0, 300)}`);
  return body;
}

/** 3 warm-ups, then REQUESTS sequential timings (client-side wall time, body read). */
async function time(base, pathAndQuery) {
  let body;
  for (let i = 0; i < 3; i++) body = await get(base, pathAndQuery);
  const ms = [];
  for (let i = 0; i < REQUESTS; i++) {
    const t0 = performance.now();
    await get(base, pathAndQuery);
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return {
    p50: pct(ms, 50),
    p95: pct(ms, 95),
    max: ms[ms.length - 1],
    rows: body.data.length,
    body,
  };
}

async function measure(url, progress) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      DATABASE_URL: url,
      REDIS_URL,
      SWITCHBOARD_REDIS_PREFIX: `sbbench-scale-${crypto.randomBytes(4).toString('hex')}`,
      SWITCHBOARD_MASTER_KEY: MASTER_KEY,
      SWITCHBOARD_ENCRYPTION_KEY: crypto.randomBytes(32).toString('base64'),
      SWITCHBOARD_ROLE: 'api',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
    },
  });
  child.tail = '';
  const keep = (d) => (child.tail = (child.tail + d).slice(-3000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  try {
    await waitReady(base, child);
    // "now" is the newest record's time: the present after a whole seed, earlier after a partial one
    const now = Math.min(
      Date.now(),
      new Date(progress.start_at).getTime() + Number(progress.done) * Number(progress.step_ms),
    );
    const today = new Date(Math.floor(now / DAY_MS) * DAY_MS);
    // the logs pages up to the newest record (the present, unless the seed is partial: then its end, so
    // that the pages read the newest days as the whole seed's would)
    const upTo = `to=${encodeURIComponent(new Date(now + 1).toISOString())}`;
    const from30 = new Date(today.getTime() - 30 * DAY_MS);
    const d = (x) => x.toISOString().slice(0, 10);
    const range = `from=${d(from30)}&to=${d(today)}`;
    const instants = `from=${encodeURIComponent(new Date(now - 30 * DAY_MS).toISOString())}&to=${encodeURIComponent(new Date(now).toISOString())}`;
    // a key of middling traffic (rank 37 of KEYS) and its most used model
    const k = Math.min(37, KEYS - 1);
    const model = SCALE_MODELS[(k * 7) % SCALE_MODELS.length].model;
    // a model the key never calls (it uses the 4 from k × 7): no page fills, every window is read
    const unused = SCALE_MODELS[(k * 7 + 10) % SCALE_MODELS.length].model;
    const key = keyId(k);
    const cases = [
      [
        'summary, 30 days by day and model',
        'usage_daily',
        `/admin/usage/summary?${range}&group_by=day,model`,
      ],
      [
        'summary, 30 days as instants, by day and model',
        'usage_daily + usage_records (two partial days)',
        `/admin/usage/summary?${instants}&group_by=day,model`,
      ],
      ['summary, 30 days by team', 'usage_daily', `/admin/usage/summary?${range}&group_by=team`],
      ['summary, 30 days by key', 'usage_daily', `/admin/usage/summary?${range}&group_by=key`],
      [
        'summary, 30 days by day and model, one key',
        'usage_daily',
        `/admin/usage/summary?${range}&group_by=day,model&key_id=${key}`,
      ],
      ['logs, first page', 'usage_records', `/admin/usage/logs?${upTo}`],
      ['logs, one key', 'usage_records', `/admin/usage/logs?key_id=${key}&${upTo}`],
      ['logs, one model, 5xx', 'usage_records', `/admin/usage/logs?model=${model}&status=5xx&${upTo}`],
      [
        'logs, one key + model + 5xx',
        'usage_records',
        `/admin/usage/logs?key_id=${key}&model=${model}&status=5xx&${upTo}`,
      ],
      [
        `logs, one key + a model it never calls (${unused}: empty)`,
        'usage_records',
        `/admin/usage/logs?key_id=${key}&model=${unused}&${upTo}`,
      ],
      ['logs, one key, 30 days, 429', 'usage_records', `/admin/usage/logs?key_id=${key}&${range}&status=429`],
    ];
    // later pages: the 50th page of the unfiltered list, and a page starting 60 days back
    let cursor;
    for (let i = 0; i < 49; i++)
      cursor = (await get(base, `/admin/usage/logs${cursor ? `?cursor=${cursor}` : ''}`)).next_cursor;
    cases.push(['logs, 50th page (cursor)', 'usage_records', `/admin/usage/logs?cursor=${cursor}`]);
    // 60 days back (or fewer on a shorter seed), or half the seeded days of a partial seed
    const seededDays = (DAYS * Number(progress.done)) / Number(progress.total);
    const backDays = Math.min(
      60,
      Math.floor(progress.done < progress.total ? seededDays / 2 : seededDays - 1),
    );
    const back = Buffer.from(
      JSON.stringify({
        t: new Date(now - backDays * DAY_MS).toISOString(),
        id: 'ffffffff-ffff-7fff-bfff-ffffffffffff',
      }),
    ).toString('base64url');
    cases.push([
      `logs, a page ${backDays} days back (cursor)`,
      'usage_records',
      `/admin/usage/logs?cursor=${back}`,
    ]);
    cases.push([
      `logs, one key, a page ${backDays} days back`,
      'usage_records',
      `/admin/usage/logs?key_id=${key}&cursor=${back}`,
    ]);
    const results = [];
    for (const [name, source, q] of cases.filter(([name]) => !args.only || name.includes(args.only))) {
      const r = await time(base, q);
      log(
        `  ${name}: p50 ${r.p50.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms, max ${r.max.toFixed(1)} ms (${r.rows} rows)`,
      );
      results.push({ name, source, q, ...r });
    }
    // the summary's totals against the rollup's own and the records' count
    const check = await withClient(url, async (db) => {
      const rollup = (await db.query('SELECT sum(requests)::bigint AS n FROM usage_daily')).rows[0];
      const inRange = (
        await db.query(
          'SELECT sum(requests)::bigint AS n, sum(cost_usd)::text AS cost FROM usage_daily WHERE day >= $1 AND day < $2',
          [d(from30), d(today)],
        )
      ).rows[0];
      return { rollupRequests: Number(rollup.n), inRange };
    });
    if (check.rollupRequests !== Number(progress.done))
      throw new Error(`usage_daily counts ${check.rollupRequests} requests, the seed wrote ${progress.done}`);
    const s = results.find((r) => r.name === cases[0][0])?.body.totals;
    if (s && s.requests !== Number(check.inRange.n))
      throw new Error(`summary counts ${s.requests} requests, usage_daily ${check.inRange.n}`);
    return { results, range, key, model, inRange: check.inRange };
  } finally {
    await stop(child);
  }
}

async function main() {
  if (!Number.isInteger(ROWS) || ROWS < 1000) throw new Error('--rows must be an integer ≥ 1000');
  if (!fs.existsSync(MAIN)) throw new Error('dist/main.js is missing (npx tsc -p tsconfig.build.json)');
  const url = `${SERVER_URL}/${DB_NAME}`;
  const progress = await prepare(url);
  if (args.partial === 'true') log('--partial: measuring the records there are');
  else await generate(url, progress);
  const seed = await withClient(
    url,
    async (db) => (await db.query('SELECT * FROM bench_usage_scale_seed')).rows[0],
  );
  log('measuring sizes…');
  const disk = await withClient(url, async (db) => ({
    pg: (await db.query('SHOW server_version')).rows[0].server_version,
    records: await sizes(db, 'usage_records'),
    rollup: await sizes(db, 'usage_daily'),
    rollupRows: Number((await db.query('SELECT count(*)::bigint AS n FROM usage_daily')).rows[0].n),
    partitioned:
      (await db.query(`SELECT relkind FROM pg_class WHERE oid = 'usage_records'::regclass`)).rows[0]
        .relkind === 'p',
  }));
  log('timing the reports through the gateway…');
  const timing = await measure(url, seed);
  const df = spawnSync('df', ['-h', '/work'], { encoding: 'utf8' }).stdout.trim().split('\n').pop();
  const md = render(seed, disk, timing, df);
  fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
  fs.appendFileSync(RESULTS, md);
  console.log(`\n${md}`);
  log(`appended to ${path.relative(ROOT, RESULTS)}`);
  if (!KEEP) {
    await withClient(`${SERVER_URL}/postgres`, (c) =>
      c.query(`DROP DATABASE IF EXISTS "${DB_NAME}" WITH (FORCE)`),
    );
    log(`dropped ${DB_NAME}`);
  } else log(`kept ${DB_NAME}`);
  if (timing.results.some((r) => r.p95 > TARGET_P95_MS)) process.exitCode = 2;
}

const mib = (b) => `${(b / 1024 ** 2).toFixed(1)} MiB`;
const gib = (b) => `${(b / 1024 ** 3).toFixed(2)} GiB`;
const ms = (x) => x.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

function render(seed, disk, timing, df) {
  const rows = Number(seed.done);
  const total = Number(seed.total);
  const secs = Number(seed.seconds);
  const { records, rollup } = disk;
  const partial =
    rows < total
      ? ` (partial: ${n(rows)} of a ${n(total)}-record seed, i.e. the oldest ${((DAYS * rows) / total).toFixed(1)} days at the density of ${n(total)} records over ${DAYS} days)`
      : '';
  return [
    `## ${n(rows)} usage records${partial} — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}, shared with other work), ${Math.round(os.totalmem() / 1024 ** 3)} GB RAM, PostgreSQL ${disk.pg} ` +
      `(stock settings), Node ${process.version}. usage_records ${disk.partitioned ? `partitioned (${records.leaves} partitions)` : 'a plain table'}.`,
    '',
    `**Generation** (in the database, \`nice -n 10\`-able, ${n(CHUNK)} rows per statement with their usage_daily upsert): ` +
      `${n(rows)} records in ${(secs / 60).toFixed(1)} min, **${n(Math.round(rows / secs))} rows/s**; ` +
      `chunks: ${seed.chunks.map((c) => `${Math.round(c.rows / c.seconds / 1000)}k`).join(', ')} rows/s. ` +
      `${DAYS} days, ${KEYS} keys in ${TEAMS} teams (5 % master key), ${SCALE_MODELS.length} models, 95.5 % status 200.`,
    '',
    '**On disk** (usage_records: heap with TOAST plus every index, over the partition tree):',
    '',
    '| | total | bytes / record |',
    '| --- | ---: | ---: |',
    `| heap | ${gib(records.heap)} | ${(records.heap / rows).toFixed(1)} |`,
    ...records.perIndex.map((i) => `| index ${i.name} | ${gib(i.bytes)} | ${(i.bytes / rows).toFixed(1)} |`),
    `| **table + indexes** | **${gib(records.total)}** | **${(records.total / rows).toFixed(1)}** |`,
    `| usage_daily (${n(disk.rollupRows)} rows) | ${mib(rollup.total)} | ${(rollup.total / rows).toFixed(2)} |`,
    '',
    `\`df -h /work\` after: \`${df.replace(/\s+/g, ' ')}\``,
    '',
    `**Latency** through the gateway (API role, master key), one request at a time, 3 warm-ups then ${REQUESTS} timed; ` +
      `30 days = \`${timing.range}\` (${n(timing.inRange.n)} records, $${timing.inRange.cost}); key = rank 37 (\`${timing.key}\`), model = ${timing.model}.`,
    '',
    '| query | reads | rows | p50 ms | p95 ms | max ms | p95 ≤ 500 ms |',
    '| --- | --- | ---: | ---: | ---: | ---: | :---: |',
    ...timing.results.map(
      (r) =>
        `| ${r.name} | ${r.source} | ${r.rows} | ${ms(r.p50)} | ${ms(r.p95)} | ${ms(r.max)} | ${r.p95 <= TARGET_P95_MS ? '✅' : '❌'} |`,
    ),
    '',
    '',
  ].join('\n');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
