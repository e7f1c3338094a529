'use strict';
/**
 * Soak (npm run bench -- --soak): the gateway target under one long run of mixed traffic — OpenAI chat
 * (JSON, and SSE with the usage chunk) and Gemini through the Google dialect route (generateContent,
 * streamGenerateContent?alt=sse), rotating request by request — with the API process's VmRSS sampled
 * every 10 s. Flat = least-squares slope after the warm-up < 1 MB/min and the end RSS within 10 % of the
 * RSS after the warm-up. Writes bench/results/soak.md (and soak.json, git-ignored).
 */
const fs = require('node:fs');
const path = require('node:path');
const { cpuMicros, memMB } = require('./proc');
const { runMixed } = require('./load');
const T = require('./targets');

const RESULTS = path.join(__dirname, '..', 'results');
const SAMPLE_SEC = 10;
const FULL_WARMUP_SEC = 60;
const MAX_SLOPE_MB_MIN = 1;
const MAX_DRIFT = 0.1;

/** 60 s, or for runs shorter than 2 minutes a third of the run (a multiple of the sample interval, ≥ 10 s). */
const warmupFor = (durationSec) =>
  durationSec >= 2 * FULL_WARMUP_SEC
    ? FULL_WARMUP_SEC
    : Math.max(SAMPLE_SEC, Math.floor(durationSec / 3 / SAMPLE_SEC) * SAMPLE_SEC);

/** Least-squares slope of y over x (null with fewer than 2 distinct x). */
function slope(points) {
  const n = points.length;
  if (n < 2) return null;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (const p of points) {
    sxx += (p.x - mx) ** 2;
    sxy += (p.x - mx) * (p.y - my);
  }
  return sxx > 0 ? sxy / sxx : null;
}

/** Every SAMPLE_SEC: t (s since the load started), API and worker VmRSS (MB), API CPU % over the interval. */
function startSampler(t0, apiPid, workerPid) {
  const samples = [];
  let last = { at: t0, cpu: cpuMicros(apiPid) };
  const take = () => {
    const at = Date.now();
    const s = { t: (at - t0) / 1000, apiMB: null, workerMB: null, cpuPct: null };
    try {
      s.apiMB = memMB(apiPid).rss;
      const cpu = cpuMicros(apiPid);
      s.cpuPct = at > last.at ? ((cpu - last.cpu) / 1000 / (at - last.at)) * 100 : null;
      last = { at, cpu };
    } catch {
      /* the API process is gone: the null shows in the series */
    }
    try {
      if (workerPid) s.workerMB = memMB(workerPid).rss;
    } catch {
      /* worker gone */
    }
    samples.push(s);
  };
  take();
  const timer = setInterval(take, SAMPLE_SEC * 1000);
  return () => {
    clearInterval(timer);
    // the end sample, unless the last tick was just now
    if (Date.now() - t0 - samples[samples.length - 1].t * 1000 > 2000) take();
    return samples;
  };
}

function analyse(samples, durationSec) {
  const warmupSec = warmupFor(durationSec);
  const valid = samples.filter((s) => s.apiMB != null);
  const after = valid.filter((s) => s.t >= warmupSec - 1);
  const warm = after[0] || null;
  const end = valid[valid.length - 1] || null;
  const slopeMBmin = slope(after.map((s) => ({ x: s.t / 60, y: s.apiMB })));
  const drift = warm && end ? (end.apiMB - warm.apiMB) / warm.apiMB : null;
  const flat =
    slopeMBmin != null && drift != null && slopeMBmin < MAX_SLOPE_MB_MIN && Math.abs(drift) <= MAX_DRIFT;
  return {
    warmupSec,
    warm,
    end,
    maxMB: valid.length ? Math.max(...valid.map((s) => s.apiMB)) : null,
    slopeMBmin,
    fitPoints: after.length,
    drift,
    flat,
    lost: valid.length < samples.length,
  };
}

const f = (x, d = 1) =>
  x == null ? 'n/a' : x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const signed = (x, d) => (x == null ? 'n/a' : `${x >= 0 ? '+' : '−'}${f(Math.abs(x), d)}`);
const mark = (ok) => (ok ? '✅' : '❌');

