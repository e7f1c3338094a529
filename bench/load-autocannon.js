'use strict';
/**
 * Load generator child process used when wrk is not installed (runs pinned to core 1 by the runner).
 * Usage: node bench/load-autocannon.js '<json {url, headers, body, connections, duration}>'
 * Prints one JSON line; latencies in ms, taken from autocannon's per-response timings (float ms)
 * rather than its integer-ms histogram, so sub-millisecond differences stay visible.
 */
const autocannon = require('autocannon');
const { summary } = require('./lib/stats');

const o = JSON.parse(process.argv[2]);
const lat = [];
let non2xx = 0;
const started = process.hrtime.bigint();
const inst = autocannon(
  {
    url: o.url,
    method: 'POST',
    headers: o.headers,
    body: o.body,
    connections: o.connections,
    duration: o.duration,
    timeout: 10,
  },
  (err, r) => {
    if (err) throw err;
    const secs = r.duration || Number(process.hrtime.bigint() - started) / 1e9;
    const done = lat.length + non2xx;
    process.stdout.write(
      JSON.stringify({
        requests: done,
        rps: done / secs,
        ...summary(lat),
        errors: r.errors + r.timeouts,
        non2xx,
      }) + '\n',
    );
  },
);
inst.on('response', (_client, status, _bytes, ms) => {
  if (status >= 200 && status < 300) lat.push(ms);
  else non2xx++;
});
