'use strict';
/**
 * Soak (npm run bench -- --soak): the gateway (api + worker processes) under one long run of mixed
 * traffic — OpenAI chat and Gemini, JSON and stream, rotating request by request — with, beside it,
 * client aborts mid-stream, upstream faults (the fake upstream's fault models: 500, 429, broken stream,
 * cut JSON body) and video tasks submitted and polled to completion against lib/fake-video-provider.js.
 * Load: bench/soak-load.js (one request id per request). Every 10 s: lib/soak-sampler.js (RSS, heap,
 * event-loop delay, handles, fds). At the end: lib/soak-checks.js (one usage record per request, video
 * tasks settled once). Flat = least-squares slope after the warm-up < 1 MB/min and the end RSS within
 * 10 % of the RSS after the warm-up (minute 1). Writes bench/results/soak.md (and soak.json, git-ignored).
 */
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const { memMB, spawnPinned, waitForLine, runToEnd, stop } = require('./proc');
const { startSampler, fdsByKind, SAMPLE_SEC } = require('./soak-sampler');
const { checkUsage, checkVideo } = require('./soak-checks');
const { markdown, MAX_SLOPE_MB_MIN, MAX_DRIFT, FULL_WARMUP_SEC } = require('./soak-report');
const T = require('./targets');

const RESULTS = path.join(__dirname, '..', 'results');
const LOAD_CORE = 1;

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

/**
 * Minute 1 against the last full minute (minute 5 of the default 300 s): the mix's requests/s and
 * latency (soak-load.js, by minute) and the API's RSS and event-loop delay (the samples taken in each
 * minute: RSS the last, loop delay p99 the worst). null when the run is shorter than 2 minutes.
 */
function minuteOneVsLast(minutes, samples) {
  if (!minutes || minutes.length < 2) return null;
  const last = minutes[minutes.length - 1];
  const inMinute = (k) => samples.filter((s) => !s.idle && s.t > (k - 1) * 60 && s.t <= k * 60 + 1);
  const side = (m) => {
    const ss = inMinute(m.minute);
    const rss = ss.filter((s) => s.apiMB != null);
    const lag = ss.map((s) => s.lagP99).filter((x) => x != null);
    return {
      minute: m.minute,
      rps: m.rps,
      p50: m.p50,
      p99: m.p99,
      rssMB: rss.length ? rss[rss.length - 1].apiMB : null,
      loopP99: lag.length ? Math.max(...lag) : null,
    };
  };
  return { first: side(minutes[0]), last: side(last) };
}

const VIDEO_KEY = 'sk-fake-video-soak';
const VIDEO_POLLS = 3; // the fake provider completes a task on its 3rd poll
const GATEWAY_VIDEO_POLL = { SWITCHBOARD_VIDEO_POLL_MS: '1000', SWITCHBOARD_VIDEO_POLL_MAX_MS: '2000' };

/** YAML `models:` entries of the soak's extra models: the fake upstream's fault modes, and video. */
function soakModels(upPort, videoPort) {
  const model = (name, upstream, key, baseUrl) => [
    `  - model_name: ${name}`,
    '    deployments:',
    '      - provider: openai',
    `        upstream_model: ${upstream}`,
    `        api_key: ${key}`,
    `        base_url: ${baseUrl}`,
  ];
  const up = `http://127.0.0.1:${upPort}/v1`;
  return [
    ...['slow', '500', '429', 'broken'].flatMap((m) =>
      model(`bench-fault-${m}`, `fault-${m}`, 'sk-fake', up),
    ),
    ...model('bench-video', 'sora-2', VIDEO_KEY, `http://127.0.0.1:${videoPort}/v1`),
  ];
}

