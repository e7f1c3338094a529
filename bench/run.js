#!/usr/bin/env node
'use strict';
/**
 * Switchboard benchmark runner: gateway overhead against a bare Node proxy and the fake upstream.
 * See bench/README.md. Writes bench/results/latest.md and bench/results/latest.json (--out=NAME: NAME.md
 * and NAME.json instead; with --soak: lib/soak.js, bench/results/soak.md and soak.json).
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { HAS_TASKSET, cpuMicros, memMB, rssSampler } = require('./lib/proc');
const { pickTool, runLoad, runProbe } = require('./lib/load');
const T = require('./lib/targets');
const { aggregate, markdown } = require('./lib/report');
const { scrape } = require('./lib/soak-sampler');
const { NAMES: SCENARIOS, parseScenarios, isStream, isMessages } = require('./lib/scenarios');

const USAGE = `usage: npm run bench -- [options]
  --quick                 ~1 minute smoke run (1 s load runs, 0.5 s probes)
  --only=a,b              targets: direct, bare, gateway (split set-up), installed (as installed),
                          portkey (default: direct,bare,gateway,installed)
  --peers                 also measure peers installed in bench/peers (Portkey)
  --scenario=a,b          nonstream, stream (chat completions, every target); messages-translated,
                          messages-translated-stream (POST /v1/messages for bench-openai, translated),
                          messages-passthrough, messages-passthrough-stream (for bench-anthropic, passed
                          through): gateway only. Shorthands: chat, messages, all (default: all)
  --conc=1,16,64          concurrency levels
  --rounds=N              interleaved rounds, medians reported (default 3)
  --duration=S            seconds per load run (default 6)
  --probe-duration=S      seconds per stream-probe run (default 3)
  --warmup=S              seconds of warm-up load per target and scenario (default 2)
  --tool=wrk|autocannon   load generator (default: wrk when on PATH)
  --no-virtual-key        call the gateway with the master key instead of a virtual key
  --no-limits             virtual key without rate limits or budget, and no team (default: a key in a team,
                          both with rpm/tpm limits and a budget far out of reach, so admission runs)
  --chunk-delay-ms=N      fake upstream pause between stream chunks (default 0)
  --note=TEXT             a line for the report's header (e.g. what else ran on the machine)
  --out=NAME              write bench/results/NAME.md and NAME.json instead of latest.md / latest.json
  --soak                  soak instead: fake upstream + gateway (api + worker) only, one long run of mixed
                          OpenAI/Gemini traffic (JSON and stream) with aborted streams, upstream faults and
                          video tasks beside it; RSS, heap, event-loop delay and handles every 10 s; usage
                          records checked exactly once; bench/results/soak.md (--only, --scenario, --conc,
                          --rounds, --duration, --tool do not apply)
  --soak-duration=S       soak length in seconds (default 300)
  --soak-conc=N           soak concurrency (default 16)
  --soak-setup=S          split (api + worker processes, default) or installed (npm start, role all)`;

const ALL_TARGETS = ['direct', 'bare', 'gateway', 'installed', 'portkey'];
const RESULTS = path.join(__dirname, 'results');
const log = (msg) => console.log(`[bench] ${msg}`);
const list = (v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const DEFAULTS = {
  targets: ['direct', 'bare', 'gateway', 'installed'],
  scenarios: SCENARIOS,
  out: 'latest',
  conc: [1, 16, 64],
  rounds: 3,
  duration: 6,
  probeDuration: 3,
  warmup: 2,
  virtualKey: true,
  limits: true,
  chunkDelayMs: 0,
  soak: false,
  soakDuration: 300,
  soakConc: 16,
  soakSetup: 'split',
};
const QUICK = { quick: true, duration: 1, probeDuration: 0.5, warmup: 1 };

function parseArgs(argv) {
  const o = { ...DEFAULTS, targets: [...DEFAULTS.targets], ...(argv.includes('--quick') ? QUICK : {}) };
  for (const a of argv) {
    const [k, v = ''] = a.replace(/^--/, '').split('=');
    if (k === 'help' || k === 'h') {
      console.log(USAGE);
      process.exit(0);
    } else if (k === 'quick') continue;
    else if (k === 'peers') o.targets.push('portkey');
    else if (k === 'only') o.only = list(v);
    else if (k === 'scenario') o.scenarios = list(v);
    else if (k === 'conc') o.conc = list(v).map(Number);
    else if (k === 'rounds') o.rounds = Number(v);
    else if (k === 'duration') o.duration = Number(v);
    else if (k === 'probe-duration') o.probeDuration = Number(v);
    else if (k === 'warmup') o.warmup = Number(v);
    else if (k === 'tool') o.tool = v;
    else if (k === 'virtual-key') o.virtualKey = v !== 'false' && v !== '0';
    else if (k === 'no-virtual-key') o.virtualKey = false;
    else if (k === 'limits') o.limits = v !== 'false' && v !== '0';
    else if (k === 'no-limits') o.limits = false;
    else if (k === 'soak') o.soak = true;
    else if (k === 'soak-duration') o.soakDuration = Number(v);
    else if (k === 'soak-conc') o.soakConc = Number(v);
    else if (k === 'soak-setup') o.soakSetup = v;
    else if (k === 'chunk-delay-ms') o.chunkDelayMs = Number(v);
    else if (k === 'out') o.out = v;
    else if (k === 'note') o.note = a.slice(a.indexOf('=') + 1);
    else throw new Error(`unknown option ${a}\n${USAGE}`);
  }
  if (o.only) o.targets = o.only;
  const bad = o.targets.filter((t) => !ALL_TARGETS.includes(t));
  if (bad.length) throw new Error(`unknown target: ${bad.join(', ')}\n${USAGE}`);
  o.scenarios = parseScenarios(o.scenarios);
  if (!o.scenarios.length) throw new Error(`no scenario\n${USAGE}`);
  if (!/^[\w.-]+$/.test(o.out)) throw new Error(`--out must be a plain file name (no extension)\n${USAGE}`);
  if (!(o.soakDuration >= 1) || !(Number.isInteger(o.soakConc) && o.soakConc >= 1)) {
    throw new Error(`--soak-duration must be ≥ 1 s and --soak-conc a positive integer\n${USAGE}`);
  }
  if (!['split', 'installed'].includes(o.soakSetup))
    throw new Error(`--soak-setup: split or installed\n${USAGE}`);
  o.targets = ALL_TARGETS.filter((t) => o.targets.includes(t)); // fixed order, no duplicates
  return o;
}

/**
 * prom-client samples the loop every 10 ms (eventLoopMonitoringPrecision) and its histogram holds each
 * whole interval between two samples, so an idle loop reads ~10 ms: the delay is what is beyond it.
 */
