#!/usr/bin/env node
'use strict';
/**
 * Bytes per usage record on disk: creates a scratch database, migrates it (prisma migrate deploy),
 * inserts N realistic usage_records in one INSERT … SELECT over generate_series (the gateway's own
 * shapes: `req_…` request ids, uuid key/team/deployment ids, 24 models over 7 providers, 3 % errors,
 * a third streamed), builds the daily rollup from them the way the writer maintains it, runs VACUUM
 * ANALYZE, and measures the heap (with TOAST), the indexes and the rollup. Bytes per row are the table
 * and its indexes together; the figure at 100 million rows is a linear extrapolation of the measured
 * one (B-tree and heap sizes grow linearly with rows). The rollup is not extrapolated: its size follows
 * the distinct (day, key, team, model, provider) combinations, not the record count.
 *
 *   node bench/usage-row-size.js [--rows=1000000] [--keys=500] [--days=30] [--keep]
 *
 * Needs Postgres on 127.0.0.1 (BENCH_SERVER_URL, default postgresql://postgres@127.0.0.1:5432). The
 * scratch database (switchboard_bench_rowsize_<random>) is dropped at the end unless --keep. Prints a
 * markdown report and writes it to bench/results/usage-row-size.md. Not part of `npm test`.
 */
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const { spawnSync } = require('node:child_process');
const { Client } = require('pg');
const { MODELS, ROLLUP_FROM_RECORDS_SQL } = require('./lib/usage-seed');

const ROOT = path.join(__dirname, '..');
const RESULTS = path.join(__dirname, 'results', 'usage-row-size.md');
const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k, v ?? 'true'];
  }),
);
const ROWS = Number(args.rows ?? 1_000_000);
const KEYS = Number(args.keys ?? 500);
const DAYS = Number(args.days ?? 30);
const KEEP = args.keep === 'true';
const TARGET_ROWS = 100_000_000;
const SERVER_URL = (process.env.BENCH_SERVER_URL || 'postgresql://postgres@127.0.0.1:5432').replace(
  /\/$/,
  '',
);
const DB_NAME = `switchboard_bench_rowsize_${crypto.randomBytes(4).toString('hex')}`;
const log = (m) => console.log(`[usage-row-size] ${m}`);

/** Columns that would hold a body or a price-catalog copy, were there any (the check below lists them). */
const FORBIDDEN_COLUMN =
  /body|payload|request_json|response_json|messages|prompt_text|content|price|pricing|catalog|rate/i;

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

/**
 * N records uniform over the last DAYS days: KEYS keys in 50 teams (a tenth of the traffic has no key:
 * master key), 3 neighbouring models per key, 3 % errors, integer token counts, the cost a decimal
 * from the tokens, request ids as the gateway generates them (`req_` + 12 chars + a base-36 counter).
 */
async function seed(db) {
  const models = MODELS.map(([m]) => m);
  const providers = MODELS.map(([, p]) => p);
  await db.query(`CREATE OR REPLACE FUNCTION pg_temp.hashint(x bigint) RETURNS bigint LANGUAGE sql IMMUTABLE AS
    $$ SELECT (((x * 2654435761) % 4294967296) + 4294967296) % 4294967296 $$`);
  await db.query(
    `INSERT INTO usage_records (id, request_id, created_at, key_id, team_id, model, deployment_id, provider, upstream_model,
       endpoint, status_code, error_type, prompt_tokens, completion_tokens, reasoning_tokens, cached_tokens, cache_write_tokens,
       images, audio_seconds, video_seconds, cost_usd, latency_ms, ttft_ms, stream, estimated)
     SELECT gen_random_uuid(), 'req_Xq3vR8kPz1Lm' || to_hex(g), ts,
       CASE WHEN k < 0 THEN NULL ELSE ('00000000-0000-4000-8000-' || lpad(to_hex(k), 12, '0'))::uuid END,
       CASE WHEN k < 0 THEN NULL ELSE ('00000000-0000-4000-9000-' || lpad(to_hex(k % 50), 12, '0'))::uuid END,
       ($1::text[])[m + 1], ('00000000-0000-4000-a000-' || lpad(to_hex(m), 12, '0')), ($2::text[])[m + 1],
       ($1::text[])[m + 1] || '-2025-08-07',
       'chat.completions', CASE WHEN err THEN 502 ELSE 200 END, CASE WHEN err THEN 'upstream_error' END,
       pt, ct, ct / 10, pt / 4, 0, 0, 0, 0,
       round((pt * 0.15 + ct * 0.6) / 1e6, 10), 200 + (g % 5000), CASE WHEN g % 3 = 0 THEN 50 + (g % 700) END,
       g % 3 = 0, g % 97 = 0
     FROM (
       SELECT g,
         now() - (random() * ($6::int * interval '1 day')) AS ts,
         CASE WHEN g % 10 = 0 THEN -1 ELSE (pg_temp.hashint(g) % $3::int) END AS k,
         random() < 0.03 AS err,
         (50 + (pg_temp.hashint(g * 7) % 4000))::int AS pt,
         (10 + (pg_temp.hashint(g * 13) % 1500))::int AS ct
       FROM generate_series(1, $4::int) AS g
     ) s, LATERAL (SELECT (CASE WHEN k < 0 THEN pg_temp.hashint(g * 3) % $5::int
                                ELSE (k * 7 + pg_temp.hashint(g * 3) % 3) % $5::int END)::int AS m) mm`,
    [models, providers, KEYS, ROWS, models.length, DAYS],
  );
  // the writer's rollup (usage-stream.ts), applied to the whole table at once
  await db.query(ROLLUP_FROM_RECORDS_SQL);
}

