#!/usr/bin/env node
'use strict';
/**
 * Async video tasks under load (issue 16's bench): N tasks (2,000) submitted through `POST /v1/videos`
 * at a steady rate, each needing POLLS (10) polls of a fake Sora-compatible provider before it completes,
 * so about N tasks are in flight at once; the gateway's BullMQ worker polls them all to completion and
 * settles each once. Two gateway processes from dist/: role `api` (takes the submits) and role `worker`
 * (polls, settles, writes usage records), so the worker's CPU and memory are its own.
 *
 * Reports: polls and polls/s (counted by the fake), worker CPU per poll, worker peak RSS, API CPU per
 * submit, "lateness" of each poll (its arrival at the fake minus the time the gateway's backoff made it
 * due), submit → settlement time, and checks that every task completed with exactly one usage record.
 *
 *   node bench/video-tasks.js [--tasks=2000] [--rate=200] [--polls=10] [--poll-ms=1000]
 *                             [--poll-max-ms=2000] [--concurrency=N] [--timeout=300] [--warmup=20]
 *   npm run bench:video
 *
 * Needs Postgres and Redis on 127.0.0.1 (BENCH_VIDEO_DATABASE_URL, default
 * postgresql://postgres@127.0.0.1:5432/switchboard_bench_video; BENCH_REDIS_URL). Builds dist/ if stale.
 * Prints a markdown report and writes it to bench/results/video-tasks.md.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');
const { spawnSync } = require('node:child_process');
const { HAS_TASKSET, spawnPinned, waitForLine, freePort, stop, cpuMicros, memMB } = require('./lib/proc');
const { pct } = require('./lib/stats');
const { benchPrefix, clearPrefix } = require('./lib/redis-prefix');
const { MASTER_KEY, startCommand, buildGatewayIfNeeded, prepareDatabase, poll } = require('./lib/targets');

const ROOT = path.join(__dirname, '..');
const RESULTS = path.join(__dirname, 'results', 'video-tasks.md');
const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k, v ?? 'true'];
  }),
);
const TASKS = Number(args.tasks ?? 2000);
const RATE = Number(args.rate ?? 200);
const MAX_INFLIGHT = Number(args['max-inflight'] ?? 64);
const POLLS = Number(args.polls ?? 10);
const FIRST_MS = Number(args['poll-ms'] ?? 1000);
const MAX_MS = Number(args['poll-max-ms'] ?? 2000);
const CONCURRENCY = args.concurrency; // unset: the gateway's default (50)
const TIMEOUT_S = Number(args.timeout ?? 300);
const WARMUP = Number(args.warmup ?? 20);
const PROVIDER_KEY = `sk-fake-video-${crypto.randomBytes(6).toString('hex')}`;
const WORKER_CORE = 0;
const OTHERS_CORE = 1;
const MODEL = 'sora-2';
const SECONDS = '4';
const PRICE_PER_TASK = 0.4; // sora-2 at $0.10 per second (the built-in price table), 4 s

const log = (...a) => console.error('[video-bench]', ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const fmt = (n, d = 0) =>
  n === null || n === undefined || !Number.isFinite(n)
    ? 'n/a'
    : n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });

/** The backoff the gateway waits after a poll made when the task had `polls` polls (video-poller.ts). */
const backoff = (polls) => Math.min(MAX_MS, FIRST_MS * 2 ** Math.min(polls, 20));
/** The least time from submit to the completing poll: the first delay, then a backoff after each poll. */
const idealMs = () => {
  let t = FIRST_MS;
  for (let k = 0; k < POLLS - 1; k++) t += backoff(k);
  return t;
};

function yaml(fakePort) {
  return [
    'models:',
    `  - model_name: ${MODEL}`,
    '    deployments:',
    '      - provider: openai',
    `        upstream_model: ${MODEL}`,
    `        api_key: ${PROVIDER_KEY}`,
    `        base_url: http://127.0.0.1:${fakePort}/v1`,
    '',
  ].join('\n');
}

