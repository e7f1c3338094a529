'use strict';
/** Process helpers: CPU pinning, spawning, /proc sampling, free ports. Linux-only for the /proc parts. */
const fs = require('node:fs');
const net = require('node:net');
const { spawn, spawnSync } = require('node:child_process');

const which = (cmd) =>
  spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).stdout.trim() || null;
const HAS_TASKSET = !!which('taskset') && require('node:os').availableParallelism() >= 2;
const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/**
 * Spawn `cmd args`, pinned to `core` with taskset when possible (taskset execs, so the pid is the
 * target's own). Output is always drained; its last 8 KB stay in `child.tail` for error messages.
 */
function spawnPinned(core, cmd, args, opts = {}) {
  const pinned = HAS_TASKSET && core != null;
  const child = spawn(pinned ? 'taskset' : cmd, pinned ? ['-c', String(core), cmd, ...args] : args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...opts,
  });
  child.tail = '';
  const keep = (d) => (child.tail = (child.tail + d).slice(-8192));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  return child;
}

/**
 * Moves the machine's local Redis and Postgres (every thread) to `core` for the gateway's run, so that
 * the gateway's own core is its alone, as the bare proxy's is (otherwise the scheduler wakes Redis and
 * Postgres on the gateway's core, right after the gateway writes to them). Returns a function that
 * restores their previous affinity, and a description for the report; a no-op without taskset or
 * permission.
 */
function pinServices(core) {
  if (!HAS_TASKSET) return { restore: () => {}, note: null };
  const pids = ['redis-server', 'postgres']
    .flatMap((name) => spawnSync('pgrep', ['-x', name], { encoding: 'utf8' }).stdout.split('\n'))
    .map((p) => p.trim())
    .filter(Boolean);
  const saved = [];
  for (const pid of pids) {
    const before = spawnSync('taskset', ['-p', pid], { encoding: 'utf8' }).stdout.match(
      /:\s*([0-9a-f]+)\s*$/,
    );
    const r = spawnSync('taskset', ['-a', '-p', '-c', String(core), pid], { encoding: 'utf8' });
    if (r.status === 0 && before) saved.push([pid, before[1]]);
  }
  return {
    restore: () => {
      for (const [pid, mask] of saved) spawnSync('taskset', ['-a', '-p', mask, pid], { encoding: 'utf8' });
    },
    note: saved.length ? `local Redis and Postgres moved to core ${core} during the gateway's runs` : null,
  };
}

/** Resolve with the first stdout line matching `re` (its match), reject on exit or timeout. */
function waitForLine(child, re, timeoutMs = 15_000) {
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`timeout waiting for ${re}`)), timeoutMs);
    const onData = (d) => {
      buf += d;
      const m = buf.match(re);
      if (m) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        resolve(m);
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`exited with ${code} before ready: ${child.tail.slice(-800)}`)),
    );
  });
}

/** Run a child to completion; resolve with its stdout (rejects on non-zero exit). */
function runToEnd(child) {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`exit ${code}: ${err.slice(-800)}`)),
    );
  });
}

/** utime+stime of a process, in microseconds. */
function cpuMicros(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from #3 (state) on
  return ((Number(f[11]) + Number(f[12])) * 1e6) / CLK_TCK; // #14 utime, #15 stime
}

/** { rss, hwm } in MB from /proc/<pid>/status. */
function memMB(pid) {
  const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k) => Number((s.match(new RegExp(`^${k}:\\s+(\\d+)`, 'm')) || [])[1] || 0);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

/** Sample a pid's RSS every `ms`; stop() returns the peak seen (MB). */
function rssSampler(pid, ms = 100) {
  let peak = memMB(pid).rss;
  const t = setInterval(() => {
    try {
      peak = Math.max(peak, memMB(pid).rss);
    } catch {
      /* process gone */
    }
  }, ms);
  return () => {
    clearInterval(t);
    try {
      peak = Math.max(peak, memMB(pid).rss);
    } catch {
      /* process gone */
    }
    return peak;
  };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** SIGTERM, then SIGKILL after `ms` if still alive. */
function stop(child, ms = 3000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => child.kill('SIGKILL'), ms);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

module.exports = {
  pinServices,
  which,
  HAS_TASKSET,
  spawnPinned,
  waitForLine,
  runToEnd,
  cpuMicros,
  memMB,
  rssSampler,
  freePort,
  stop,
};