const LOOP_SAMPLING_MS = 10;

/**
 * One load run with the target's CPU time and RSS sampled around it, and for the gateway its event-loop
 * delay over the run: prom-client's monitorEventLoopDelay histogram is reset by each /metrics scrape, so
 * a scrape before the run starts the window and the one after reads it (neither is inside the run).
 */
async function measureLoad(tool, t, scenario, conc, seconds) {
  if (t.metricsUrl) await scrape(t.metricsUrl, t.metricsHeaders);
  const stopRss = rssSampler(t.pid);
  const cpu0 = cpuMicros(t.pid);
  const r = await runLoad(tool, t.request(scenario), conc, seconds);
  const cpu = cpuMicros(t.pid) - cpu0;
  const m = { ...r, cpuUsPerReq: r.requests ? cpu / r.requests : null, rssMB: stopRss() };
  if (t.metricsUrl) {
    const lag = await scrape(t.metricsUrl, t.metricsHeaders);
    const beyond = (x) => (x == null ? null : Math.max(0, x - LOOP_SAMPLING_MS));
    Object.assign(m, {
      loopP50: beyond(lag.lagP50),
      loopP99: beyond(lag.lagP99),
      loopMax: beyond(lag.lagMax),
    });
  }
  return m;
}

async function measureProbe(t, scenario, conc, seconds) {
  const req = t.request(scenario);
  const r = await runProbe(
    { url: req.url, headers: req.headers, body: req.body },
    conc,
    seconds * 1000,
    req.expect,
  );
  const f = { fb50: r.first.p50, fb90: r.first.p90, fb99: r.first.p99 };
  return {
    rps: r.rps,
    requests: r.requests,
    errors: r.errors,
    ...f,
    tot50: r.total.p50,
    tot90: r.total.p90,
    tot99: r.total.p99,
  };
}

const loadAvg = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' / ');

function gitCommit() {
  const r = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: __dirname, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : 'no commit';
}

