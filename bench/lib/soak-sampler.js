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

/** inode → remote port of the machine's TCP sockets (IPv4 and IPv6). */
function tcpRemotePorts() {
  const out = new Map();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length > 9) out.set(f[9], parseInt(f[2].split(':')[1], 16));
    }
  }
  return out;
}

/**
 * A process's open fds by what they are: TCP sockets named by the port at the other end (`ports`:
 * { port: name }; any other remote port: "tcp, other"), listening sockets, other sockets (Unix),
 * pipes, anon inodes (eventfd, epoll…), files. { what: count }.
 */
function fdsByKind(pid, ports) {
  const remote = tcpRemotePorts();
  const out = {};
  let links = [];
  try {
    links = fs.readdirSync(`/proc/${pid}/fd`).map((fd) => {
      try {
        return fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        return 'gone';
      }
    });
  } catch {
    return out;
  }
  for (const link of links) {
    const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
    let what = link.startsWith('pipe:') ? 'pipes' : link.startsWith('anon_inode:') ? link.slice(11) : 'files';
    if (inode) {
      const port = remote.get(inode);
      what = port === undefined ? 'other sockets' : port === 0 ? 'listening' : ports[port] || 'tcp, other';
    }
    out[what] = (out[what] || 0) + 1;
  }
  return out;
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
 * Starts sampling at t0. stop() resolves with the samples:
 * { t, apiMB, workerMB, cpuPct, apiFds, workerFds, heapMB, handles, lagP50, lagP99, lagMax };
 * once() resolves with one more sample, marked idle, after the run (the CPU share since the last one).
 */
function startSampler(t0, { apiPid, workerPid, metricsUrl, headers }) {
  const samples = [];
  const pending = [];
  let last = { at: t0, cpu: cpuMicros(apiPid) };
  const take = (into = samples) => {
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
    into.push(s);
    pending.push(scrape(metricsUrl, headers).then((m) => Object.assign(s, m)));
    return s;
  };
  take(); // t = 0; its scrape also resets the event-loop histogram (its delay figures cover the start-up)
  const timer = setInterval(take, SAMPLE_SEC * 1000);
  return {
    stop: async () => {
      clearInterval(timer);
      // the end sample, unless the last tick was just now
      if (Date.now() - t0 - samples[samples.length - 1].t * 1000 > 2000) take();
      await Promise.all(pending);
      return samples;
    },
    idle: async () => {
      const s = take([]);
      await Promise.all(pending);
      return { ...s, idle: true };
    },
  };
}

module.exports = { startSampler, parseMetrics, fdsByKind, scrape, SAMPLE_SEC };
