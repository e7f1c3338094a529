#!/usr/bin/env node
'use strict';
/**
 * The usage writer's throughput and cost per record: the real UsageWriter (src/modules/usage, bundled
 * with esbuild, its Nest dependencies replaced by plain objects) drains a Redis usage stream into a fresh
 * database (a copy of a migrated template), in a child process of its own.
 *
 * Two modes per run:
 *   - backlog: N events wait in the stream (entries of --per-entry events, as settlement batches write
 *     them) before the writer starts; rows/s is N over the time from start to the last row committed,
 *     the writer running flat out (its sustained maximum).
 *   - paced (--rate=R): the events arrive at R events/s for --seconds=S while the writer runs; reports
 *     the transactions it committed (pg_stat_database.xact_commit of the bench database) and rows per
 *     transaction, i.e. how the writer batches under that load.
 * Both report the writer process' CPU (user+system) and its Postgres backends' CPU per record, and check
 * that every event landed once with the exact cost sum and the daily rollup matching.
 *
 * A/B: --base=<git ref> bundles that ref's src/ too and alternates base/new runs (--rounds, medians).
 * --callgrind runs the writer under valgrind --tool=callgrind and reports its instruction count
 * (repeatable whatever the machine's load; use a small --events, it runs ~50× slower).
 *
 *   node bench/usage-writer-throughput.js [--events=50000] [--per-entry=8] [--rounds=3] [--base=main]
 *        [--rate=4000 --seconds=10] [--callgrind] [--out=bench/results/usage-writer.md]
 *
 * Needs Postgres and Redis on 127.0.0.1 (BENCH_SERVER_URL, default postgresql://postgres@127.0.0.1:5432;
 * BENCH_REDIS_URL). Databases switchboard_bench_writer_* are dropped at the end. Not part of `npm test`.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');
const { spawn, spawnSync } = require('node:child_process');

const ROOT = path.join(__dirname, '..');
const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k, v ?? 'true'];
  }),
);
const SERVER_URL = (process.env.BENCH_SERVER_URL || 'postgresql://postgres@127.0.0.1:5432').replace(
  /\/$/,
  '',
);
const REDIS_URL = process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379';
const log = (m) => console.error(`[usage-writer] ${m}`);

const MODELS = ['gpt-4o', 'gpt-4o-mini', 'claude-sonnet-4', 'gemini-2.5-pro', 'o3', 'mistral-large'];

/** A realistic event: key/team from a small set, tokens and a decimal cost, now-ish timestamps. */
function makeEvent(i, keys) {
  const k = keys[i % keys.length];
  const prompt = 50 + (i % 900);
  const completion = 10 + (i % 400);
  return {
    id: crypto.randomUUID(),
    requestId: `req_${crypto.randomBytes(12).toString('hex')}`,
    createdAt: Date.now(),
    keyId: k.key,
    teamId: k.team,
    model: MODELS[i % MODELS.length],
    deploymentId: `dep-${i % 7}`,
    provider: 'openai',
    upstreamModel: MODELS[i % MODELS.length],
    endpoint: '/v1/chat/completions',
    statusCode: i % 33 === 0 ? 429 : 200,
    usage: { promptTokens: prompt, completionTokens: completion, cachedTokens: i % 5 === 0 ? 32 : 0 },
    costUsd: `0.${String(prompt * 25 + completion * 100).padStart(10, '0')}`,
    latencyMs: 100 + (i % 700),
    ttftMs: i % 3 === 0 ? 40 + (i % 90) : undefined,
    stream: i % 3 === 0,
  };
}