/** The leaf partitions of $1 (a table or an index); a relation that is not partitioned is its own only leaf. */
const LEAVES = `SELECT relid FROM pg_partition_tree($1::regclass) WHERE isleaf
  UNION ALL SELECT $1::regclass WHERE NOT EXISTS (SELECT 1 FROM pg_partition_tree($1::regclass))`;

/**
 * Sizes of a table summed over its leaf partitions (usage_records is partitioned by month: the parent
 * holds nothing itself); a plain table is its own only leaf.
 */
async function sizes(db, table) {
  const { rows } = await db.query(
    `SELECT sum(pg_table_size(relid))::bigint AS heap, sum(pg_indexes_size(relid))::bigint AS indexes,
       sum(pg_total_relation_size(relid))::bigint AS total, (SELECT count(*) FROM ${table})::bigint AS rows,
       sum((SELECT COALESCE(pg_total_relation_size(NULLIF(reltoastrelid, 0)), 0) FROM pg_class WHERE oid = relid))::bigint AS toast,
       count(*)::int AS leaves
       FROM (${LEAVES}) leaves`,
    [table],
  );
  const r = rows[0];
  return {
    heap: Number(r.heap),
    indexes: Number(r.indexes),
    total: Number(r.total),
    rows: Number(r.rows),
    toast: Number(r.toast),
    leaves: Number(r.leaves),
  };
}

/** Each index of the table, summed over the partitions' indexes attached to it. */
async function indexSizes(db, table) {
  const { rows } = await db.query(
    `SELECT i.indexrelid::regclass::text AS name,
       (SELECT sum(pg_relation_size(relid)) FROM (${LEAVES.replaceAll('$1::regclass', 'i.indexrelid')}) leaves)::bigint AS bytes
       FROM pg_index i WHERE i.indrelid = $1::regclass ORDER BY 1`,
    [table],
  );
  return rows.map((r) => ({ name: r.name, bytes: Number(r.bytes) }));
}

async function columns(db, table) {
  const { rows } = await db.query(
    `SELECT column_name::text AS name, data_type::text AS type, COALESCE(character_maximum_length, 0) AS len,
       numeric_precision AS p, numeric_scale AS s
       FROM information_schema.columns WHERE table_name = $1 AND table_schema = 'public' ORDER BY ordinal_position`,
    [table],
  );
  return rows.map((r) => ({
    name: r.name,
    type: r.type === 'numeric' ? `numeric(${r.p},${r.s})` : r.type,
  }));
}

async function averageWidths(db) {
  const { rows } = await db.query(
    `SELECT attname::text AS name, avg_width FROM pg_stats WHERE tablename = 'usage_records' ORDER BY attname`,
  );
  return Object.fromEntries(rows.map((r) => [r.name, Number(r.avg_width)]));
}

const mb = (b) => `${(b / 1024 / 1024).toFixed(1)} MiB`;
const gb = (b) => `${(b / 1024 ** 3).toFixed(1)} GiB`;
const n = (x) => x.toLocaleString('en-US');

