#!/usr/bin/env node
'use strict';
/**
 * What authentication costs on a cached virtual key, measured two ways in one run:
 *
 * 1. End to end: the built gateway (dist/main.js) answers POST /v1/chat/completions on the built-in
 *    `demo` mock model (no upstream I/O, so auth is as large a share as it can get). The same route is
 *    loaded alternately with the master key (digest + constant-time compare, no lookup) and a
 *    virtual key (digest + cache lookup + last-used check); rounds interleave to cancel drift.
 * 2. In process: ns per call of KeyCache.get, of AuthService.authenticateSecret for a cached virtual
 *    key and for the master key, and of the SHA-256 digest alone, against a no-op baseline.
 *
 *   npm run build && node bench/auth-overhead.js [--duration=5] [--rounds=3] [--connections=32]
 *
 * Needs Postgres and Redis on 127.0.0.1 (BENCH_DATABASE_URL / BENCH_REDIS_URL override). Not part of npm test.
 */
const path = require('node:path');
const fs = require('node:fs');
const crypto = require('node:crypto');
const { spawn } = require('node:child_process');
const autocannon = require('autocannon');

const ROOT = path.join(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const DURATION = Number(args.duration ?? 5);
const ROUNDS = Number(args.rounds ?? 3);
const CONNECTIONS = Number(args.connections ?? 32);
const MASTER_KEY = `sk-sb-bench-master-${crypto.randomBytes(8).toString('hex')}`;

function requireDist(rel) {
  const file = path.join(DIST, rel);
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first`);
  return require(file);
}

/** ns per call of fn, median of 5 runs of n calls (async fns are awaited one by one). */
async function nsPerCall(fn, n = 200_000) {
  const runs = [];
  for (let r = 0; r < 5; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
      const p = fn(i);
      if (p && typeof p.then === 'function') await p;
    }
    runs.push(Number(process.hrtime.bigint() - t0) / n);
  }
  return runs.sort((a, b) => a - b)[2];
}

async function microbench() {
  const { KeyCache } = requireDist('modules/auth/key-cache.js');
  const { AuthService } = requireDist('modules/auth/auth.service.js');
  const cache = new KeyCache();
  const keys = [];
  for (let i = 0; i < 10_000; i++) {
    const key = `sk-sb-${crypto.randomBytes(32).toString('base64url')}`;
    const hash = crypto.createHash('sha256').update(key).digest('hex');
    keys.push({ key, hash });
    cache.set(
      hash,
      { kind: 'key', keyId: `k${i}`, role: 'member', allowedModels: [] },
      Infinity,
      cache.generation,
    );
  }
  const lookup = { findByHash: async () => undefined, touch: () => undefined };
  const auth = new AuthService({ masterKey: MASTER_KEY }, cache, lookup);
  const noop = await nsPerCall(async () => undefined);
  const results = {
    'async no-op (baseline)': noop,
    'sha256 of a key': await nsPerCall((i) =>
      crypto
        .createHash('sha256')
        .update(keys[i % keys.length].key)
        .digest(),
    ),
    'KeyCache.get (hit, 10k entries)': await nsPerCall(
      (i) => cache.get(keys[i % keys.length].hash),
      2_000_000,
    ),
    'authenticate: master key': await nsPerCall(() => auth.authenticateSecret(MASTER_KEY)),
    'authenticate: cached virtual key': await nsPerCall((i) =>
      auth.authenticateSecret(keys[i % keys.length].key),
    ),
  };
  return results;
}

async function waitReady(base, child) {
  const until = Date.now() + 60_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`gateway exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${base}/health/ready`)).status === 200) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('gateway did not become ready within 60 s');
}

async function load(base, key) {
  const r = await autocannon({
    url: `${base}/v1/chat/completions`,
    method: 'POST',
    connections: CONNECTIONS,
    duration: DURATION,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'demo', messages: [{ role: 'user', content: 'hello' }] }),
  });
  if (r.non2xx || r.errors) throw new Error(`load run had ${r.non2xx} non-2xx and ${r.errors} errors`);
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99 };
}

async function endToEnd() {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const base = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    DATABASE_URL:
      process.env.BENCH_DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/switchboard_bench_auth',
    REDIS_URL: process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379',
    SWITCHBOARD_REDIS_PREFIX: `sbbench-auth-${crypto.randomBytes(4).toString('hex')}`,
    SWITCHBOARD_MASTER_KEY: MASTER_KEY,
    SWITCHBOARD_ENCRYPTION_KEY: crypto.randomBytes(32).toString('base64'),
    SWITCHBOARD_ROLE: 'all',
    PORT: String(port),
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
  };
  const child = spawn(process.execPath, [path.join(DIST, 'main.js')], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await waitReady(base, child);
    const res = await fetch(`${base}/admin/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${MASTER_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'auth-overhead-bench' }),
    });
    if (res.status !== 201) throw new Error(`POST /admin/keys answered ${res.status}`);
    const { key } = await res.json();
    await load(base, MASTER_KEY); // warm-up (JIT, pools, the key's cache entry)
    await load(base, key);
    const runs = { master: [], virtual: [] };
    for (let r = 0; r < ROUNDS; r++) {
      runs.master.push(await load(base, MASTER_KEY));
      runs.virtual.push(await load(base, key));
    }
    return runs;
  } finally {
    child.kill('SIGTERM');
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const micro = await microbench();
  console.log('\nIn process (median ns per call):');
  for (const [name, ns] of Object.entries(micro))
    console.log(`  ${name.padEnd(36)} ${ns.toFixed(0).padStart(7)} ns`);
  const base = micro['async no-op (baseline)'];
  const masterNs = micro['authenticate: master key'] - base;
  const virtualNs = micro['authenticate: cached virtual key'] - base;
  console.log(
    `  cached virtual key / master key auth: ${(virtualNs / masterNs).toFixed(2)}x (${(virtualNs - masterNs).toFixed(0)} ns more)`,
  );

  const runs = await endToEnd();
  const m = {
    rps: median(runs.master.map((r) => r.rps)),
    p50: median(runs.master.map((r) => r.p50)),
    p99: median(runs.master.map((r) => r.p99)),
  };
  const v = {
    rps: median(runs.virtual.map((r) => r.rps)),
    p50: median(runs.virtual.map((r) => r.p50)),
    p99: median(runs.virtual.map((r) => r.p99)),
  };
  console.log(
    `\nEnd to end: POST /v1/chat/completions on demo, ${CONNECTIONS} connections, ${ROUNDS} x ${DURATION} s each (medians):`,
  );
  console.log(`  master key    ${m.rps.toFixed(0).padStart(7)} req/s  p50 ${m.p50} ms  p99 ${m.p99} ms`);
  console.log(`  virtual key   ${v.rps.toFixed(0).padStart(7)} req/s  p50 ${v.p50} ms  p99 ${v.p99} ms`);
  console.log(`  virtual / master throughput: ${(v.rps / m.rps).toFixed(3)}`);
  const perRequestUs = 1e6 / m.rps;
  console.log(
    `  auth share of a request: ~${((virtualNs / 1000 / perRequestUs) * 100).toFixed(2)}% (${(virtualNs / 1000).toFixed(2)} µs of ~${perRequestUs.toFixed(0)} µs of server time per request)`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
