#!/usr/bin/env node
'use strict';
/**
 * Usage-report latency at 1,000,000 records (contract §6: p95 ≤ 500 ms for 30 days grouped by day and
 * model). Seeds a dedicated database with 1M usage_records spread over the last 45 days, and the
 * usage_daily rollup built from them exactly as the writer maintains it (one row per UTC day, key,
 * team, model and provider; '' for none; errors = status ≥ 400), then times
 *   GET /admin/usage/summary?from=<30 days ago>&to=<today>&group_by=day,model
 * through the real gateway (dist/main.js, API role), one request at a time, after a warm-up. Also
 * times the same range given as instants that are not day-aligned (whole days from the rollup, the two
 * partial days from usage_records), and checks both answers' totals against the raw table.
 *
 *   node bench/report-latency.js [--requests=50] [--records=1000000] [--keys=500] [--reseed]
 *
 * Needs Postgres and Redis on 127.0.0.1 (BENCH_REPORT_DATABASE_URL, default
 * postgresql://postgres@127.0.0.1:5432/switchboard_bench_report; BENCH_REDIS_URL). The seed is kept
 * between runs (re-seeded when the record count differs, or with --reseed). Prints a markdown table and
 * appends it to bench/results/report-latency.md.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');
const { spawn, spawnSync } = require('node:child_process');
const { Client } = require('pg');
const { MODELS, ROLLUP_FROM_RECORDS_SQL } = require('./lib/usage-seed');

const ROOT = path.join(__dirname, '..');
const MAIN = path.join(ROOT, 'dist/main.js');
const RESULTS = path.join(__dirname, 'results', 'report-latency.md');
const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const REQUESTS = Number(args.requests ?? 50);
const RECORDS = Number(args.records ?? 1_000_000);
const KEYS = Number(args.keys ?? 500);
const DATABASE_URL =
  process.env.BENCH_REPORT_DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/switchboard_bench_report';
const REDIS_URL = process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379';
const MASTER_KEY = `sk-sb-bench-master-${crypto.randomBytes(8).toString('hex')}`;
const TARGET_P95_MS = 500;
const log = (m) => console.log(`[report-latency] ${m}`);

/**
 * 1M records in one INSERT … SELECT over generate_series: uniform over the last 45 days; `KEYS` keys in
 * 50 teams (a tenth of the traffic has no key: master key); each key uses 3 neighbouring models; 3 %
 * errors; integer token counts; cost a decimal from the tokens. The rollup is then built from the raw
 * table with the writer's own grouping and sums.
 */