async function main() {
  if (!Number.isInteger(ROWS) || ROWS < 1000) throw new Error('--rows must be an integer ≥ 1000');
  const url = `${SERVER_URL}/${DB_NAME}`;
  await withClient(`${SERVER_URL}/postgres`, (c) => c.query(`CREATE DATABASE "${DB_NAME}"`));
  try {
    log(`migrating ${DB_NAME}…`);
    migrate(url);
    const report = await withClient(url, async (db) => {
      log(
        `inserting ${n(ROWS)} usage_records over ${DAYS} days (${KEYS} keys, 50 teams, ${MODELS.length} models)…`,
      );
      const t0 = Date.now();
      await seed(db);
      log(`  ${((Date.now() - t0) / 1000).toFixed(1)} s; VACUUM ANALYZE…`);
      await db.query('VACUUM ANALYZE usage_records');
      await db.query('VACUUM ANALYZE usage_daily');
      const pg = (await db.query('SHOW server_version')).rows[0].server_version;
      return {
        pg,
        records: await sizes(db, 'usage_records'),
        recordIndexes: await indexSizes(db, 'usage_records'),
        rollup: await sizes(db, 'usage_daily'),
        rollupIndexes: await indexSizes(db, 'usage_daily'),
        columns: await columns(db, 'usage_records'),
        widths: await averageWidths(db),
      };
    });
    const md = render(report);
    fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
    fs.writeFileSync(RESULTS, md);
    console.log(md);
    log(`written to ${path.relative(ROOT, RESULTS)}`);
  } finally {
    if (!KEEP)
      await withClient(`${SERVER_URL}/postgres`, (c) =>
        c.query(`DROP DATABASE IF EXISTS "${DB_NAME}" WITH (FORCE)`),
      );
    else log(`kept ${DB_NAME}`);
  }
}

function render(r) {
  const { records, rollup } = r;
  const perRow = records.total / records.rows;
  const heapPerRow = records.heap / records.rows;
  const indexPerRow = records.indexes / records.rows;
  const forbidden = r.columns.filter((c) => FORBIDDEN_COLUMN.test(c.name));
  const lines = [
    '# Usage record size on disk',
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} by \`npm run bench:usage-rows\` (bench/usage-row-size.js), PostgreSQL ${r.pg}:`,
    `${n(records.rows)} usage_records inserted in the database over ${DAYS} days (${KEYS} keys in 50 teams, ${MODELS.length} models),`,
    'the usage_daily rollup built from them, then `VACUUM ANALYZE`. Sizes from `pg_table_size` (heap with TOAST),',
    `\`pg_indexes_size\` and \`pg_total_relation_size\`, summed over the ${records.leaves} partitions of usage_records (partitioned`,
    'by UTC month, docs/usage-partitioning.md; the records land in the partitions of their month, the parent holds nothing).',
    '',
    '## Per record (usage_records: table and indexes together)',
    '',
    '| | measured total | bytes / row | at 100,000,000 rows (extrapolated) |',
    '| --- | ---: | ---: | ---: |',
    `| heap (with TOAST) | ${mb(records.heap)} | ${heapPerRow.toFixed(1)} | ${gb(heapPerRow * TARGET_ROWS)} |`,
    `| indexes (${r.recordIndexes.length}) | ${mb(records.indexes)} | ${indexPerRow.toFixed(1)} | ${gb(indexPerRow * TARGET_ROWS)} |`,
    `| **table + indexes** | **${mb(records.total)}** | **${perRow.toFixed(1)}** | **${gb(perRow * TARGET_ROWS)}** |`,
    '',
    `**${Math.round(perRow)} bytes per usage record, table and indexes together; about ${gb(perRow * TARGET_ROWS)} at 100 million records.**`,
    `The 100-million figure is a linear extrapolation of the ${n(records.rows)}-row measurement (heap pages and B-tree leaf`,
    'pages grow linearly with rows; the inner B-tree levels add well under 1 %), not a measurement at 100 million rows.',
    '',
    'Indexes:',
    '',
    '| index | size | bytes / row |',
    '| --- | ---: | ---: |',
    ...r.recordIndexes.map((i) => `| ${i.name} | ${mb(i.bytes)} | ${(i.bytes / records.rows).toFixed(1)} |`),
    '',
    '## Daily rollup (usage_daily)',
    '',
    `${n(rollup.rows)} rows (one per UTC day, key, team, model and provider), ${mb(rollup.total)} with its indexes`,
    `(${mb(rollup.heap)} heap, ${mb(rollup.indexes)} indexes). Not extrapolated: the rollup grows with the distinct`,
    'day × key × model combinations in use, not with the record count (100 million records from the same keys over',
    `the same ${DAYS} days make the same rollup).`,
    '',
    '## What a row holds',
    '',
    'Every column of usage_records, with its average stored width (pg_stats):',
    '',
    '| column | type | avg bytes |',
    '| --- | --- | ---: |',
    ...r.columns.map((c) => `| ${c.name} | ${c.type} | ${r.widths[c.name] ?? '–'} |`),
    '',
    forbidden.length
      ? `**Check failed: columns that look like a body or a price copy: ${forbidden.map((c) => c.name).join(', ')}.**`
      : 'No request or response body and no copy of the price catalog: the row holds ids, the model and provider names,' +
        ' counts (tokens, images, seconds), the computed `cost_usd` (one decimal) and timings. Prices stay in the catalog' +
        ' (deployments); a record keeps only the cost computed from them. Nothing is large enough to be TOASTed' +
        ` (TOAST: ${n(records.toast)} bytes in all).`,
    '',
  ];
  return lines.join('\n');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