/** CPU µs of the machine's local Postgres and Redis processes (all of them; shared with anything else). */
function servicesCpu() {
  let total = 0;
  for (const name of ['postgres', 'redis-server']) {
    const pids = spawnSync('pgrep', ['-x', name], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    for (const pid of pids) {
      try {
        total += cpuMicros(pid);
      } catch {
        /* gone */
      }
    }
  }
  return total;
}

/** Samples a pid's VmRSS every `ms`: stop() → { peak, samples: [[t, MB], …] }. */
function sampleRss(pid, ms) {
  const samples = [];
  let peak = 0;
  const take = () => {
    try {
      const { rss } = memMB(pid);
      peak = Math.max(peak, rss);
      samples.push([Date.now(), rss]);
    } catch {
      /* process gone */
    }
  };
  take();
  const t = setInterval(take, ms);
  return () => {
    clearInterval(t);
    take();
    return { peak, samples };
  };
}

async function submit(base, i) {
  const sent = Date.now();
  try {
    const res = await fetch(`${base}/v1/videos`, {
      method: 'POST',
      headers: { authorization: `Bearer ${MASTER_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, prompt: `bench video ${i}`, seconds: SECONDS }),
    });
    const text = await res.text();
    let json = null;
    try {
      json = JSON.parse(text);
    } catch {
      /* reported below */
    }
    if (res.status !== 200 || typeof json?.id !== 'string')
      return { sent, answered: Date.now(), error: `${res.status} ${text.slice(0, 200)}` };
    // The OpenAI dialect decorates the row id (32 hex characters) as `video_<id>`.
    return { sent, answered: Date.now(), id: json.id.replace(/^video_/, '') };
  } catch (err) {
    const cause = err.cause?.code ?? err.cause?.message;
    return { sent, answered: Date.now(), error: cause ? `${err.message} (${cause})` : err.message };
  }
}

/**
 * Submits `n` tasks at `rate` per second (on a 10 ms tick), at most MAX_INFLIGHT unanswered at once (a
 * client pool, as real clients have; an unbounded open loop past the API's capacity only measures the
 * listen backlog); resolves with their results in order.
 */
async function submitPaced(base, n, rate, offset = 0) {
  const out = new Array(n);
  const pending = [];
  const t0 = Date.now();
  let next = 0;
  let inflight = 0;
  while (next < n) {
    const due = Math.min(n, Math.floor(((Date.now() - t0) * rate) / 1000) + 1);
    for (; next < due && inflight < MAX_INFLIGHT; next++) {
      const i = next;
      inflight++;
      pending.push(
        submit(base, offset + i).then((r) => {
          inflight--;
          out[i] = r;
        }),
      );
    }
    if (next < n) await sleep(10);
  }
  await Promise.all(pending);
  return { results: out, started: t0, ended: Date.now() };
}

/** { status/settlement → count } of the given gateway task ids. */
async function taskStates(pg, ids) {
  const { rows } = await pg.query(
    `SELECT status::text AS status, settlement::text AS settlement, count(*)::int AS n
       FROM video_tasks WHERE id = ANY($1) GROUP BY 1, 2`,
    [ids],
  );
  const by = {};
  for (const r of rows) by[`${r.status}/${r.settlement}`] = r.n;
  return by;
}

const done = (by, n) => (by['completed/charged'] ?? 0) + ended(by, 'failed') + ended(by, 'cancelled') >= n;
const ended = (by, status) =>
  Object.entries(by)
    .filter(([k]) => k.startsWith(`${status}/`) && !k.endsWith('/reserved'))
    .reduce((s, [, n]) => s + n, 0);

async function waitSettled(pg, ids, deadline, label) {
  let by = {};
  let lastLog = 0;
  while (Date.now() < deadline) {
    by = await taskStates(pg, ids);
    if (done(by, ids.length)) return { by, ok: true };
    if (Date.now() - lastLog > 5000) {
      log(`${label}: ${JSON.stringify(by)}`);
      lastLog = Date.now();
    }
    await sleep(250);
  }
  return { by, ok: false };
}

async function main() {
  if (!fs.existsSync(path.join(ROOT, 'src/generated/prisma'))) {
    log('generating the Prisma client (src/generated is missing)…');
    spawnSync(path.join(ROOT, 'node_modules/.bin/prisma'), ['generate'], {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, CHECKPOINT_DISABLE: '1' },
    });
  }
  const mainJs = buildGatewayIfNeeded(log);
  const databaseUrl =
    process.env.BENCH_VIDEO_DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/switchboard_bench_video';
  const redisUrl = process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379';
  await prepareDatabase(databaseUrl, log);
  const { Client } = require('pg');
  const pg = new Client({ connectionString: databaseUrl });
  await pg.connect();

  // The driver (this process), the fake provider and the API process share core 1; the worker has core 0.
  if (HAS_TASKSET) spawnSync('taskset', ['-a', '-p', '-c', String(OTHERS_CORE), String(process.pid)]);
  const fake = spawnPinned(
    OTHERS_CORE,
    process.execPath,
    [path.join(__dirname, 'lib/fake-video-provider.js')],
    {
      env: { ...process.env, FAKE_VIDEO_KEY: PROVIDER_KEY, FAKE_VIDEO_POLLS: String(POLLS) },
    },
  );
  const fakePort = Number((await waitForLine(fake, /LISTENING (\d+)/))[1]);
  const cfgDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-video-bench-'));
  const cfgFile = path.join(cfgDir, 'switchboard.yaml');
  fs.writeFileSync(cfgFile, yaml(fakePort));
  const prefix = benchPrefix('video');
  const start = startCommand();
  const env = {
    ...process.env,
    ...start.env,
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    SWITCHBOARD_REDIS_PREFIX: prefix,
    SWITCHBOARD_MASTER_KEY: MASTER_KEY,
    SWITCHBOARD_ENCRYPTION_KEY: crypto.randomBytes(32).toString('base64'),
    SWITCHBOARD_CONFIG: cfgFile,
    SWITCHBOARD_VIDEO_POLL_MS: String(FIRST_MS),
    SWITCHBOARD_VIDEO_POLL_MAX_MS: String(MAX_MS),
    ...(CONCURRENCY ? { SWITCHBOARD_VIDEO_WORKER_CONCURRENCY: String(CONCURRENCY) } : {}),
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
  };
  if (!CONCURRENCY) delete env.SWITCHBOARD_VIDEO_WORKER_CONCURRENCY;
  const port = await freePort();
  // BENCH_CPU_PROF_DIR: CPU profiles of the API and the worker (V8 .cpuprofile), to see where a submit's
  // and a poll's time goes.
  const profile = process.env.BENCH_CPU_PROF_DIR
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`]
    : [];
  const api = spawnPinned(OTHERS_CORE, process.execPath, [...start.flags, ...profile, mainJs], {
    cwd: ROOT,
    env: { ...env, PORT: String(port), SWITCHBOARD_ROLE: 'api' },
  });
  const worker = spawnPinned(WORKER_CORE, process.execPath, [...start.flags, ...profile, mainJs], {
    cwd: ROOT,
    env: { ...env, SWITCHBOARD_ROLE: 'worker' },
  });
  const base = `http://127.0.0.1:${port}`;
  const cleanup = async () => {
    await Promise.all([stop(api), stop(worker), stop(fake)]);
    await clearPrefix(redisUrl, prefix).catch(() => undefined);
    fs.rmSync(cfgDir, { recursive: true, force: true });
    await pg.end().catch(() => undefined);
  };
  try {
    await poll(`${base}/health/ready`, (s) => s === 200, 60_000, api);
    if (worker.exitCode !== null) throw new Error(`the worker exited: ${worker.tail.slice(-800)}`);

    // Warm-up: a few tasks through the whole path (also proves the worker is up); not measured.
    log(`warm-up: ${WARMUP} tasks…`);
    const warm = await submitPaced(base, WARMUP, RATE, 1_000_000);
    const warmErr = warm.results.filter((r) => r.error);
    if (warmErr.length) throw new Error(`warm-up submit failed: ${warmErr[0].error}`);
    const warmIds = warm.results.map((r) => r.id);
    const w = await waitSettled(pg, warmIds, Date.now() + 120_000, 'warm-up');
    if (!w.ok) throw new Error(`warm-up tasks did not settle: ${JSON.stringify(w.by)}`);
    await sleep(1000);

    // The measured run.
    log(`submitting ${TASKS} tasks at ${RATE}/s (each completes on poll ${POLLS})…`);
    const rssWorker = sampleRss(worker.pid, 200);
    const rssApi = sampleRss(api.pid, 200);
    const cpu0 = { worker: cpuMicros(worker.pid), api: cpuMicros(api.pid), services: servicesCpu() };
    const runStart = Date.now();
    const deadline = runStart + TIMEOUT_S * 1000;
    const sub = await submitPaced(base, TASKS, RATE);
    const cpuApiSubmit = cpuMicros(api.pid) - cpu0.api;
    const submitErrors = sub.results.filter((r) => r.error);
    const ids = sub.results.filter((r) => r.id).map((r) => r.id);
    log(`submitted in ${((sub.ended - sub.started) / 1000).toFixed(1)} s, ${submitErrors.length} errors`);
    const settled = await waitSettled(pg, ids, deadline, 'run');
    const runEnd = Date.now();
    const cpu1 = { worker: cpuMicros(worker.pid), api: cpuMicros(api.pid), services: servicesCpu() };
    const workerRss = rssWorker();
    const apiRss = rssApi();
    const workerHwm = memMB(worker.pid).hwm;
    if (!settled.ok) log(`NOT all tasks settled within ${TIMEOUT_S} s: ${JSON.stringify(settled.by)}`);

    // Usage records are written by the worker from the Redis stream: give it a moment.
    let usage = [];
    const usageDeadline = Date.now() + 30_000;
    do {
      ({ rows: usage } = await pg.query(
        `SELECT vt.id, vt.status::text AS status, vt.settlement::text AS settlement, vt.upstream_task_id,
                vt.settled_at, vt.completed_at, vt.poll_count,
                count(ur.id)::int AS records, coalesce(sum(ur.cost_usd), 0)::text AS cost
           FROM video_tasks vt LEFT JOIN usage_records ur ON ur.id::text = vt.reservation_id
          WHERE vt.id = ANY($1) GROUP BY vt.id`,
        [ids],
      ));
      if (usage.filter((u) => u.records === 1).length === ids.length) break;
      await sleep(500);
    } while (Date.now() < usageDeadline);

    const fakeData = await (await fetch(`http://127.0.0.1:${fakePort}/__bench/polls`)).json();
    const report = analyse({ sub, submitErrors, ids, usage, fakeData, cpu0, cpu1, cpuApiSubmit, settled });
    Object.assign(report, {
      runS: (runEnd - runStart) / 1000,
      workerRssPeak: workerRss.peak,
      workerRssStart: workerRss.samples[0]?.[1],
      workerHwm,
      apiRssPeak: apiRss.peak,
    });
    const md = markdown(report);
    fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
    fs.writeFileSync(RESULTS, md);
    process.stdout.write(md);
    log(`written to ${path.relative(ROOT, RESULTS)}`);
    process.exitCode = report.ok ? 0 : 2;
  } finally {
    await cleanup();
  }
}

function analyse({ sub, submitErrors, ids, usage, fakeData, cpu0, cpu1, cpuApiSubmit, settled }) {
  const byUpstream = new Map(usage.map((u) => [u.upstream_task_id, u]));
  const submitTime = new Map(sub.results.filter((r) => r.id).map((r) => [r.id, r.sent]));
  const lateness = [];
  const firstLateness = [];
  const pollTimes = [];
  const pollCounts = new Map();
  const spans = [];
  for (const [upId, t] of Object.entries(fakeData.tasks)) {
    if (!byUpstream.has(upId)) continue; // warm-up task
    const p = t.polls;
    pollCounts.set(p.length, (pollCounts.get(p.length) ?? 0) + 1);
    pollTimes.push(...p);
    if (p.length) {
      firstLateness.push(p[0] - (t.created + FIRST_MS));
      spans.push([t.created, p[p.length - 1]]);
    }
    // Poll i (0-based) was made when the task had i polls; the one before it (i-1 polls) set its delay.
    for (let i = 1; i < p.length; i++) lateness.push(p[i] - (p[i - 1] + backoff(i - 1)));
  }
  pollTimes.sort((a, b) => a - b);
  lateness.sort((a, b) => a - b);
  firstLateness.sort((a, b) => a - b);
  const totalPolls = pollTimes.length;
  const pollWindowS = totalPolls > 1 ? (pollTimes[totalPolls - 1] - pollTimes[0]) / 1000 : 0;
  // Busiest second and in-flight peak.
  let peakPerS = 0;
  for (let i = 0, j = 0; i < totalPolls; i++) {
    while (pollTimes[i] - pollTimes[j] >= 1000) j++;
    peakPerS = Math.max(peakPerS, i - j + 1);
  }
  const events = spans.flatMap(([a, b]) => [
    [a, 1],
    [b, -1],
  ]);
  events.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let inFlight = 0;
  let peakInFlight = 0;
  for (const [, d] of events) peakInFlight = Math.max(peakInFlight, (inFlight += d));

  const toSettle = usage
    .filter((u) => u.settled_at && submitTime.has(u.id))
    .map((u) => new Date(u.settled_at).getTime() - submitTime.get(u.id))
    .sort((a, b) => a - b);
  const completed = usage.filter((u) => u.status === 'completed' && u.settlement === 'charged').length;
  const oneRecord = usage.filter((u) => u.records === 1).length;
  const noRecord = usage.filter((u) => u.records === 0).length;
  const costTotal = usage.reduce((s, u) => s + Number(u.cost), 0);
  const workerCpuS = (cpu1.worker - cpu0.worker) / 1e6;
  const late = (ms) => lateness.filter((x) => x > ms).length;
  const ok =
    submitErrors.length === 0 &&
    settled.ok &&
    completed === TASKS &&
    oneRecord === TASKS &&
    totalPolls === TASKS * POLLS;
  return {
    ok,
    submitted: ids.length,
    submitErrors,
    submitS: (sub.ended - sub.started) / 1000,
    completed,
    oneRecord,
    noRecord,
    costTotal,
    states: settled.by,
    totalPolls,
    pollCounts: [...pollCounts.entries()].sort((a, b) => a[0] - b[0]),
    unknownPolls: fakeData.unknown,
    pollWindowS,
    pollsPerS: pollWindowS ? totalPolls / pollWindowS : null,
    peakPerS,
    peakInFlight,
    workerCpuS,
    workerCpuPerPollMs: totalPolls ? (workerCpuS * 1000) / totalPolls : null,
    apiCpuS: (cpu1.api - cpu0.api) / 1e6,
    apiCpuPerSubmitMs: ids.length ? cpuApiSubmit / 1000 / ids.length : null,
    servicesCpuS: (cpu1.services - cpu0.services) / 1e6,
    lateness: {
      n: lateness.length,
      p50: pct(lateness, 50),
      p99: pct(lateness, 99),
      max: lateness[lateness.length - 1],
      over100: late(100),
      over1000: late(1000),
    },
    firstLateness: { p50: pct(firstLateness, 50), p99: pct(firstLateness, 99), max: firstLateness.at(-1) },
    toSettle: { p50: pct(toSettle, 50), p99: pct(toSettle, 99), max: toSettle.at(-1) },
  };
}

function markdown(r) {
  const cpu = os.cpus();
  const lines = [
    '# Video tasks bench',
    '',
    `- Date: ${new Date().toISOString()}`,
    `- Machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${fmt(os.totalmem() / 2 ** 30, 1)} GiB RAM, ` +
      `Linux ${os.release()}, Node ${process.version}`,
    `- Gateway: \`dist/main.js\` as two processes with \`npm start\`'s flags and environment: role \`api\` ` +
      `(submits) and role \`worker\` (BullMQ poller, settlement, usage writer)` +
      (HAS_TASKSET
        ? `; the worker pinned to core ${WORKER_CORE}, the API, the fake provider and the driver to core ${OTHERS_CORE}; ` +
          'Postgres and Redis not pinned.'
        : '; not pinned (no taskset).'),
    `- Settings: SWITCHBOARD_VIDEO_POLL_MS=${FIRST_MS}, SWITCHBOARD_VIDEO_POLL_MAX_MS=${MAX_MS}, ` +
      `SWITCHBOARD_VIDEO_WORKER_CONCURRENCY=${CONCURRENCY ?? '(default, 50)'}, LOG_LEVEL=warn, NODE_ENV=production; ` +
      `${fmt(TASKS)} tasks (\`${MODEL}\`, ${SECONDS} s, master key) submitted at ${RATE}/s; the fake provider ` +
      `answers \`queued\` on a task's first poll, \`in_progress\` on the next ${POLLS - 2}, \`completed\` on poll ${POLLS}. ` +
      `Backoff after a poll made when the task had k polls: min(${MAX_MS}, ${FIRST_MS} × 2^k) ms, so the ` +
      `least submit → completion time is ${fmt(idealMs() / 1000, 1)} s.`,
    '',
    `**Result: ${r.ok ? 'all tasks completed, each settled once with one usage record' : 'FAILED (see below)'}.**`,
    '',
    '| measure | value |',
    '| --- | --- |',
    `| tasks submitted / submit errors | ${fmt(r.submitted)} / ${fmt(r.submitErrors.length)} (in ${fmt(r.submitS, 1)} s) |`,
    `| tasks completed and charged | ${fmt(r.completed)} |`,
    `| tasks with exactly one usage record / none | ${fmt(r.oneRecord)} / ${fmt(r.noRecord)} (records' cost $${fmt(r.costTotal, 2)}, expected $${fmt(r.submitted * PRICE_PER_TASK, 2)}) |`,
    `| peak tasks in flight (fake: created, not yet completed) | ${fmt(r.peakInFlight)} |`,
    `| polls (at the fake) | ${fmt(r.totalPolls)} (expected ${fmt(TASKS * POLLS)}; polls per task: ${r.pollCounts.map(([k, n]) => `${k}×${fmt(n)}`).join(', ')}) |`,
    `| polls per second (first to last poll) / busiest second | ${fmt(r.pollsPerS, 0)} / ${fmt(r.peakPerS)} |`,
    `| worker CPU per poll | ${fmt(r.workerCpuPerPollMs, 3)} ms (${fmt(r.workerCpuS, 1)} CPU s over the run, settlement and usage records included) |`,
    `| worker RSS: at the start / peak (sampled every 200 ms) / VmHWM | ${fmt(r.workerRssStart, 1)} / ${fmt(r.workerRssPeak, 1)} / ${fmt(r.workerHwm, 1)} MB |`,
    `| API CPU per submit | ${fmt(r.apiCpuPerSubmitMs, 3)} ms (API peak RSS ${fmt(r.apiRssPeak, 1)} MB) |`,
    `| Postgres + Redis CPU over the run (all local processes) | ${fmt(r.servicesCpuS, 1)} s |`,
    `| poll lateness p50 / p99 / max | ${fmt(r.lateness.p50, 0)} / ${fmt(r.lateness.p99, 0)} / ${fmt(r.lateness.max, 0)} ms (${fmt(r.lateness.n)} polls; ${fmt(r.lateness.over100)} over 100 ms, ${fmt(r.lateness.over1000)} over 1 s) |`,
    `| first poll lateness p50 / p99 / max | ${fmt(r.firstLateness.p50, 0)} / ${fmt(r.firstLateness.p99, 0)} / ${fmt(r.firstLateness.max, 0)} ms |`,
    `| submit → settlement p50 / p99 / max | ${fmt(r.toSettle.p50 / 1000, 2)} / ${fmt(r.toSettle.p99 / 1000, 2)} / ${fmt(r.toSettle.max / 1000, 2)} s (least possible ${fmt(idealMs() / 1000, 1)} s) |`,
    `| run (first submit → all settled) | ${fmt(r.runS, 1)} s |`,
    '',
  ];
  if (r.submitErrors.length)
    lines.push(`Submit errors (first): \`${r.submitErrors[0].error.replace(/`/g, "'")}\``, '');
  if (!r.ok) lines.push(`Task states at the end: \`${JSON.stringify(r.states)}\``, '');
  lines.push(
    "**Lateness**: for every poll after a task's first, its arrival at the fake minus (the previous poll's " +
      'arrival + the backoff the gateway computes after it, `min(max, first × 2^pollCount)` with the pollCount ' +
      'the task had at that previous poll, as in `video-poller.ts`). It includes everything between the fake ' +
      "answering a poll and the next request leaving: the answer's trip back, the poll's Postgres writes, " +
      "`moveToDelayed`, BullMQ promoting the job, and waiting for one of the worker's concurrent slots. " +
      "First-poll lateness is measured from the fake's creation of the upstream task + the first delay " +
      "(the submit's own insert and enqueue are inside it). Worker CPU is utime+stime from `/proc/<pid>/stat` " +
      'from the first submit to the last settlement; API CPU covers the submit phase only.',
    '',
    'Rerun: `npm run bench:video` (or `node bench/video-tasks.js --tasks=2000 --rate=200 --polls=10 ' +
      '--poll-ms=1000 --poll-max-ms=2000`); needs Postgres and Redis on 127.0.0.1 and builds `dist/` if stale. ' +
      'See bench/README.md.',
    '',
  );
  return lines.join('\n');
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

module.exports = { analyse, markdown, backoff, idealMs };
