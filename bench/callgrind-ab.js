#!/usr/bin/env node
'use strict';
/**
 * Instructions per request of the gateway, counted by valgrind's callgrind: a figure that does not move
 * with the load of a shared machine (wall-clock and CPU time do), for paired A/B runs of a change.
 *
 *   node bench/callgrind-ab.js                                  # this checkout's build
 *   node bench/callgrind-ab.js --a=/path/to/other/dist/main.js  # A/B: that build against this one
 *   options: --b=dist/main.js --requests=400 --warmup=300 --runs=2 --scenario=nonstream|stream
 *            --setup=installed|split
 *
 * Each run starts the fake upstream's gateway target (as the bench does: key in a team, limits, budget)
 * under `valgrind --tool=callgrind --instr-atstart=no`, so start-up runs uninstrumented; sends --warmup
 * requests one at a time, switches instrumentation on (`callgrind_control -i on`), sends --requests one at a
 * time, switches it off and dumps the counts: Ir (instructions executed by the gateway process, every
 * thread) ÷ requests. Runs alternate A, B, A, B… Timers (lease refreshes, the settlement batcher, the usage
 * writer in the `all` role) are counted too: they are part of what a request costs the process.
 * About 2–4 minutes a run (node under valgrind is ~50× slower).
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const http = require('node:http');
const { spawnSync } = require('node:child_process');
const T = require('./lib/targets');

const arg = (k, d) => {
  const a = process.argv.find((x) => x.startsWith(`--${k}=`));
  return a ? a.slice(k.length + 3) : d;
};
const o = {
  a: arg('a'),
  b: arg('b'),
  requests: Number(arg('requests', 400)),
  warmup: Number(arg('warmup', 300)),
  runs: Number(arg('runs', 2)),
  scenario: arg('scenario', 'nonstream'),
  setup: arg('setup', 'installed'),
};
const log = (m) => console.error(`[callgrind] ${m}`);

/** `n` requests one after the other over one keep-alive connection; throws on a non-200 answer. */
async function sendSequential(req, n) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL(req.url);
  try {
    for (let i = 0; i < n; i++) {
      await new Promise((resolve, reject) => {
        const r = http.request(
          {
            agent,
            host: url.hostname,
            port: url.port,
            path: url.pathname,
            method: 'POST',
            headers: req.headers,
          },
          (res) => {
            const parts = [];
            res.on('data', (c) => parts.push(c));
            res.on('end', () =>
              res.statusCode === 200
                ? resolve()
                : reject(new Error(`${res.statusCode}: ${Buffer.concat(parts).toString().slice(0, 200)}`)),
            );
          },
        );
        r.on('error', reject);
        r.end(req.body);
      });
    }
  } finally {
    agent.destroy();
  }
}

const control = (...args) => {
  const r = spawnSync('callgrind_control', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`callgrind_control ${args.join(' ')}: ${r.stderr || r.stdout}`);
  return r.stdout;
};

/** One run of `main` (null: this checkout's build): Ir per request. */
async function run(up, main, outDir) {
  const out = path.join(outDir, `callgrind.out.${Date.now()}`);
  const t = await T.gateway(up, {
    setup: o.setup,
    virtualKey: true,
    limits: true,
    log,
    main,
    readyTimeoutMs: 600_000,
    wrap: [
      'valgrind',
      '--tool=callgrind',
      '--instr-atstart=no',
      '--smc-check=all-non-file', // V8 writes code into its heap
      `--callgrind-out-file=${out}`,
    ],
  });
  try {
    const req = t.request(o.scenario);
    await sendSequential(req, o.warmup);
    control('-i', 'on', String(t.pid));
    await sendSequential(req, o.requests);
    control('-i', 'off', String(t.pid));
    control('-d', String(t.pid));
    const dumps = fs.readdirSync(outDir).filter((f) => f.startsWith(path.basename(out)));
    let ir = 0;
    for (const f of dumps) {
      // `totals:` at the end of a dump (its header's `summary:` is 0 when instrumentation starts off)
      const m = fs.readFileSync(path.join(outDir, f), 'utf8').match(/^totals:\s*(\d+)/m);
      if (m) ir += Number(m[1]);
    }
    if (!ir) throw new Error(`no counts in ${dumps.join(', ') || 'no dump'}`);
    return ir / o.requests;
  } finally {
    await t.stop();
  }
}

async function main() {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-callgrind-'));
  const builds = o.a
    ? [
        ['A', o.a],
        ['B', o.b || null],
      ]
    : [['this build', o.b || null]];
  const up = await T.startFakeUpstream(0);
  const results = Object.fromEntries(builds.map(([name]) => [name, []]));
  try {
    for (let i = 0; i < o.runs; i++) {
      for (const [name, main] of builds) {
        const ir = await run(up, main, outDir);
        results[name].push(ir);
        log(`${name} run ${i + 1}: ${Math.round(ir).toLocaleString('en-US')} instructions/request`);
      }
    }
  } finally {
    await up.stop();
  }
  const fmt = (x) => Math.round(x).toLocaleString('en-US');
  const lines = [
    `callgrind: ${o.scenario}, ${o.setup} set-up, ${o.requests} requests after ${o.warmup} warm-up, one at a time`,
  ];
  for (const [name, main] of builds) {
    const xs = results[name];
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const spread = xs.length > 1 ? ` (runs ${xs.map(fmt).join(', ')})` : '';
    lines.push(`${name} (${main || 'dist/main.js'}): ${fmt(mean)} instructions/request${spread}`);
  }
  if (o.a) {
    const m = (k) => results[k].reduce((a, b) => a + b, 0) / results[k].length;
    lines.push(`B ÷ A: ${(m('B') / m('A')).toFixed(3)}`);
  }
  console.log(lines.join('\n'));
}

main().catch((err) => {
  console.error(err.stack || err.message);
  process.exitCode = 1;
});
