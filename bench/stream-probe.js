'use strict';
/**
 * Streaming latency probe (wrk/autocannon cannot see the first byte of a streamed answer).
 * Runs `concurrency` workers, each sending streaming requests back to back over keep-alive for
 * `durationMs` (after a short unrecorded warm-up), and times the first body chunk and the end.
 * Usage: node bench/stream-probe.js '<json {url, headers, body, concurrency, durationMs, expect}>'
 * Prints one JSON line; latencies in ms.
 */
const http = require('node:http');
const { summary } = require('./lib/stats');

const o = JSON.parse(process.argv[2]);
const url = new URL(o.url);
const agent = new http.Agent({ keepAlive: true, maxSockets: o.concurrency });
const headers = { ...o.headers, 'content-length': Buffer.byteLength(o.body) };

function once() {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    let first = null;
    let text = '';
    const req = http.request(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, method: 'POST', headers, agent },
      (res) => {
        res.setEncoding('utf8');
        res.on('data', (d) => {
          if (first === null) first = process.hrtime.bigint();
          if (text.length < 65536) text += d;
        });
        res.on('end', () => {
          const end = process.hrtime.bigint();
          const ok = res.statusCode === 200 && (!o.expect || text.includes(o.expect));
          resolve({ ok, first: Number((first ?? end) - t0) / 1e6, total: Number(end - t0) / 1e6 });
        });
        res.on('error', () => resolve({ ok: false }));
      },
    );
    req.on('error', () => resolve({ ok: false }));
    req.setTimeout(10_000, () => req.destroy());
    req.end(o.body);
  });
}

async function main() {
  const warm = [];
  for (let i = 0; i < o.concurrency; i++) warm.push(once().then(once));
  await Promise.all(warm);

  const first = [];
  const total = [];
  let errors = 0;
  const start = Date.now();
  const worker = async () => {
    while (Date.now() - start < o.durationMs) {
      const r = await once();
      if (!r.ok) errors++;
      else {
        first.push(r.first);
        total.push(r.total);
      }
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  const secs = (Date.now() - start) / 1000;
  const out = {
    requests: first.length,
    errors,
    rps: first.length / secs,
    first: summary(first),
    total: summary(total),
  };
  process.stdout.write(JSON.stringify(out) + '\n');
  agent.destroy();
}

main();
