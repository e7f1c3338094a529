'use strict';
/**
 * The soak's time series: every SAMPLE_SEC, from /proc (VmRSS, CPU, open file descriptors of the API and
 * worker processes) and from the API's own `GET /metrics` (prom-client's default metrics, collected only
 * when scraped, so nothing is added to the request path): heap used, active handles, and the event-loop
 * delay. prom-client measures the delay with perf_hooks.monitorEventLoopDelay and resets the histogram
 * after each scrape, so with the sampler as the only scraper each sample's p50/p99/max cover the
 * interval since the previous sample.
 */
const fs = require('node:fs');
const { cpuMicros, memMB } = require('./proc');

const SAMPLE_SEC = 10;
const PREFIX = 'switchboard_';

/** Open file descriptors (sockets, pipes, files) of a process, or null when it is gone. */
function fdCount(pid) {
  try {
    return fs.readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return null;
  }
}

/** The unlabelled samples of a Prometheus text exposition: { name: value }. */
function parseMetrics(text) {
  const out = {};
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*) ([-+\w.]+)$/.exec(line);
    if (m) out[m[1]] = Number(m[2]);
  }
  return out;
}

const ms = (seconds) => (seconds == null || Number.isNaN(seconds) ? null : seconds * 1000);
const mb = (bytes) => (bytes == null || Number.isNaN(bytes) ? null : bytes / 2 ** 20);

/** heap used (MB), active handles, event-loop delay p50 / p99 / max (ms) from one /metrics scrape. */
async function scrape(url, headers) {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), 5000);
  try {
    const res = await fetch(url, { headers, signal: ac.signal });
    const m = parseMetrics(await res.text());
    const get = (name) => m[PREFIX + name];
    return {
      heapMB: mb(get('nodejs_heap_size_used_bytes')),
      handles: get('nodejs_active_handles_total') ?? null,
      lagP50: ms(get('nodejs_eventloop_lag_p50_seconds')),
      lagP99: ms(get('nodejs_eventloop_lag_p99_seconds')),
      lagMax: ms(get('nodejs_eventloop_lag_max_seconds')),
    };
  } catch {
    return { heapMB: null, handles: null, lagP50: null, lagP99: null, lagMax: null };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Starts sampling at t0; stop() resolves with the samples:
 * { t, apiMB, workerMB, cpuPct, apiFds, workerFds, heapMB, handles, lagP50, lagP99, lagMax }.
 */
function startSampler(t0, { apiPid, workerPid, metricsUrl, headers }) {
  const samples = [];
  const pending = [];
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
    s.apiFds = fdCount(apiPid);
    s.workerFds = workerPid ? fdCount(workerPid) : null;
    samples.push(s);
    pending.push(scrape(metricsUrl, headers).then((m) => Object.assign(s, m)));
  };
  take(); // t = 0; its scrape also resets the event-loop histogram (its delay figures cover the start-up)
  const timer = setInterval(take, SAMPLE_SEC * 1000);
  return async () => {
    clearInterval(timer);
    // the end sample, unless the last tick was just now
    if (!samples.length || Date.now() - t0 - samples[samples.length - 1].t * 1000 > 2000) take();
    await Promise.all(pending);
    return samples;
  };
}

module.exports = { startSampler, parseMetrics, SAMPLE_SEC };
