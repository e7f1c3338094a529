#!/usr/bin/env node
'use strict';
/**
 * What metering and limits cost on the request path: the same gateway build, run twice side by side
 * against the fake upstream, once as shipped and once with SWITCHBOARD_METERING=off (no rate-limit /
 * budget admission, no settlement, no usage event), measured in the same run with interleaved rounds.
 *
 * The virtual key used has an rpm limit, a tpm limit and a budget (all far out of reach), so the
 * metered gateway does the full work per request: the admission script (rate windows + reservation)
 * before the upstream call and the settlement script (spend, tokens, XADD to the usage stream) before
 * the answer completes. A worker process (role `worker`) moves the stream into Postgres, as in
 * production; its CPU is reported separately. Both API processes run pinned to core 0, one at a
 * time under load; wrk (or autocannon) and the fake upstream run on core 1.
 *
 *   node bench/metering-overhead.js [--duration=5] [--rounds=3] [--conc=1,16,64] [--scenario=nonstream,stream] [--quick]
 *
 * Needs Postgres and Redis on 127.0.0.1 (BENCH_DATABASE_URL, default
 * postgresql://postgres@127.0.0.1:5432/switchboard_bench_metering; BENCH_REDIS_URL). Builds dist/ if
 * stale. Prints a markdown table and appends it to bench/results/metering-overhead.md.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');
const { spawnSync } = require('node:child_process');
const { HAS_TASKSET, spawnPinned, waitForLine, freePort, stop, cpuMicros } = require('./lib/proc');
const { pickTool, runLoad } = require('./lib/load');
const { median } = require('./lib/stats');
const { benchPrefix, clearPrefix } = require('./lib/redis-prefix');

const ROOT = path.join(__dirname, '..');
const MAIN = path.join(ROOT, 'dist/main.js');
const RESULTS = path.join(__dirname, 'results', 'metering-overhead.md');
const MASTER_KEY = `sk-sb-bench-master-${crypto.randomBytes(8).toString('hex')}`;
const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const QUICK = 'quick' in args;
const DURATION = Number(args.duration ?? (QUICK ? 1 : 5));
const ROUNDS = Number(args.rounds ?? (QUICK ? 1 : 3));
const WARMUP = QUICK ? 1 : 2;
const CONC = (args.conc ?? '1,16,64').split(',').map(Number);
const SCENARIOS = (args.scenario ?? 'nonstream,stream').split(',');
const TOOL = pickTool(args.tool);
const DATABASE_URL =
  process.env.BENCH_DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/switchboard_bench_metering';
const REDIS_URL = process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379';
const log = (m) => console.log(`[metering-overhead] ${m}`);

async function poll(url, proc, timeoutMs = 60_000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (proc.exitCode !== null)
      throw new Error(`gateway exited with ${proc.exitCode}: ${proc.tail.slice(-1500)}`);
    try {
      const r = await fetch(url);
      await r.arrayBuffer();
      if (r.status === 200) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} not ready: ${proc.tail.slice(-1500)}`);
}

/** pids of the Postgres server processes (all of them: their CPU is shared with anything else using the server). */
function postgresPids() {
  const pids = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (fs.readFileSync(`/proc/${d}/comm`, 'utf8').trim() === 'postgres') pids.push(Number(d));
    } catch {
      /* gone */
    }
  }
  return pids;
}

/** Summed CPU µs of pids that may come and go (Postgres backends). */
function cpuOf(pids) {
  let us = 0;
  for (const pid of pids) {
    try {
      us += cpuMicros(pid);
    } catch {
      /* exited */
    }
  }
  return us;
}

async function redisPid() {
  const Redis = require('ioredis');
  const r = new Redis(REDIS_URL);
  try {
    return Number(/process_id:(\d+)/.exec(await r.info('server'))?.[1]);
  } finally {
    r.disconnect();
  }
}

function yaml(upPort) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-metering-bench-'));
  const file = path.join(dir, 'switchboard.yaml');
  fs.writeFileSync(
    file,
    `models:
  - model_name: bench-openai
    deployments:
      - provider: openai
        upstream_model: gpt-4o-mini
        api_key: sk-fake
        base_url: http://127.0.0.1:${upPort}/v1
`,
  );
  return { dir, file };
}