// ---------------------------------------------------------------- child: the writer itself
async function child() {
  require('reflect-metadata');
  const Redis = require('ioredis');
  const { UsageWriter, SqlPool } = require(path.resolve(args.bundle));
  const redisClient = new Redis(REDIS_URL);
  const conns = [redisClient];
  const redis = {
    client: redisClient,
    connect: () => {
      const c = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
      conns.push(c);
      return c;
    },
  };
  const say = (o, m) => console.error(m ?? o, m ? JSON.stringify(o) : '');
  const quiet = { info() {}, warn: say, error: say, debug() {} };
  const sql = new SqlPool(args.db);
  const writer = new UsageWriter(
    { role: 'worker', redisPrefix: args.prefix },
    redis,
    sql,
    quiet,
    { setUsageProbe() {} },
    { spilled: 0 },
  );
  const target = Number(args.target);
  process.stdout.write('ready\n');
  await new Promise((r) => process.stdin.once('data', r));
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  writer.onApplicationBootstrap();
  const ticker = args.verbose
    ? setInterval(() => console.error(JSON.stringify(writer.stats)), 500)
    : undefined;
  for (;;) {
    const written = writer.stats.written + writer.stats.duplicates;
    if (written >= target) break;
    await new Promise((r) => setTimeout(r, 2));
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  clearInterval(ticker);
  const cpu = process.cpuUsage(cpu0);
  process.stdout.write(`${JSON.stringify({ ms, cpuUs: cpu.user + cpu.system, stats: writer.stats })}\n`);
  await new Promise((r) => process.stdin.once('data', r)); // the parent read the backends' CPU
  await writer.onModuleDestroy();
  await sql.onModuleDestroy();
  for (const c of conns) c.disconnect();
  process.stdin.destroy();
}

// ---------------------------------------------------------------- parent
const { Client } = require('pg');
const Redis = require('ioredis');

/** Bundles `srcDir`'s UsageWriter and SqlPool into one CommonJS file (packages stay external). */
function bundle(srcDir, label) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `sb-writer-${label}-`));
  const entry = path.join(dir, 'entry.ts');
  fs.writeFileSync(
    entry,
    `export { UsageWriter } from ${JSON.stringify(path.join(srcDir, 'modules/usage/usage-writer'))};\n` +
      `export { SqlPool } from ${JSON.stringify(path.join(srcDir, 'database/sql-pool.service'))};\n`,
  );
  const out = path.join(dir, 'writer.js');
  const r = spawnSync(
    path.join(ROOT, 'node_modules/.bin/esbuild'),
    [
      entry,
      '--bundle',
      '--platform=node',
      '--format=cjs',
      '--packages=external',
      `--tsconfig=${path.join(ROOT, 'tsconfig.json')}`,
      `--outfile=${out}`,
      '--log-level=warning',
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`esbuild failed: ${r.stderr}`);
  return out;
}

/** `ref`'s src/ extracted into a temporary directory. */
function checkout(ref) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-writer-src-'));
  const r = spawnSync('sh', [
    '-c',
    `git -C ${JSON.stringify(ROOT)} archive ${ref} src | tar -x -C ${JSON.stringify(dir)}`,
  ]);
  if (r.status !== 0) throw new Error(`git archive ${ref} failed: ${r.stderr}`);
  return path.join(dir, 'src');
}