/** Align the markdown tables with the repo's prettier when it is installed (it is a devDependency). */
async function pretty(md) {
  try {
    return await require('prettier').format(md, { parser: 'markdown', proseWrap: 'preserve' });
  } catch {
    return md;
  }
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const tool = pickTool(o.tool);
  const meta = {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    commit: gitCommit(),
    cpu: os.cpus()[0]?.model.trim() || 'unknown CPU',
    cores: os.availableParallelism(),
    node: process.versions.node,
    tool,
    pinning: HAS_TASKSET
      ? 'targets taskset -c 0; load + fake upstream -c 1'
      : 'none (taskset missing or 1 core)',
    ...o,
  };
  if (o.soak) return require('./lib/soak').runSoak(o, meta, { log, pretty });
  log(
    `targets ${o.targets.join(', ')}; scenarios ${o.scenarios.join(', ')}; conc ${o.conc.join(', ')}; ${tool}`,
  );

  const cleanup = [];
  const stopAll = () => Promise.all(cleanup.splice(0).map((f) => f().catch(() => {})));
  process.once('SIGINT', () => stopAll().then(() => process.exit(130)));
  try {
    meta.loadBefore = loadAvg();
    const up = await T.startFakeUpstream(o.chunkDelayMs);
    cleanup.push(up.stop);
    const targets = [];
    const skipped = [];
    for (const name of o.targets) {
      try {
        log(`starting ${name}…`);
        const t =
          name === 'direct'
            ? T.direct(up)
            : await T[name](up, { virtualKey: o.virtualKey, limits: o.limits, log });
        cleanup.push(t.stop);
        await T.validate(
          t,
          o.scenarios.filter((sc) => !isMessages(sc)),
        );
        // A Messages scenario that fails drops only itself (with the reason), not the target's chat figures.
        for (const sc of o.scenarios.filter((s) => isMessages(s) && t.request(s))) {
          try {
            await T.validate(t, [sc]);
          } catch (err) {
            log(`SKIPPING ${name} ${sc}: ${err.message}`);
            skipped.push({ name: `${name} ${sc}`, reason: err.message });
            const serve = t.request;
            t.request = (s) => (s === sc ? null : serve(s));
          }
        }
        targets.push(t);
      } catch (err) {
        log(`SKIPPING ${name}: ${err.message}`);
        skipped.push({ name, reason: err.message });
      }
    }
    if (!targets.length) throw new Error('no target could be started');
    for (const t of targets) if (t.note) meta.pinning += `; ${t.note}`;

    const serving = (sc) => targets.filter((t) => t.request(sc));
    // The split gateway moves Redis and Postgres off its core only while it is measured (enter/leave).
    const during = async (t, fn) => {
      t.enter?.();
      try {
        return await fn();
      } finally {
        t.leave?.();
      }
    };
    for (const t of targets) {
      for (const sc of o.scenarios)
        if (t.request(sc)) await during(t, () => runLoad(tool, t.request(sc), 16, o.warmup));
    }

    const records = [];
    const total = o.scenarios.reduce((sum, sc) => sum + serving(sc).length, 0) * o.conc.length * o.rounds;
    let n = 0;
    for (const scenario of o.scenarios) {
      const ts = serving(scenario);
      for (const conc of o.conc) {
        for (let round = 0; round < o.rounds; round++) {
          // interleave targets, rotating the order each round so none always goes first
          const order = ts.map((_, i) => ts[(i + round) % ts.length]);
          for (const t of order) {
            const base = { round, scenario, conc, target: t.name };
            const m = await during(t, () => measureLoad(tool, t, scenario, conc, o.duration));
            records.push({ ...base, kind: 'load', ...m });
            let line = `${m.rps.toFixed(0)} req/s, p50 ${m.p50?.toFixed(3)} ms, ${m.cpuUsPerReq?.toFixed(0)} µs CPU/req`;
            if (m.loopP99 != null) line += `, loop delay p99 ${m.loopP99.toFixed(1)} ms`;
            if (isStream(scenario)) {
              const p = await during(t, () => measureProbe(t, scenario, conc, o.probeDuration));
              records.push({ ...base, kind: 'probe', ...p });
              line += `, first byte p50 ${p.fb50?.toFixed(3)} ms`;
            }
            if (m.errors || m.non2xx) line += ` — ${m.errors} errors, ${m.non2xx} non-2xx`;
            log(`[${++n}/${total}] ${scenario} c=${conc} round ${round + 1} ${t.name}: ${line}`);
          }
        }
      }
    }

    for (const t of targets) t.hwmMB = memMB(t.pid).hwm;
    meta.loadAfter = loadAvg();
    const agg = aggregate(records);
    const md = await pretty(markdown(meta, agg, targets, skipped));
    fs.mkdirSync(RESULTS, { recursive: true });
    fs.writeFileSync(path.join(RESULTS, `${o.out}.md`), md);
    const info = targets.map((t) => ({ name: t.name, label: t.label, hwmMB: t.hwmMB }));
    const json = { meta, targets: info, skipped, medians: agg, records };
    fs.writeFileSync(path.join(RESULTS, `${o.out}.json`), JSON.stringify(json, null, 2) + '\n');
    console.log(`\n${md}`);
    log(`wrote bench/results/${o.out}.md and bench/results/${o.out}.json`);
  } finally {
    await stopAll();
  }
}

main().catch((err) => {
  console.error(`[bench] ${err.stack || err.message}`);
  process.exitCode = 1;
});
