'use strict';
/** Drives a target from a separate process pinned to core 1: wrk (preferred) or autocannon; plus the stream probe. */
const path = require('node:path');
const { which, spawnPinned, runToEnd } = require('./proc');

const LOAD_CORE = 1;
const BENCH = path.join(__dirname, '..');

/** 'wrk' when it is on PATH (unless forced), else 'autocannon'. */
function pickTool(force) {
  if (force) return force;
  return which('wrk') ? 'wrk' : 'autocannon';
}

/** The WRK_JSON line printed by lib/wrk.lua, in runLoad's shape. */
function parseWrk(out) {
  const m = out.match(/WRK_JSON (\{.*\})/);
  if (!m) throw new Error(`wrk printed no result: ${out.slice(-500)}`);
  const r = JSON.parse(m[1]);
  return {
    requests: r.requests,
    rps: r.requests / (r.duration_us / 1e6),
    p50: r.p50 / 1000,
    p90: r.p90 / 1000,
    p99: r.p99 / 1000,
    errors: r.errors,
    non2xx: r.non2xx,
  };
}

/** wrk's options for one run: one thread, `connections` connections, `durationSec` seconds. */
const wrkArgs = (connections, durationSec) => [
  '-t1',
  `-c${connections}`,
  `-d${Math.max(1, Math.round(durationSec))}s`,
  '--timeout',
  '10s',
];

/** Headers as "Name: value" lines (how the wrk scripts read them from the environment). */
const headerLines = (headers) =>
  Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n');

/**
 * One fixed-duration load run. req = { url, headers, body }.
 * Returns { requests, rps, p50, p90, p99 (ms), errors, non2xx }.
 */
async function runLoad(tool, req, connections, durationSec) {
  if (tool === 'wrk') {
    const args = [...wrkArgs(connections, durationSec), '-s', path.join(__dirname, 'wrk.lua'), req.url];
    const child = spawnPinned(LOAD_CORE, 'wrk', args, {
      env: {
        ...process.env,
        BENCH_LUA_DIR: __dirname,
        BENCH_BODY: req.body,
        BENCH_HEADERS: headerLines(req.headers),
      },
    });
    return parseWrk(await runToEnd(child));
  }
  const opts = { ...req, connections, duration: durationSec };
  const child = spawnPinned(LOAD_CORE, process.execPath, [
    path.join(BENCH, 'load-autocannon.js'),
    JSON.stringify(opts),
  ]);
  return JSON.parse(await runToEnd(child));
}

/** Streaming first-byte/total probe. Returns { requests, errors, rps, first: {p50,p90,p99}, total: {…} } (ms). */
async function runProbe(req, concurrency, durationMs, expect) {
  const opts = { ...req, concurrency, durationMs, expect };
  const child = spawnPinned(LOAD_CORE, process.execPath, [
    path.join(BENCH, 'stream-probe.js'),
    JSON.stringify(opts),
  ]);
  return JSON.parse(await runToEnd(child));
}

module.exports = { pickTool, runLoad, runProbe };