async function admin(fn) {
  const c = new Client({ connectionString: `${SERVER_URL}/postgres` });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function makeTemplate() {
  const name = `switchboard_bench_writer_tpl_${crypto.randomBytes(4).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const r = spawnSync(path.join(ROOT, 'node_modules/.bin/prisma'), ['migrate', 'deploy'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: `${SERVER_URL}/${name}`, CHECKPOINT_DISABLE: '1' },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`migrate failed: ${r.stderr}${r.stdout}`);
  return name;
}

function cpuOfPids(pids) {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      ticks += Number(f[11]) + Number(f[12]);
    } catch {
      /* gone */
    }
  }
  return (ticks * 1e6) / (Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100);
}

function lineOf(proc) {
  return new Promise((resolve, reject) => {
    let buf = '';
    const onData = (d) => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl >= 0) {
        proc.stdout.off('data', onData);
        proc.off('exit', onExit);
        resolve(buf.slice(0, nl));
      }
    };
    const onExit = (code) => reject(new Error(`writer exited with ${code}: ${proc.tail}`));
    proc.stdout.on('data', onData);
    proc.once('exit', onExit);
  });
}

/** One run: a fresh database from the template, a fresh prefix, the writer draining `events`. */
async function runOnce({ bundlePath, template, events, perEntry, rate, seconds, callgrind }) {
  const db = `switchboard_bench_writer_${crypto.randomBytes(4).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${db} TEMPLATE ${template}`));
  const dbUrl = `${SERVER_URL}/${db}`;
  const prefix = `bench-writer-${crypto.randomBytes(4).toString('hex')}`;
  const stream = `${prefix}:usage:events`;
  const redis = new Redis(REDIS_URL);
  const keys = Array.from({ length: 50 }, () => ({ key: crypto.randomUUID(), team: crypto.randomUUID() }));
  const total = rate ? Math.round(rate * seconds) : events;
  const all = Array.from({ length: total }, (_, i) => makeEvent(i, keys));
  const entryOf = (es) => es.map((e) => JSON.stringify(e)).join('\n');
  const push = async (from, to) => {
    const pipe = redis.pipeline();
    for (let i = from; i < to; i += perEntry)
      pipe.xadd(stream, '*', 'e', entryOf(all.slice(i, Math.min(to, i + perEntry))));
    await pipe.exec();
  };
  if (!rate) await push(0, total);
  if (args.verbose) log(`pushed ${total}`);
  const nodeArgs = [
    path.resolve(process.argv[1]),
    '--child',
    ...(args.verbose ? ['--verbose'] : []),
    `--bundle=${bundlePath}`,
    `--db=${dbUrl}`,
    `--prefix=${prefix}`,
    `--target=${total}`,
  ];
  const cgOut = path.join(os.tmpdir(), `callgrind.${prefix}.out`);
  // The bundles live in a temporary directory: their packages resolve from this checkout's node_modules.
  const env = { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules') };
  const proc = callgrind
    ? spawn(
        'valgrind',
        [
          '--tool=callgrind',
          `--callgrind-out-file=${cgOut}`,
          '--dump-instr=no',
          process.execPath,
          '--jitless',
          ...nodeArgs,
        ],
        { stdio: ['pipe', 'pipe', 'pipe'], env },
      )
    : spawn(process.execPath, nodeArgs, { stdio: ['pipe', 'pipe', 'pipe'], env });
  proc.tail = '';
  proc.stderr.on('data', (d) => {
    proc.tail = (proc.tail + d).slice(-4000);
    if (args.verbose) process.stderr.write(d);
  });
  await lineOf(proc); // ready
  if (args.verbose) log('writer ready');
  const commits0 = await admin(async (c) =>
    Number(
      (await c.query('SELECT xact_commit FROM pg_stat_database WHERE datname = $1', [db])).rows[0]
        .xact_commit,
    ),
  );
  if (args.verbose) log(`commits before: ${commits0}`);
  proc.stdin.write('go\n');
  let pacing;
  if (rate) {
    pacing = (async () => {
      const start = Date.now();
      const step = 20; // ms
      let sent = 0;
      while (sent < total) {
        const due = Math.min(total, Math.round(((Date.now() - start) / 1000) * rate));
        if (due > sent) {
          await push(sent, due);
          sent = due;
        }
        await new Promise((r) => setTimeout(r, step));
      }
    })();
  }
  const result = JSON.parse(await lineOf(proc));
  if (args.verbose) log(`result ${JSON.stringify(result)}`);
  await pacing;
  const check = await admin(async (c) => {
    const backends = (await c.query('SELECT pid FROM pg_stat_activity WHERE datname = $1', [db])).rows.map(
      (r) => r.pid,
    );
    const pgCpuUs = cpuOfPids(backends);
    return { pgCpuUs };
  });
  proc.stdin.end('done\n');
  await new Promise((r) => proc.once('exit', r));
  const pg = new Client({ connectionString: dbUrl });
  await pg.connect();
  const rows = await pg.query(
    `SELECT (SELECT count(*) FROM usage_records)::int AS n, (SELECT sum(cost_usd)::text FROM usage_records) AS cost,
       (SELECT sum(requests)::int FROM usage_daily) AS daily, (SELECT sum(cost_usd)::text FROM usage_daily) AS daily_cost`,
  );
  await pg.end();
  await new Promise((r) => setTimeout(r, 500)); // the backends flush their statistics as they exit
  const commits1 = await admin(async (c) =>
    Number(
      (await c.query('SELECT xact_commit FROM pg_stat_database WHERE datname = $1', [db])).rows[0]
        .xact_commit,
    ),
  );
  await admin((c) => c.query(`DROP DATABASE ${db} WITH (FORCE)`));
  await redis.del(stream, `${prefix}:usage:dead`);
  redis.disconnect();
  const { Decimal } = require('decimal.js');
  const expected = all.reduce((s, e) => s.plus(e.costUsd), new Decimal(0));
  const r = rows.rows[0];
  const ok =
    r.n === total &&
    r.daily === total &&
    new Decimal(r.cost).eq(expected) &&
    new Decimal(r.daily_cost).eq(expected);
  if (!ok) throw new Error(`records wrong: ${JSON.stringify(r)}; expected ${total} rows, cost ${expected}`);
  let instructions = null;
  if (callgrind) {
    const text = fs.readFileSync(cgOut, 'utf8');
    instructions = Number(/^summary:\s*(\d+)/m.exec(text)?.[1] ?? /^totals:\s*(\d+)/m.exec(text)?.[1]);
    fs.rmSync(cgOut, { force: true });
  }
  return {
    rowsPerSec: (total / result.ms) * 1000,
    writerUsPerRow: result.cpuUs / total,
    pgUsPerRow: check.pgCpuUs / total,
    // minus the two stat reads' own transactions (approximately; stats are flushed lazily)
    commits: commits1 - commits0,
    rowsPerCommit: total / Math.max(1, commits1 - commits0),
    instrPerRow: instructions ? instructions / total : null,
  };
}

function median(values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

async function main() {
  log('start');
  const events = Number(args.events ?? 50_000);
  const perEntry = Number(args['per-entry'] ?? 8);
  const rounds = Number(args.rounds ?? 3);
  const rate = args.rate ? Number(args.rate) : 0;
  const seconds = Number(args.seconds ?? 10);
  const callgrind = args.callgrind === 'true';
  const builds = [];
  if (args.base)
    builds.push({ label: `base (${args.base})`, bundlePath: bundle(checkout(args.base), 'base') });
  builds.push({ label: 'new (this tree)', bundlePath: bundle(path.join(ROOT, 'src'), 'new') });
  const template = await makeTemplate();
  if (args.verbose) log(`template ${template}`);
  const results = new Map(builds.map((b) => [b.label, []]));
  try {
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 ? [...builds].reverse() : builds;
      for (const b of order) {
        const r = await runOnce({
          bundlePath: b.bundlePath,
          template,
          events,
          perEntry,
          rate,
          seconds,
          callgrind,
        });
        results.get(b.label).push(r);
        log(
          `round ${round + 1} ${b.label}: ${JSON.stringify(r, (k, v) => (typeof v === 'number' ? Math.round(v * 100) / 100 : v))}`,
        );
      }
    }
  } finally {
    await admin((c) => c.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`));
  }
  const mode = rate ? `paced: ${rate} events/s for ${seconds} s` : `backlog: ${events} events waiting`;
  const lines = [
    `### ${mode}, ${perEntry} events per stream entry — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `${os.cpus().length} cores, Node ${process.version}, ${rounds} interleaved round(s), medians. CPU is user+system time of the writer process and of its Postgres backends, per record.`,
    '',
    '| build | rows/s | writer CPU µs/row | Postgres CPU µs/row | transactions | rows/transaction |' +
      (callgrind ? ' writer instructions/row |' : ''),
    '|---|---:|---:|---:|---:|---:|' + (callgrind ? '---:|' : ''),
  ];
  const fmt = (x, d = 0) =>
    x == null ? '' : x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  for (const [label, rs] of results) {
    const m = (k) => median(rs.map((r) => r[k]));
    lines.push(
      `| ${label} | ${fmt(m('rowsPerSec'))} | ${fmt(m('writerUsPerRow'), 1)} | ${fmt(m('pgUsPerRow'), 1)} | ${fmt(m('commits'))} | ${fmt(m('rowsPerCommit'), 1)} |` +
        (callgrind ? ` ${fmt(m('instrPerRow'))} |` : ''),
    );
  }
  const table = lines.join('\n');
  console.log(table);
  if (args.out) fs.appendFileSync(path.resolve(args.out), `${table}\n\n`);
}

if (args.child)
  child().catch((e) => {
    console.error(e);
    process.exit(1);
  });
else
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