async function main() {
  spawnSync(process.execPath, [path.join(ROOT, 'scripts/build-if-needed.js')], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (!fs.existsSync(MAIN)) throw new Error('dist/main.js is missing (npm run build)');
  if (!HAS_TASKSET) log('taskset or a second core missing: running unpinned');

  const up = spawnPinned(1, process.execPath, [path.join(__dirname, 'fake-upstream.js')]);
  const upPort = Number((await waitForLine(up, /LISTENING (\d+)/))[1]);
  const cfg = yaml(upPort);
  const env = {
    ...process.env,
    DATABASE_URL,
    REDIS_URL,
    SWITCHBOARD_REDIS_PREFIX: benchPrefix('meter'),
    SWITCHBOARD_MASTER_KEY: MASTER_KEY,
    SWITCHBOARD_ENCRYPTION_KEY: crypto.randomBytes(32).toString('base64'),
    SWITCHBOARD_CONFIG: cfg.file,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
  };
  const procs = [];
  const cleanup = async () => {
    await Promise.all([...procs, up].map((p) => stop(p)));
    fs.rmSync(cfg.dir, { recursive: true, force: true });
  };
  try {
    const ports = { on: await freePort(), off: await freePort() };
    const on = spawnPinned(0, process.execPath, [MAIN], {
      cwd: ROOT,
      env: { ...env, PORT: String(ports.on), SWITCHBOARD_ROLE: 'api' },
    });
    procs.push(on);
    await poll(`http://127.0.0.1:${ports.on}/health/ready`, on); // first: it creates and migrates the database
    const off = spawnPinned(0, process.execPath, [MAIN], {
      cwd: ROOT,
      env: { ...env, PORT: String(ports.off), SWITCHBOARD_ROLE: 'api', SWITCHBOARD_METERING: 'off' },
    });
    const worker = spawnPinned(null, process.execPath, [MAIN], {
      cwd: ROOT,
      env: { ...env, SWITCHBOARD_ROLE: 'worker' },
    });
    procs.push(off, worker);
    await poll(`http://127.0.0.1:${ports.off}/health/ready`, off);

    const created = await fetch(`http://127.0.0.1:${ports.on}/admin/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${MASTER_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'metering-bench',
        rpm_limit: 1_000_000_000,
        tpm_limit: 1_000_000_000,
        max_budget_usd: '1000000',
        budget_duration: '30d',
      }),
    });
    if (created.status !== 201)
      throw new Error(`POST /admin/keys answered ${created.status}: ${await created.text()}`);
    const { id: keyId, key } = await created.json();
    // the common case: a key without limits or budget (no admission round trip, settlement only)
    const plain = await fetch(`http://127.0.0.1:${ports.on}/admin/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${MASTER_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'metering-bench-plain' }),
    });
    if (plain.status !== 201)
      throw new Error(`POST /admin/keys answered ${plain.status}: ${await plain.text()}`);
    const { id: plainKeyId, key: plainKey } = await plain.json();

    const targets = {
      on: { pid: on.pid, port: ports.on, key },
      plain: { pid: on.pid, port: ports.on, key: plainKey },
      off: { pid: off.pid, port: ports.off, key },
    };
    const NAMES = Object.keys(targets);
    const request = (t, scenario) => ({
      url: `http://127.0.0.1:${targets[t].port}/v1/chat/completions`,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${targets[t].key}` },
      body: JSON.stringify({
        model: 'bench-openai',
        messages: [{ role: 'user', content: 'Say hello' }],
        max_tokens: 16,
        ...(scenario === 'stream' ? { stream: true } : {}),
      }),
    });
    // check both answer, and that only the metered one meters
    for (const t of NAMES) {
      const r = request(t, 'nonstream');
      const res = await fetch(r.url, { method: 'POST', headers: r.headers, body: r.body });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`${t}: ${res.status} ${text.slice(0, 300)}`);
      const limited = res.headers.get('x-ratelimit-limit-requests');
      if ((t === 'on') !== (limited !== null))
        throw new Error(`${t}: unexpected x-ratelimit-limit-requests=${limited}`);
    }

    const records = [];
    let onRequests = 2; // the two checks above
    const workerCpu0 = cpuMicros(worker.pid);
    const rpid = await redisPid();
    // worker + Redis + Postgres: the work metering adds outside the API process (Redis and Postgres are
    // shared with whatever else runs on this machine, so this column is approximate)
    const backing = () => cpuMicros(worker.pid) + (rpid ? cpuOf([rpid]) : 0) + cpuOf(postgresPids());
    for (const scenario of SCENARIOS) {
      for (const t of NAMES) {
        const w = await runLoad(TOOL, request(t, scenario), 16, WARMUP);
        if (t !== 'off') onRequests += w.requests;
      }
      for (const conc of CONC) {
        for (let round = 0; round < ROUNDS; round++) {
          const order = NAMES.map((_, i) => NAMES[(i + round) % NAMES.length]);
          for (const t of order) {
            const cpu0 = cpuMicros(targets[t].pid);
            const back0 = backing();
            const r = await runLoad(TOOL, request(t, scenario), conc, DURATION);
            const cpu = cpuMicros(targets[t].pid) - cpu0;
            // the writer lags by up to its coalescing interval: include it
            await new Promise((res) => setTimeout(res, 400));
            const back = backing() - back0;
            if (t !== 'off') onRequests += r.requests;
            const n = Math.max(1, r.requests);
            records.push({ scenario, conc, t, ...r, cpuUsPerReq: cpu / n, backingUsPerReq: back / n });
            log(
              `${scenario} c${conc} round ${round + 1} ${t.padEnd(5)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms  API ${(cpu / n).toFixed(0)} µs CPU/req  worker+Redis+PG ${(back / n).toFixed(0)} µs/req  errors ${r.errors + r.non2xx}`,
            );
          }
        }
      }
    }

    // the metered gateway's records all land (wrk counts completed answers; a few cut at the end of a run may add)
    const { Client } = require('pg');
    const db = new Client({ connectionString: DATABASE_URL });
    await db.connect();
    let written = 0;
    const until = Date.now() + 30_000;
    for (;;) {
      written = Number(
        (
          await db.query('SELECT count(*)::int AS n FROM usage_records WHERE key_id = ANY($1::uuid[])', [
            [keyId, plainKeyId],
          ])
        ).rows[0].n,
      );
      if (written >= onRequests || Date.now() > until) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    await db.end();
    const workerUs = cpuMicros(worker.pid) - workerCpu0;

    const md = report(records, {
      onRequests,
      written,
      workerUsPerRecord: written ? workerUs / written : null,
    });
    console.log(`\n${md}`);
    fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
    fs.appendFileSync(RESULTS, `${md}\n`);
    log(`appended to ${path.relative(ROOT, RESULTS)}`);
  } finally {
    await cleanup();
    await clearPrefix(REDIS_URL, env.SWITCHBOARD_REDIS_PREFIX).catch(() => undefined);
  }
}

function report(records, extra) {
  const f = (x, d = 2) =>
    x == null ? 'n/a' : x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
  const lines = [
    `## Metering overhead — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), Node ${process.version}, ${TOOL}, ${ROUNDS} interleaved round(s) × ${DURATION} s per cell, medians; ` +
      `API pinned to core 0${HAS_TASKSET ? '' : ' (unpinned: no taskset)'}, load generator and fake upstream on core 1, worker, Redis and Postgres unpinned. ` +
      '"limits": as shipped, virtual key with rpm, tpm and budget (admission + settlement, two Redis scripts); "plain": as shipped, key without limits (settlement only); ' +
      '"off": SWITCHBOARD_METERING=off. Ratios and "added" are against "off" in the same cell.',
    '',
    '| scenario | conc | metering | req/s | vs off | p50 ms | p50 added ms | p99 ms | API CPU µs/req | API CPU added µs | worker+Redis+PG CPU µs/req | errors |',
    '|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const label = { on: 'limits', plain: 'plain', off: 'off' };
  for (const scenario of [...new Set(records.map((r) => r.scenario))]) {
    for (const conc of [...new Set(records.map((r) => r.conc))]) {
      const pick = (t, k) =>
        median(
          records.filter((r) => r.scenario === scenario && r.conc === conc && r.t === t).map((r) => r[k]),
        );
      const off = { rps: pick('off', 'rps'), p50: pick('off', 'p50'), cpu: pick('off', 'cpuUsPerReq') };
      for (const t of ['on', 'plain', 'off']) {
        const rps = pick(t, 'rps');
        if (rps == null) continue;
        const errors = records
          .filter((r) => r.scenario === scenario && r.conc === conc && r.t === t)
          .reduce((sum, r) => sum + r.errors + r.non2xx, 0);
        const p50 = pick(t, 'p50');
        const cpu = pick(t, 'cpuUsPerReq');
        const same = t === 'off';
        lines.push(
          `| ${scenario} | ${conc} | ${label[t]} | ${f(rps, 0)} | ${same ? '' : `${f(rps / off.rps)}×`} | ${f(p50)} | ${same ? '' : f(p50 - off.p50)} | ${f(pick(t, 'p99'))} | ${f(cpu, 0)} | ${same ? '' : f(cpu - off.cpu, 0)} | ${f(pick(t, 'backingUsPerReq'), 0)} | ${errors} |`,
        );
      }
    }
  }
  lines.push(
    '',
    `Metered requests answered: ${extra.onRequests.toLocaleString('en-US')}; usage records written for the two keys: ${extra.written.toLocaleString('en-US')}` +
      ` (${extra.written >= extra.onRequests ? 'all landed; a few more than counted: wrk does not count answers cut at the end of a run' : `${(extra.onRequests - extra.written).toLocaleString('en-US')} missing after 30 s`}).` +
      ` Worker (stream → Postgres) CPU over the whole run: ${f(extra.workerUsPerRecord, 0)} µs per record.`,
    '',
  );
  return lines.join('\n');
}
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