async function seed(db) {
  log(
    `seeding ${RECORDS.toLocaleString('en-US')} usage_records over 45 days (${KEYS} keys, 50 teams, ${MODELS.length} models)…`,
  );
  const t0 = Date.now();
  await db.query('TRUNCATE usage_records, usage_daily');
  const models = MODELS.map(([m]) => m);
  const providers = MODELS.map(([, p]) => p);
  await db.query(
    `INSERT INTO usage_records (id, request_id, created_at, key_id, team_id, model, deployment_id, provider, upstream_model,
       endpoint, status_code, error_type, prompt_tokens, completion_tokens, reasoning_tokens, cached_tokens, cache_write_tokens,
       images, audio_seconds, video_seconds, cost_usd, latency_ms, ttft_ms, stream, estimated)
     SELECT gen_random_uuid(), 'seed-' || g, ts,
       CASE WHEN k < 0 THEN NULL ELSE ('00000000-0000-4000-8000-' || lpad(to_hex(k), 12, '0'))::uuid END,
       CASE WHEN k < 0 THEN NULL ELSE ('00000000-0000-4000-9000-' || lpad(to_hex(k % 50), 12, '0'))::uuid END,
       ($1::text[])[m + 1], 'dep-' || m, ($2::text[])[m + 1], ($1::text[])[m + 1],
       'chat.completions', CASE WHEN err THEN 502 ELSE 200 END, CASE WHEN err THEN 'upstream_error' END,
       pt, ct, ct / 10, pt / 4, 0, 0, 0, 0,
       round((pt * 0.15 + ct * 0.6) / 1e6, 10), 200 + (g % 5000), 50 + (g % 700), g % 3 = 0, g % 97 = 0
     FROM (
       SELECT g,
         now() - (random() * interval '45 days') AS ts,
         CASE WHEN g % 10 = 0 THEN -1 ELSE (hashint(g) % $3::int) END AS k,
         random() < 0.03 AS err,
         (50 + (hashint(g * 7) % 4000))::int AS pt,
         (10 + (hashint(g * 13) % 1500))::int AS ct
       FROM generate_series(1, $4::int) AS g
     ) s, LATERAL (SELECT (CASE WHEN k < 0 THEN hashint(g * 3) % $5::int ELSE (k * 7 + hashint(g * 3) % 3) % $5::int END)::int AS m) mm`,
    [models, providers, KEYS, RECORDS, models.length],
  );
  log(`  usage_records: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const t1 = Date.now();
  // the writer's rollup (usage-stream.ts INSERT_USAGE_SQL), applied to the whole table at once
  await db.query(ROLLUP_FROM_RECORDS_SQL);
  await db.query('ANALYZE usage_records');
  await db.query('ANALYZE usage_daily');
  log(`  usage_daily: ${((Date.now() - t1) / 1000).toFixed(1)} s`);
}

/** A deterministic int hash for the seed (Postgres has no built-in one that is stable across versions). */
async function ensureHashFn(db) {
  await db.query(`CREATE OR REPLACE FUNCTION hashint(x bigint) RETURNS bigint LANGUAGE sql IMMUTABLE AS
    $$ SELECT (((x * 2654435761) % 4294967296) + 4294967296) % 4294967296 $$`);
}

async function waitReady(base, child) {
  const until = Date.now() + 60_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`gateway exited with ${child.exitCode}: ${child.tail}`);
    try {
      if ((await fetch(`${base}/health/ready`)).status === 200) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`gateway did not become ready: ${child.tail}`);
}

function freePort() {
  const net = require('node:net');
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** A decimal string without trailing zeros ("1.2300" → "1.23"), for exact comparison. */
const decimal = (s) =>
  String(s).includes('.') ? String(s).replace(/0+$/, '').replace(/\.$/, '') : String(s);
const pct = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];

async function time(url, n) {
  const headers = { authorization: `Bearer ${MASTER_KEY}` };
  let last;
  for (let i = 0; i < 3; i++) {
    const r = await fetch(url, { headers });
    last = await r.json();
    if (r.status !== 200)
      throw new Error(`${url} answered ${r.status}: ${JSON.stringify(last).slice(0, 300)}`);
  }
  const ms = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const r = await fetch(url, { headers });
    await r.arrayBuffer();
    ms.push(performance.now() - t0);
    if (r.status !== 200) throw new Error(`${url} answered ${r.status}`);
  }
  ms.sort((a, b) => a - b);
  return { p50: pct(ms, 50), p95: pct(ms, 95), p99: pct(ms, 99), max: ms[ms.length - 1], body: last };
}

async function main() {
  spawnSync(process.execPath, [path.join(ROOT, 'scripts/build-if-needed.js')], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (!fs.existsSync(MAIN)) throw new Error('dist/main.js is missing (npm run build)');

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      DATABASE_URL,
      REDIS_URL,
      SWITCHBOARD_REDIS_PREFIX: `sbbench-report-${crypto.randomBytes(4).toString('hex')}`,
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
    await waitReady(base, child); // it creates and migrates the database
    const db = new Client({ connectionString: DATABASE_URL });
    await db.connect();
    try {
      await ensureHashFn(db);
      const have = Number((await db.query('SELECT count(*)::int AS n FROM usage_records')).rows[0].n);
      if (have !== RECORDS || 'reseed' in args) await seed(db);
      else log(`reusing the seeded ${have.toLocaleString('en-US')} records (--reseed to rebuild)`);

      const today = new Date().toISOString().slice(0, 10);
      const from = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
      const raw = (
        await db.query(
          'SELECT count(*)::int AS n, COALESCE(sum(cost_usd), 0)::text AS cost FROM usage_records WHERE created_at >= $1::date AND created_at < $2::date',
          [from, today],
        )
      ).rows[0];
      const rollupRows = Number((await db.query('SELECT count(*)::int AS n FROM usage_daily')).rows[0].n);
      const aligned = await time(
        `${base}/admin/usage/summary?from=${from}&to=${today}&group_by=day,model`,
        REQUESTS,
      );
      if (
        aligned.body.totals.requests !== raw.n ||
        decimal(aligned.body.totals.cost_usd) !== decimal(raw.cost)
      ) {
        throw new Error(
          `summary totals ${JSON.stringify(aligned.body.totals)} differ from the raw table (${raw.n} records, $${raw.cost})`,
        );
      }
      const fromTs = new Date(Date.now() - 30 * 86_400_000).toISOString();
      const toTs = new Date().toISOString();
      const instants = await time(
        `${base}/admin/usage/summary?from=${encodeURIComponent(fromTs)}&to=${encodeURIComponent(toTs)}&group_by=day,model`,
        REQUESTS,
      );
      const rawTs = (
        await db.query(
          'SELECT count(*)::int AS n, COALESCE(sum(cost_usd), 0)::text AS cost FROM usage_records WHERE created_at >= $1 AND created_at < $2',
          [fromTs, toTs],
        )
      ).rows[0];
      if (
        instants.body.totals.requests !== rawTs.n ||
        decimal(instants.body.totals.cost_usd) !== decimal(rawTs.cost)
      ) {
        throw new Error(
          `summary totals ${JSON.stringify(instants.body.totals)} differ from the raw table (${rawTs.n} records, $${rawTs.cost})`,
        );
      }

      const f = (x) => x.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
      const md = [
        `## Usage report latency — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
        '',
        `${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), Node ${process.version}; ${RECORDS.toLocaleString('en-US')} usage_records over 45 days ` +
          `(${KEYS} keys, 50 teams, ${MODELS.length} models), ${rollupRows.toLocaleString('en-US')} usage_daily rows; ${raw.n.toLocaleString('en-US')} records in the 30-day range. ` +
          'One request at a time through the gateway (API role, master key), after 3 warm-up requests; client-side wall time.',
        '',
        '| query | path | requests | rows | p50 ms | p95 ms | p99 ms | max ms | p95 ≤ 500 ms |',
        '|---|---|---:|---:|---:|---:|---:|---:|:---:|',
        `| \`summary?from=${from}&to=${today}&group_by=day,model\` | usage_daily (day-aligned range) | ${REQUESTS} | ${aligned.body.data.length} | ${f(aligned.p50)} | ${f(aligned.p95)} | ${f(aligned.p99)} | ${f(aligned.max)} | ${aligned.p95 <= TARGET_P95_MS ? '✅' : '❌'} |`,
        `| same 30 days as instants (\`from=<now−30d>&to=<now>\`) | usage_daily + usage_records for the two partial days | ${REQUESTS} | ${instants.body.data.length} | ${f(instants.p50)} | ${f(instants.p95)} | ${f(instants.p99)} | ${f(instants.max)} | ${instants.p95 <= TARGET_P95_MS ? '✅' : '❌'} |`,
        '',
        `Both summaries' totals equal the raw table's for their range (${raw.n.toLocaleString('en-US')} requests, $${raw.cost}; ${rawTs.n.toLocaleString('en-US')} requests, $${rawTs.cost}).`,
        '',
      ].join('\n');
      console.log(`\n${md}`);
      fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
      fs.appendFileSync(RESULTS, `${md}\n`);
      log(`appended to ${path.relative(ROOT, RESULTS)}`);
      if (aligned.p95 > TARGET_P95_MS) process.exitCode = 2;
    } finally {
      await db.end();
    }
  } finally {
    child.kill('SIGTERM');
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
