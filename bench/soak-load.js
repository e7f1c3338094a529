'use strict';
/**
 * The soak's load generator (a child process pinned to the load core by lib/soak.js), in plain node:http
 * so that every request's outcome is known and every request carries its own `x-request-id`
 * (`soak-<tag>-<kind>-<n>`), which lib/soak-checks.js then looks up in usage_records. Closed loops, all
 * stopped at the same deadline; requests in flight then are awaited (none is cut, so every request sent
 * has a known outcome):
 *   mix    `conc` loops rotating between the mixed requests (OpenAI and Gemini, JSON and stream)
 *   abort  one loop: an OpenAI stream from the slow fault model, the connection destroyed after its first chunk
 *   fault  one loop rotating between upstream 500, upstream 429, a stream broken mid-way, a JSON body cut
 *   video  a submit every `video.everyMs` (POST /v1/videos), each task polled (GET) until it settles
 * Usage: node bench/soak-load.js '<json>' (see lib/soak.js for the fields). Prints one JSON line.
 */
const http = require('node:http');
const { performance } = require('node:perf_hooks');
const { summary } = require('./lib/stats');

const o = JSON.parse(process.argv[2]);
const base = new URL(o.base);
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
const start = Date.now();
const end = start + o.durationSec * 1000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const counters = {};
const nextId = (kind) => `soak-${o.tag}-${kind}-${(counters[kind] = (counters[kind] || 0) + 1)}`;
const bump = (map, k) => (map[k] = (map[k] || 0) + 1);

/**
 * One request; resolves (never rejects) with { status, body, ms, cut } — `cut`: the answer broke off
 * (socket error after the head), or `error` when no answer came. `abortAfterFirstChunk`: destroy the
 * connection as soon as the first body bytes arrive (a client leaving mid-stream).
 */
function send(r, kind, { abortAfterFirstChunk = false } = {}) {
  const id = nextId(kind);
  const t0 = performance.now();
  return new Promise((resolve) => {
    const headers = { ...r.headers, 'x-request-id': id };
    if (r.body) headers['content-length'] = Buffer.byteLength(r.body);
    const req = http.request(
      { agent, host: base.hostname, port: base.port, method: r.method, path: r.path, headers },
      (res) => {
        const parts = [];
        const done = (extra) =>
          resolve({
            id,
            status: res.statusCode,
            body: Buffer.concat(parts).toString('utf8'),
            ms: performance.now() - t0,
            ...extra,
          });
        res.on('data', (c) => {
          parts.push(c);
          if (abortAfterFirstChunk) {
            req.destroy();
            done({ aborted: true });
          }
        });
        res.on('end', () => done({}));
        res.on('error', () => done({ cut: true }));
        res.on('aborted', () => done({ cut: true }));
      },
    );
    req.on('error', (err) =>
      resolve({ id, status: null, error: err.code || err.message, ms: performance.now() - t0 }),
    );
    req.end(r.body || undefined);
  });
}

const outcome = (res) => (res.error ? `error ${res.error}` : `${res.status}${res.cut ? ' cut' : ''}`);

async function mixLoop(out, state) {
  while (Date.now() < end) {
    const r = o.mix[state.next++ % o.mix.length];
    const res = await send(r, 'm');
    const ok = res.status === 200 && !res.cut && r.expect.every((e) => res.body.includes(e));
    out.sent++;
    // per minute of the run, by when the request ended: minute 1 is compared with the last (lib/soak-report.js)
    const m = (out.minutes[Math.floor((Date.now() - start) / 60_000)] ||= { sent: 0, latencies: [] });
    m.sent++;
    if (ok) {
      out.latencies.push(res.ms);
      m.latencies.push(res.ms);
    } else bump(out.bad, `${r.name}: ${outcome(res)}`);
  }
}

async function abortLoop(out) {
  while (Date.now() < end) {
    const res = await send(o.abort, 'a', { abortAfterFirstChunk: true });
    out.sent++;
    bump(out.outcomes, res.aborted ? 'aborted after the first chunk' : outcome(res));
    await sleep(o.abortPauseMs);
  }
}

async function faultLoop(out) {
  let i = 0;
  while (Date.now() < end) {
    const f = o.faults[i++ % o.faults.length];
    const res = await send(f, `f${f.code}`);
    const m = (out[f.name] ||= { code: f.code, sent: 0, outcomes: {} });
    m.sent++;
    const streamError = res.status === 200 && /"error"/.test(res.body) ? ' with an error event' : '';
    bump(m.outcomes, outcome(res) + streamError);
    await sleep(o.faultPauseMs);
  }
}

/** Submit, then poll every pollMs until `completed` or `failed` (or the deadline after the run). */
async function videoTask(out) {
  const sub = await send(o.video.submit, 'v');
  out.submitted++;
  let id = null;
  try {
    id = sub.status === 200 ? JSON.parse(sub.body).id : null;
  } catch {
    /* counted below */
  }
  if (!id) return bump(out.submitErrors, outcome(sub));
  const t0 = Date.now();
  const deadline = end + o.video.drainMs;
  while (Date.now() < deadline) {
    await sleep(o.video.pollMs);
    const res = await send({ method: 'GET', path: `/v1/videos/${id}`, headers: o.video.pollHeaders }, 'vp');
    out.polls++;
    let status = null;
    try {
      status = res.status === 200 ? JSON.parse(res.body).status : null;
    } catch {
      /* not JSON: keep polling */
    }
    if (status === 'completed' || status === 'failed') {
      bump(out.settled, status);
      out.settleMs.push(Date.now() - t0);
      return;
    }
  }
  out.timedOut++;
}

async function videoLoop(out) {
  const tasks = [];
  while (Date.now() < end) {
    tasks.push(videoTask(out));
    await sleep(o.video.everyMs);
  }
  await Promise.all(tasks);
}

async function main() {
  const t0 = Date.now();
  const mix = { sent: 0, latencies: [], bad: {}, minutes: [] };
  const abort = { sent: 0, outcomes: {} };
  const faults = {};
  const video = { submitted: 0, submitErrors: {}, polls: 0, settled: {}, timedOut: 0, settleMs: [] };
  const state = { next: 0 };
  const loops = [
    ...Array.from({ length: o.conc }, () => mixLoop(mix, state)),
    abortLoop(abort),
    faultLoop(faults),
    ...(o.video ? [videoLoop(video)] : []),
  ];
  await Promise.all(loops.slice(0, o.conc + 2));
  const loadSec = (Date.now() - t0) / 1000; // the mix, aborts and faults (video tasks may still settle)
  await Promise.all(loops);
  const ok = mix.latencies.length;
  const { p50, p90, p99 } = summary(mix.latencies);
  const settle = summary(video.settleMs);
  const ids = { ...counters };
  process.stdout.write(
    JSON.stringify({
      loadSec,
      ids,
      mix: {
        sent: mix.sent,
        ok,
        rps: mix.sent / loadSec,
        p50,
        p90,
        p99,
        bad: mix.bad,
        // full minutes only (the last, partial one would understate its rate)
        minutes: mix.minutes.slice(0, Math.floor(loadSec / 60)).map((m, i) => ({
          minute: i + 1,
          sent: m?.sent ?? 0,
          rps: (m?.sent ?? 0) / 60,
          ...summary(m?.latencies ?? []),
        })),
      },
      abort,
      faults,
      video: {
        ...video,
        settleMs: undefined,
        settleP50: settle.p50,
        settleMax: video.settleMs.length ? Math.max(...video.settleMs) : null,
      },
    }) + '\n',
  );
  agent.destroy();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
