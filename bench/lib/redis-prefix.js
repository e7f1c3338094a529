'use strict';
/** The benchmark's own Redis key prefixes: each run uses a fresh one and drops its keys at the end. */
const crypto = require('node:crypto');

/**
 * A fresh prefix, so that a run never shares a usage stream or counters with anything else on the server;
 * hash-tagged as the gateway makes it (`{…}`), so that clearPrefix finds its keys.
 */
const benchPrefix = (what) => `{sbbench-${what}-${crypto.randomBytes(4).toString('hex')}}`;

/** Drops every key under `${prefix}:` (stream, counters, leases, markers) from the shared server. */
async function clearPrefix(redisUrl, prefix) {
  const Redis = require('ioredis');
  const r = new Redis(redisUrl);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await r.del(...keys);
    } while (cursor !== '0');
  } finally {
    r.disconnect();
  }
}

module.exports = { benchPrefix, clearPrefix };
