#!/usr/bin/env node
'use strict';
/**
 * Where the gateway as installed spends its CPU under load (issue 19): the `installed` target of the bench
 * (npm start's flags, role `all`, a key in a team with rpm/tpm limits and a budget) run with `--cpu-prof` and
 * `--trace-gc-nvp`, driven by the bench's load generator; then, for the load window only, self time per function
 * and per part of the gateway (metering, admission, auth, …) in µs per request, and the GC events.
 *
 *   node bench/cpu-profile.js [--duration=20] [--conc=16] [--scenario=nonstream,stream] [--interval-us=250]
 *                             [--setup=installed|split] (split: the API process of the split set-up)
 *
 * Prints markdown and writes it to bench/results/cpu-profile.md (the .cpuprofile stays in the printed
 * directory, for Chrome DevTools).
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const T = require('./lib/targets');
const { pickTool, runLoad } = require('./lib/load');

const arg = (k, d) => {
  const a = process.argv.find((x) => x.startsWith(`--${k}=`));
  return a ? a.slice(k.length + 3) : d;
};
const o = {
  duration: Number(arg('duration', 20)),
  conc: Number(arg('conc', 16)),
  scenarios: arg('scenario', 'nonstream,stream').split(','),
  intervalUs: Number(arg('interval-us', 250)),
  setup: arg('setup', 'installed'),
};
const log = (m) => console.error(`[cpu-profile] ${m}`);
const ROOT = path.join(__dirname, '..');

/** Which part of the gateway a profile node's script belongs to. */
function part(url, name) {
  if (!url) return name.startsWith('(') ? name : 'V8 / native';
  const u = url.replace(/^file:\/\//, '');
  const dist = u.match(/\/dist\/(?:src\/)?modules\/([^/]+)\//);
  if (dist) {
    const m = dist[1];
    if (m === 'usage') return 'metering (modules/usage)';
    if (m === 'limits') return 'admission (modules/limits)';
    return `modules/${m}`;
  }
  if (u.includes('/dist/')) return 'dist (other)';
  const nm = u.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/g);
  if (nm) return nm[nm.length - 1].replace('node_modules/', '');
  if (u.startsWith('node:')) return 'node internals';
  return u;
}

/** Self time (µs) per function and per part, counting only samples within [from, to] (profile clock, µs). */
function selfTimes(profile, from, to) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const fn = new Map();
  const parts = new Map();
  let t = profile.startTime;
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    if (t < from || t > to) continue;
    const dt = profile.timeDeltas[i + 1] ?? 0;
    const n = byId.get(profile.samples[i]);
    const cf = n.callFrame;
    const p = part(cf.url, cf.functionName);
    const file = cf.url ? path.relative(ROOT, cf.url.replace(/^file:\/\//, '')) : '';
    const k = `${cf.functionName || '(anonymous)'} ${file ? `${file}:${cf.lineNumber + 1}` : ''}`.trim();
    const f = fn.get(k) || { name: k, part: p, us: 0 };
    f.us += dt;
    fn.set(k, f);
    parts.set(p, (parts.get(p) || 0) + dt);
    total += dt;
  }
  return {
    fn: [...fn.values()].sort((a, b) => b.us - a.us),
    parts: [...parts].sort((a, b) => b[1] - a[1]),
    total,
  };
}

/**
 * --trace-gc-nvp lines (`… ms: pause=0.5 … gc=s … total_size_after=… allocated=… promoted=…`): per kind of GC
 * (s = scavenge, ms or mc = mark-compact, mmc = minor mark-compact), the count, pauses, the bytes allocated
 * since the previous GC and the bytes promoted to the old generation, and the heap after.
 */
const GC_KINDS = { s: 'Scavenge', ms: 'Mark-Compact', mc: 'Mark-Compact', mmc: 'Minor Mark-Compact' };
function gcSummary(lines) {
  const out = {};
  for (const l of lines) {
    const kv = Object.fromEntries([...l.matchAll(/(\w[\w.]*)=([\w.]+)/g)].map((m) => [m[1], m[2]]));
    if (!kv.gc || kv.pause == null) continue;
    const g = (out[GC_KINDS[kv.gc] || kv.gc] ||= {
      n: 0,
      pauseMs: 0,
      maxMs: 0,
      allocated: 0,
      promoted: 0,
      after: [],
    });
    g.n++;
    g.pauseMs += Number(kv.pause);
    g.maxMs = Math.max(g.maxMs, Number(kv.pause));
    g.allocated += Number(kv.allocated || 0);
    g.promoted += Number(kv.promoted || 0);
    g.after.push(Number(kv.total_size_after || 0) / 2 ** 20);
  }
  return out;
}

async function main() {
  const tool = pickTool(arg('tool'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-cpuprof-'));
  const up = await T.startFakeUpstream(0);
  let t;
  try {
    t = await T.gateway(up, {
      setup: o.setup,
      virtualKey: true,
      limits: true,
      log,
      nodeFlags: [
        '--cpu-prof',
        `--cpu-prof-dir=${dir}`,
        `--cpu-prof-interval=${o.intervalUs}`,
        '--trace-gc-nvp',
      ],
    });
    log(`${t.label}; profile in ${dir}`);
    for (const sc of o.scenarios) await runLoad(tool, t.request(sc), o.conc, 5); // warm-up (JIT, leases)
    const gcLines = [];
    let buf = '';
    t.child.stdout.on('data', (d) => {
      buf += d;
      const parts = buf.split('\n');
      buf = parts.pop();
      gcLines.push(...parts);
    });
    const w0 = performance.now();
    const runs = [];
    for (const sc of o.scenarios) {
      const r = await runLoad(tool, t.request(sc), o.conc, o.duration);
      runs.push({ scenario: sc, ...r });
      log(`${sc}: ${r.requests} requests, ${r.rps.toFixed(0)} req/s, p99 ${r.p99.toFixed(2)} ms`);
    }
    const w1 = performance.now();
    const gc = gcSummary(gcLines);
    await t.stop();
    const w2 = performance.now();
    const file = fs.readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error(`no .cpuprofile in ${dir} (did the gateway exit cleanly?)`);
    const profile = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
    // The profile ends when the process exits: place the load window from its end (wall-clock offsets, ±ms).
    const end = profile.endTime;
    const from = end - (w2 - w0) * 1000;
    const to = end - (w2 - w1) * 1000;
    const s = selfTimes(profile, from, to);
    const requests = runs.reduce((a, r) => a + r.requests, 0);
    const per = (us) => (us / requests).toFixed(1);
    const pct = (us) => ((100 * us) / s.total).toFixed(1);
    const md = [
      `# CPU profile of the gateway (${o.setup === 'split' ? 'split: API process' : 'as installed'}) — ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}`,
      '',
      `${t.label} · ${o.scenarios.join(' + ')} at concurrency ${o.conc}, ${o.duration} s each (${tool}) · ` +
        `--cpu-prof-interval=${o.intervalUs} µs · ${requests.toLocaleString('en-US')} requests · ` +
        `${(s.total / 1000).toFixed(0)} ms of samples in the window · load average ${os
          .loadavg()
          .map((x) => x.toFixed(2))
          .join(' / ')}`,
      '',
      runs
        .map(
          (r) =>
            `- ${r.scenario}: ${r.rps.toFixed(0)} req/s, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms`,
        )
        .join('\n'),
      '',
      '## By part (self time)',
      '',
      '| part | µs/request | % of samples |',
      '| --- | ---: | ---: |',
      ...s.parts.slice(0, 25).map(([p, us]) => `| ${p} | ${per(us)} | ${pct(us)} |`),
      '',
      '## Top functions (self time)',
      '',
      '| function | part | µs/request | % |',
      '| --- | --- | ---: | ---: |',
      ...s.fn.slice(0, 40).map((f) => `| \`${f.name}\` | ${f.part} | ${per(f.us)} | ${pct(f.us)} |`),
      '',
      '## Metering and admission functions (self time)',
      '',
      '| function | part | µs/request | % |',
      '| --- | --- | ---: | ---: |',
      ...s.fn
        .filter((f) => /^(metering|admission)/.test(f.part))
        .slice(0, 30)
        .map((f) => `| \`${f.name}\` | ${f.part} | ${per(f.us)} | ${pct(f.us)} |`),
      '',
      '## Garbage collection during the load (--trace-gc-nvp)',
      '',
      '| kind | count | per 10,000 requests | total pause ms | longest ms | allocated before it, bytes/request | promoted to old space, bytes/request | heap after, MB: first → last |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
      ...Object.entries(gc).map(
        ([k, g]) =>
          `| ${k} | ${g.n} | ${((g.n * 1e4) / requests).toFixed(1)} | ${g.pauseMs.toFixed(1)} | ${g.maxMs.toFixed(2)} | ` +
          `${(g.allocated / requests).toFixed(0)} | ${(g.promoted / requests).toFixed(0)} | ${g.after[0].toFixed(1)} → ${g.after[g.after.length - 1].toFixed(1)} |`,
      ),
      '',
    ].join('\n');
    fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
    fs.writeFileSync(path.join(__dirname, 'results', 'cpu-profile.md'), md);
    console.log(md);
    log(`profile: ${path.join(dir, file)}`);
  } finally {
    await t?.stop().catch(() => {});
    await up.stop();
  }
}

main().catch((err) => {
  console.error(err.stack || err.message);
  process.exitCode = 1;
});
