#!/usr/bin/env node
'use strict';
/**
 * What one request's cancellation costs (issue 15: "replace the hand-written Cancellation with
 * AbortController unless a paired bench shows a cost"): what the request path does with it per
 * request (create, add an abort listener, remove it, read `aborted`), for Node's AbortController and
 * for `Cancellation` (src/providers/core/cancel.ts), alternated in one process, medians of 5 rounds.
 *
 *   npm run build && node bench/abort-signal-cost.js
 */
const { Cancellation } = require('../dist/providers/core/cancel.js');

const N = 200_000;
const variants = {
  AbortController: () => {
    let s = 0;
    for (let i = 0; i < N; i++) {
      const ac = new AbortController();
      const onAbort = () => s++;
      ac.signal.addEventListener('abort', onAbort, { once: true });
      ac.signal.removeEventListener('abort', onAbort);
      if (ac.signal.aborted) s++;
    }
    return s;
  },
  Cancellation: () => {
    let s = 0;
    for (let i = 0; i < N; i++) {
      const c = new Cancellation();
      const onAbort = () => s++;
      c.addEventListener('abort', onAbort);
      c.removeEventListener('abort', onAbort);
      if (c.aborted) s++;
    }
    return s;
  },
};

const samples = { AbortController: [], Cancellation: [] };
for (let round = 0; round < 6; round++) {
  for (const [name, run] of Object.entries(variants)) {
    const t = process.hrtime.bigint();
    run();
    const ns = Number(process.hrtime.bigint() - t) / N;
    if (round > 0) samples[name].push(ns); // round 0 warms up
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const [name, xs] of Object.entries(samples))
  console.log(
    `${name.padEnd(16)} ${median(xs).toFixed(0).padStart(6)} ns per request (median of ${xs.length})`,
  );