function markdown(meta, res) {
  const { a, load, samples, label, mix } = res;
  const errors = load.errors + load.non2xx;
  const short = meta.soakDuration < 2 * FULL_WARMUP_SEC;
  const out = [
    '# Switchboard soak — gateway RSS under mixed traffic',
    '',
    `${meta.date} · commit ${meta.commit} · ${meta.cpu} (${meta.cores} cores) · Node ${meta.node} · ` +
      `load: ${meta.tool} · pinning: ${meta.pinning} · ${meta.soakDuration} s at concurrency ${meta.soakConc} · ` +
      `target: ${label}${short ? ` · **smoke run (${meta.soakDuration} s): warm-up cut to ${a.warmupSec} s, not a verdict**` : ''}`,
    '',
    `Mix, rotating request by request (one ${meta.tool} run): ${mix.map((m) => `\`${m}\``).join(', ')}. ` +
      `VmRSS of the API process sampled every ${SAMPLE_SEC} s. Flat = least-squares slope over the samples ` +
      `from the end of the warm-up on < ${MAX_SLOPE_MB_MIN} MB/min, and end RSS within ` +
      `${MAX_DRIFT * 100} % of the RSS after the warm-up. How to read this: [bench/README.md](../README.md).`,
    '',
    '| measure | value |',
    '| --- | ---: |',
    `| RSS after warm-up (t = ${f(a.warm?.t, 0)} s) | ${f(a.warm?.apiMB)} MB |`,
    `| RSS at the end (t = ${f(a.end?.t, 0)} s) | ${f(a.end?.apiMB)} MB |`,
    `| max RSS | ${f(a.maxMB)} MB |`,
    `| slope after warm-up (least squares, ${a.fitPoints} samples) | ${signed(a.slopeMBmin, 2)} MB/min ${mark(a.slopeMBmin != null && a.slopeMBmin < MAX_SLOPE_MB_MIN)} |`,
    `| end vs after warm-up | ${a.drift == null ? 'n/a' : `${signed(a.drift * 100, 1)} %`} ${mark(a.drift != null && Math.abs(a.drift) <= MAX_DRIFT)} |`,
    `| **RSS flat** | **${a.flat ? 'yes ✅' : 'no ❌'}** |`,
    `| requests/s (mix) | ${f(load.rps, 0)} (${load.requests.toLocaleString('en-US')} requests) |`,
    `| latency p50 / p90 / p99 (mix, to the last byte) | ${f(load.p50, 2)} / ${f(load.p90, 2)} / ${f(load.p99, 2)} ms |`,
    `| transport errors / non-2xx answers | ${load.errors} / ${load.non2xx} ${mark(errors === 0)} |`,
    '',
    '## Samples',
    '',
    '| t s | API RSS MB | worker RSS MB | API CPU % (since previous sample) |',
    '| ---: | ---: | ---: | ---: |',
    ...samples.map(
      (s) =>
        `| ${f(s.t, 0)} | ${s.apiMB == null ? 'gone' : f(s.apiMB)} | ${f(s.workerMB)} | ${f(s.cpuPct, 0)} |`,
    ),
  ];
  if (a.lost) out.push('', '**The API process exited during the soak.**');
  return out.join('\n') + '\n';
}

/** o: parsed options (soakDuration, soakConc, chunkDelayMs, virtualKey, limits); meta: run metadata. */
async function runSoak(o, meta, { tool, log, pretty }) {
  const cleanup = [];
  const stopAll = () => Promise.all(cleanup.splice(0).map((fn) => fn().catch(() => {})));
  process.once('SIGINT', () => stopAll().then(() => process.exit(130)));
  try {
    const up = await T.startFakeUpstream(o.chunkDelayMs);
    cleanup.push(up.stop);
    log('starting gateway…');
    const t = await T.gateway(up, { virtualKey: o.virtualKey, limits: o.limits, log });
    cleanup.push(t.stop);
    if (t.note) meta.pinning += `; ${t.note}`;
    const reqs = t.mixedRequests();
    await T.validateMixed(reqs);
    log(`validated ${reqs.map((r) => r.name).join(', ')}: 200`);
    log(
      `${t.label}: soak ${o.soakDuration} s at concurrency ${o.soakConc} with ${tool}, RSS every ${SAMPLE_SEC} s…`,
    );

    const t0 = Date.now();
    const stopSampler = startSampler(t0, t.pid, t.workerPid);
    const progress = setInterval(() => {
      try {
        log(`t=${Math.round((Date.now() - t0) / 1000)} s: API RSS ${f(memMB(t.pid).rss)} MB`);
      } catch {
        /* gone; reported at the end */
      }
    }, 60_000);
    let load;
    try {
      const base = new URL(reqs[0].url).origin;
      load = await runMixed(tool, base, reqs, o.soakConc, o.soakDuration);
    } finally {
      clearInterval(progress);
    }
    const samples = stopSampler();
    const a = analyse(samples, o.soakDuration);
    const res = { label: t.label, mix: reqs.map((r) => r.name), load, samples, a };
    const md = await pretty(markdown(meta, res));
    fs.mkdirSync(RESULTS, { recursive: true });
    fs.writeFileSync(path.join(RESULTS, 'soak.md'), md);
    const json = { meta, target: t.label, mix: res.mix, load, analysis: a, samples };
    fs.writeFileSync(path.join(RESULTS, 'soak.json'), JSON.stringify(json, null, 2) + '\n');
    console.log(`\n${md}`);
    log('wrote bench/results/soak.md and bench/results/soak.json');
  } finally {
    await stopAll();
  }
}

module.exports = { runSoak, slope, analyse, warmupFor };