/** The load generator's options (bench/soak-load.js): the mix, and the aborts, faults and video tasks beside it. */
function loadOptions(o, t, reqs, tag) {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${t.key}` };
  const chat = (model, stream) => ({
    method: 'POST',
    path: '/v1/chat/completions',
    headers,
    body: JSON.stringify({
      model,
      messages: [{ role: 'user', content: 'Say hello' }],
      max_tokens: 16,
      ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
    }),
  });
  return {
    base: t.base,
    tag,
    durationSec: o.soakDuration,
    conc: o.soakConc,
    mix: reqs.map(({ name, method, path: p, headers: h, body, expect }) => ({
      name,
      method,
      path: p,
      headers: h,
      body,
      expect,
    })),
    abort: chat('bench-fault-slow', true),
    abortPauseMs: 100,
    faults: [
      { name: 'upstream 500', code: '500', ...chat('bench-fault-500', false) },
      { name: 'upstream 429', code: '429', ...chat('bench-fault-429', false) },
      { name: 'stream broken mid-way', code: 'bs', ...chat('bench-fault-broken', true) },
      { name: 'JSON body cut', code: 'bj', ...chat('bench-fault-broken', false) },
    ],
    faultPauseMs: 100,
    video: {
      submit: {
        method: 'POST',
        path: '/v1/videos',
        headers,
        body: JSON.stringify({ model: 'bench-video', prompt: 'a soak test', seconds: '4' }),
      },
      pollHeaders: { authorization: `Bearer ${t.key}` },
      everyMs: 2000,
      pollMs: 1000,
      drainMs: 60_000,
    },
  };
}

const loadAvg = () =>
  require('node:os')
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' / ');

/** o: parsed options (soakDuration, soakConc, chunkDelayMs, virtualKey, limits); meta: run metadata. */
async function runSoak(o, meta, { log, pretty }) {
  meta.tool = 'bench/soak-load.js';
  const cleanup = [];
  const stopAll = () => Promise.all(cleanup.splice(0).map((fn) => fn().catch(() => {})));
  process.once('SIGINT', () => stopAll().then(() => process.exit(130)));
  try {
    const up = await T.startFakeUpstream(o.chunkDelayMs);
    cleanup.push(up.stop);
    const fakeVideo = spawnPinned(
      LOAD_CORE,
      process.execPath,
      [path.join(__dirname, 'fake-video-provider.js')],
      {
        env: { ...process.env, FAKE_VIDEO_KEY: VIDEO_KEY, FAKE_VIDEO_POLLS: String(VIDEO_POLLS) },
      },
    );
    cleanup.push(() => stop(fakeVideo));
    const videoPort = Number((await waitForLine(fakeVideo, /LISTENING (\d+)/))[1]);
    log(
      `starting gateway (${o.soakSetup === 'split' ? 'api + worker' : 'as installed: npm start, role all'})…`,
    );
    const t = await T.gateway(up, {
      setup: o.soakSetup,
      virtualKey: o.virtualKey,
      limits: o.limits,
      log,
      extraModels: soakModels(up.port, videoPort),
      env: GATEWAY_VIDEO_POLL,
    });
    cleanup.push(t.stop);
    t.enter(); // split: Redis and Postgres off the API's core for the whole soak (installed: a no-op)
    if (t.note) meta.pinning += `; ${t.note.replace("the split gateway's runs", 'the soak')}`;
    const reqs = t.mixedRequests();
    await T.validateMixed(reqs);
    log(`validated ${reqs.map((r) => r.name).join(', ')}: 200`);
    const { Client } = require('pg');
    const pg = new Client({ connectionString: t.databaseUrl });
    await pg.connect();
    cleanup.push(() => pg.end());

    const tag = crypto.randomBytes(4).toString('hex');
    log(
      `${t.label}: soak ${o.soakDuration} s, mix at concurrency ${o.soakConc} + aborts, faults, video (ids soak-${tag}-*)…`,
    );
    meta.loadBefore = loadAvg();
    const t0 = Date.now();
    const sampler = startSampler(t0, {
      apiPid: t.pid,
      workerPid: t.workerPid,
      metricsUrl: `${t.base}/metrics`,
      headers: { authorization: `Bearer ${T.MASTER_KEY}` },
    });
    const progress = setInterval(() => {
      try {
        log(`t=${Math.round((Date.now() - t0) / 1000)} s: API RSS ${memMB(t.pid).rss.toFixed(1)} MB`);
      } catch {
        /* gone; reported at the end */
      }
    }, 60_000);
    let load;
    try {
      const child = spawnPinned(LOAD_CORE, process.execPath, [
        path.join(__dirname, '..', 'soak-load.js'),
        JSON.stringify(loadOptions(o, t, reqs, tag)),
      ]);
      load = JSON.parse(await runToEnd(child));
    } finally {
      clearInterval(progress);
    }
    const samples = await sampler.stop();
    meta.loadAfter = loadAvg();
    log('load done; waiting for the usage records…');
    const usage = await checkUsage(pg, tag, t0, load.ids, log);
    const video = await checkVideo(pg, tag);
    const a = analyse(samples, o.soakDuration);
    samples.push(await sampler.idle()); // what is left once idle (sockets, handles), outside the analysis
    const ports = {
      [up.port]: 'fake upstream',
      [videoPort]: 'fake video provider',
      [new URL(t.databaseUrl).port || 5432]: 'Postgres',
      [new URL(process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379').port || 6379]: 'Redis',
    };
    const idleFds = { api: fdsByKind(t.pid, ports), worker: fdsByKind(t.workerPid, ports) };
    const res = {
      setup: o.soakSetup,
      minutes: minuteOneVsLast(load.mix.minutes, samples),
      label: t.label,
      mix: reqs.map((r) => r.name),
      load,
      samples,
      a,
      usage,
      video,
      tag,
      idleFds,
    };
    const md = await pretty(markdown(meta, res));
    fs.mkdirSync(RESULTS, { recursive: true });
    fs.writeFileSync(path.join(RESULTS, 'soak.md'), md);
    const json = {
      meta,
      target: t.label,
      minutes: res.minutes,
      mix: res.mix,
      load,
      analysis: a,
      usage,
      video,
      samples,
      idleFds,
    };
    fs.writeFileSync(path.join(RESULTS, 'soak.json'), JSON.stringify(json, null, 2) + '\n');
    console.log(`\n${md}`);
    log('wrote bench/results/soak.md and bench/results/soak.json');
  } finally {
    await stopAll();
  }
}

module.exports = { runSoak, slope, analyse, warmupFor, minuteOneVsLast };
