'use strict';
/** Medians over rounds, ratios against the bare proxy, and the markdown report. */
const { median } = require('./stats');
const { SCENARIOS, MESSAGES_GROUPS, TRANSLATION_CPU_LIMIT, isMessages } = require('./scenarios');

const LOAD_FIELDS = ['rps', 'p50', 'p90', 'p99', 'cpuUsPerReq', 'rssMB', 'loopP50', 'loopP99', 'loopMax'];
const PROBE_FIELDS = ['rps', 'fb50', 'fb90', 'fb99', 'tot50', 'tot90', 'tot99'];

/**
 * Issue 19's targets, per set-up: the split gateway (api role alone on its core) and the gateway as
 * installed (npm start, role all, sharing its core with Redis and Postgres). `value(agg, t)` gives the
 * figure, `fmt` shows it, `ok` checks it against the set-up's goal.
 */
const GOALS = {
  gateway: { thr: 0.55, p50: 0.12, fb: 0.1, p99: 3, rss: 130 },
  installed: { thr: 0.45, p50: 0.2, fb: 0.25, p99: 4, rss: 130 },
};
const CHECKS = [
  {
    label: 'non-stream throughput at conc 16, × bare proxy',
    goal: (g) => `≥ ${g.thr.toFixed(2)}×`,
    value: (agg, t) =>
      div(at(agg, 'load', 'nonstream', 16, t)?.rps, at(agg, 'load', 'nonstream', 16, 'bare')?.rps),
    fmt: (x) => `${x.toFixed(2)}×`,
    ok: (x, g) => x >= g.thr,
  },
  {
    label: 'non-stream added p50 at conc 1, over bare proxy',
    goal: (g) => `≤ +${g.p50.toFixed(2)} ms`,
    value: (agg, t) =>
      sub(at(agg, 'load', 'nonstream', 1, t)?.p50, at(agg, 'load', 'nonstream', 1, 'bare')?.p50),
    fmt: (x) => `${signed(x, 3)} ms`,
    ok: (x, g) => x <= g.p50,
  },
  {
    label: 'stream first byte p50 added at conc 1, over bare proxy',
    goal: (g) => `≤ +${g.fb.toFixed(2)} ms`,
    value: (agg, t) =>
      sub(at(agg, 'probe', 'stream', 1, t)?.fb50, at(agg, 'probe', 'stream', 1, 'bare')?.fb50),
    fmt: (x) => `${signed(x, 3)} ms`,
    ok: (x, g) => x <= g.fb,
  },
  {
    label: 'non-stream p99 at conc 16, × bare proxy',
    goal: (g) => `≤ ${g.p99}×`,
    value: (agg, t) =>
      div(at(agg, 'load', 'nonstream', 16, t)?.p99, at(agg, 'load', 'nonstream', 16, 'bare')?.p99),
    fmt: (x) => `${x.toFixed(2)}×`,
    ok: (x, g) => x <= g.p99,
  },
  {
    label: 'peak RSS (VmHWM, whole run)',
    goal: (g) => `≤ ${g.rss} MB`,
    value: (agg, t, target) => target.hwmMB ?? null,
    fmt: (x) => `${fmt(x, 0)} MB`,
    ok: (x, g) => x <= g.rss,
  },
  {
    label: 'errors + non-2xx answers, all runs',
    goal: () => '0',
    value: (agg, t) =>
      Object.entries(agg)
        .filter(([k]) => k.endsWith(`|${t}`))
        .reduce((sum, [, m]) => sum + m.errors, 0),
    fmt: (x) => String(x),
    ok: (x) => x === 0,
  },
];

const key = (kind, scenario, conc, target) => `${kind}|${scenario}|${conc}|${target}`;
const at = (agg, kind, scenario, conc, target) => agg[key(kind, scenario, conc, target)];
const div = (a, b) => (a == null || !b ? null : a / b);

/** records -> { [key]: { field: median, errors: sum, runs } } */
function aggregate(records) {
  const groups = {};
  for (const r of records) (groups[key(r.kind, r.scenario, r.conc, r.target)] ||= []).push(r);
  const out = {};
  for (const [k, rs] of Object.entries(groups)) {
    const fields = rs[0].kind === 'probe' ? PROBE_FIELDS : LOAD_FIELDS;
    const m = { runs: rs.length, errors: rs.reduce((s, r) => s + (r.errors || 0) + (r.non2xx || 0), 0) };
    for (const f of fields) m[f] = median(rs.map((r) => r[f]));
    out[k] = m;
  }
  return out;
}

const fmt = (x, d) =>
  x == null ? 'n/a' : x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const signed = (x, d) => (x == null ? 'n/a' : `${x >= 0 ? '+' : '−'}${fmt(Math.abs(x), d)}`);
const ratio = (x, ref) => (x != null && ref ? ` (${(x / ref).toFixed(2)}×)` : '');
const cell = (x, ref, d) => (x == null ? 'n/a' : fmt(x, d) + ratio(x, ref));
const sub = (a, b) => (a == null || b == null ? null : a - b);

/** "+0.80 (13×)": the value added over direct, with its ratio to the bare proxy's added value. */
function added(x, direct, bare) {
  const a = sub(x, direct);
  const ab = sub(bare, direct);
  if (a == null) return 'n/a';
  return signed(a, 3) + (ab != null && ab > 0.005 ? ` (${(a / ab).toFixed(1)}×)` : '');
}

function loadTable(agg, scenario, concs, targets) {
  const rows = [
    '| conc | target | req/s | p50 ms | p90 ms | p99 ms | added p50 vs direct, ms | CPU µs/req | peak RSS MB | errors |',
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const c of concs) {
    const g = (t) => agg[key('load', scenario, c, t)];
    const b = g('bare') || {};
    const d = g('direct') || {};
    for (const t of targets) {
      const m = g(t.name);
      if (!m) continue;
      rows.push(
        `| ${c} | ${t.short || t.label} | ${cell(m.rps, b.rps, 0)} | ${cell(m.p50, b.p50, 3)} | ${cell(m.p90, b.p90, 3)} | ` +
          `${cell(m.p99, b.p99, 3)} | ${t.name === 'direct' ? 'baseline' : added(m.p50, d.p50, b.p50)} | ${cell(m.cpuUsPerReq, b.cpuUsPerReq, 0)} | ` +
          `${cell(m.rssMB, b.rssMB, 0)} | ${m.errors} |`,
      );
    }
  }
  return rows.join('\n');
}

function probeTable(agg, concs, targets) {
  const rows = [
    '| conc | target | first byte p50 ms | first byte p99 ms | added first byte vs direct, ms | total p50 ms | total p99 ms | errors |',
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const c of concs) {
    const g = (t) => agg[key('probe', 'stream', c, t)];
    const b = g('bare') || {};
    const d = g('direct') || {};
    for (const t of targets) {
      const m = g(t.name);
      if (!m) continue;
      rows.push(
        `| ${c} | ${t.short || t.label} | ${cell(m.fb50, b.fb50, 3)} | ${cell(m.fb99, b.fb99, 3)} | ` +
          `${t.name === 'direct' ? 'baseline' : added(m.fb50, d.fb50, b.fb50)} | ${cell(m.tot50, b.tot50, 3)} | ${cell(m.tot99, b.tot99, 3)} | ${m.errors} |`,
      );
    }
  }
  return rows.join('\n');
}

/** Translated CPU per request ÷ chat's in each measured cell of `group` for target `name`: [{ conc, ratio }]. */
function translationRatios(agg, group, concs, name) {
  const [chat, translated] = group;
  return concs
    .map((c) => {
      const ref = agg[key('load', chat, c, name)]?.cpuUsPerReq;
      const x = agg[key('load', translated, c, name)]?.cpuUsPerReq;
      return { conc: c, ratio: x != null && ref ? x / ref : null };
    })
    .filter((r) => r.ratio != null);
}

const cpuMark = (ratio) => (ratio <= TRANSLATION_CPU_LIMIT ? ' ✅' : ' ❌');

/** "1.12× ✅ (conc 16)": the highest translated/chat CPU ratio of `group`, or n/a when not measured. */
function worstTranslation(agg, group, concs, name) {
  const rs = translationRatios(agg, group, concs, name);
  if (!rs.length) return 'n/a';
  const worst = rs.reduce((a, b) => (b.ratio > a.ratio ? b : a));
  return `${worst.ratio.toFixed(2)}×${cpuMark(worst.ratio)} (conc ${worst.conc})`;
}

/**
 * Issue 19's targets: a goal column and a value column for each gateway set-up measured (✅/❌), then
 * the other targets' values (Portkey, the bare proxy) for comparison, unmarked.
 */
function targetsTable(agg, targets, concs) {
  const short = (t) => t.short || t.label;
  const setups = targets.filter((t) => GOALS[t.name]);
  const others = targets.filter((t) => !GOALS[t.name] && t.name !== 'direct');
  const value = (c, t) => {
    const x = c.value(agg, t.name, t);
    return x == null ? null : x;
  };
  const head = ['check', ...setups.flatMap((t) => [`target, ${short(t)}`, short(t)]), ...others.map(short)];
  const rows = CHECKS.map((c) => {
    const cells = setups.flatMap((t) => {
      const x = value(c, t);
      const g = GOALS[t.name];
      return [c.goal(g), x == null ? 'n/a' : `${c.fmt(x)} ${c.ok(x, g) ? '✅' : '❌'}`];
    });
    const rest = others.map((t) => {
      const x = value(c, t);
      return x == null ? 'n/a' : c.fmt(x);
    });
    return `| ${c.label} | ${[...cells, ...rest].join(' | ')} |`;
  });
  const translation = setups.flatMap((t) => [
    `≤ ${TRANSLATION_CPU_LIMIT}×`,
    ['json', 'stream']
      .map((g) => worstTranslation(agg, MESSAGES_GROUPS[g], concs, t.name))
      .join(' · ')
      .replace(/^n\/a · n\/a$/, 'n/a'),
  ]);
  rows.push(
    `| /v1/messages translated to OpenAI: CPU µs/req ÷ chat completions, highest over conc (JSON · stream), issue 17 | ${[...translation, ...others.map(() => '—')].join(' | ')} |`,
  );
  return [
    `| ${head.join(' | ')} |`,
    `| --- |${head
      .slice(1)
      .map(() => ' ---: |')
      .join('')}`,
    ...rows,
  ].join('\n');
}

/**
 * The gateways' event-loop delay during each load run (prom-client's monitorEventLoopDelay, read from
 * /metrics: reset by a scrape just before the run, read by one just after), medians over the rounds.
 */
function loopTable(agg, scenarios, concs, targets) {
  const rows = [
    '| scenario | conc | target | loop delay p50 ms | p99 ms | max ms |',
    '| --- | ---: | --- | ---: | ---: | ---: |',
  ];
  for (const sc of scenarios)
    for (const c of concs)
      for (const t of targets) {
        const m = at(agg, 'load', sc, c, t.name);
        if (m?.loopP99 == null) continue;
        rows.push(
          `| ${sc} | ${c} | ${t.short || t.label} | ${fmt(m.loopP50, 2)} | ${fmt(m.loopP99, 2)} | ${fmt(m.loopMax, 2)} |`,
        );
      }
  return rows.length > 2 ? rows.join('\n') : '_not measured_';
}

/** The rows of `group`'s scenarios for target `name`, each conc: chat first, the Messages ones beside it. */
function messagesRows(agg, kind, group, concs, name, columns) {
  const rows = [];
  for (const c of concs) {
    const ref = agg[key(kind, group[0], c, name)] || {};
    for (const sc of group) {
      const m = agg[key(kind, sc, c, name)];
      if (m) rows.push(`| ${c} | ${SCENARIOS[sc].label} | ${columns(m, ref, sc === group[1]).join(' | ')} |`);
    }
  }
  return rows;
}

/**
 * The Anthropic Messages section for target `t`: JSON, stream first byte, stream throughput, each
 * cell's figures with their ratio to the chat completions request in the same cell; the translated
 * request's CPU per request marked against the issue's limit.
 */
function messagesSection(agg, concs, t) {
  const load = (m, ref, translated) => [
    cell(m.rps, ref.rps, 0),
    cell(m.p50, ref.p50, 3),
    cell(m.p90, ref.p90, 3),
    cell(m.p99, ref.p99, 3),
    cell(m.cpuUsPerReq, ref.cpuUsPerReq, 0) +
      (translated && m.cpuUsPerReq != null && ref.cpuUsPerReq
        ? cpuMark(m.cpuUsPerReq / ref.cpuUsPerReq)
        : ''),
    cell(m.rssMB, ref.rssMB, 0),
    String(m.errors),
  ];
  const probe = (m, ref) => [
    cell(m.fb50, ref.fb50, 3),
    cell(m.fb99, ref.fb99, 3),
    cell(m.tot50, ref.tot50, 3),
    cell(m.tot99, ref.tot99, 3),
    String(m.errors),
  ];
  const loadHead = [
    '| conc | request | req/s | p50 ms | p90 ms | p99 ms | CPU µs/req | peak RSS MB | errors |',
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  const probeHead = [
    '| conc | request | first byte p50 ms | first byte p99 ms | total p50 ms | total p99 ms | errors |',
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  const table = (head, rows) => (rows.length ? [...head, ...rows].join('\n') : '_not measured_');
  return [
    '',
    `## Anthropic Messages — POST /v1/messages beside chat — ${t.label}`,
    '',
    'The same prompt (`"Say hello"`, `max_tokens: 16`) in the Anthropic dialect (`x-api-key`, ' +
      '`anthropic-version: 2023-06-01`): for `bench-openai` the gateway translates it to OpenAI chat ' +
      'completions and the answer back to a Message (scenarios `messages-translated`, ' +
      '`messages-translated-stream`); for `bench-anthropic` (an `anthropic` deployment on the fake ' +
      'upstream) it passes it through (`messages-passthrough`, `messages-passthrough-stream`). ' +
      "Each figure's ratio is to the chat completions request for `bench-openai` (passed through) in " +
      `the same cell; the translated request's CPU per request is marked against issue 17's limit, ` +
      `≤ ${TRANSLATION_CPU_LIMIT}× chat's.`,
    '',
    '### JSON',
    '',
    table(loadHead, messagesRows(agg, 'load', MESSAGES_GROUPS.json, concs, t.name, load)),
    '',
    '### Stream — first byte and total (stream probe, node:http client)',
    '',
    table(probeHead, messagesRows(agg, 'probe', MESSAGES_GROUPS.stream, concs, t.name, probe)),
    '',
    '### Stream — throughput (load generator; latencies are to the end of the stream)',
    '',
    table(loadHead, messagesRows(agg, 'load', MESSAGES_GROUPS.stream, concs, t.name, load)),
  ];
}

function markdown(meta, agg, targets, skipped) {
  const out = [
    `# Switchboard benchmark — ${meta.out && meta.out !== 'latest' ? `run (${meta.out})` : 'latest run'}`,
    '',
    `${meta.date} · commit ${meta.commit} · ${meta.cpu} (${meta.cores} cores) · Node ${meta.node} · load: ${meta.tool} · ` +
      `pinning: ${meta.pinning} · concurrency ${meta.conc.join(', ')} · ${meta.rounds} interleaved rounds, medians · ${meta.duration} s per load run, ` +
      `${meta.probeDuration} s per stream probe${meta.quick ? ' · **--quick (smoke run, noisy)**' : ''}` +
      ` · load average (1/5/15 min) ${meta.loadBefore} before, ${meta.loadAfter} after`,
    ...(meta.note ? ['', `**Note:** ${meta.note}`] : []),
    '',
    'Each figure is followed by its ratio to the bare Node proxy measured in the same run. ' +
      '“added … vs direct” is the latency over calling the fake upstream directly; its ratio compares it to ' +
      "the bare proxy's own added latency. How to read this: [bench/README.md](../README.md).",
    '',
    '## Targets',
    '',
    targets
      .filter((t) => t.name !== 'direct')
      .map((t) => `- **${t.short || t.label}**: ${t.label}`)
      .join('\n'),
    '',
    '## Issue targets (issue 19)',
    '',
    targetsTable(agg, targets, meta.conc),
    '',
    '## Event-loop delay of the gateway during each load run',
    '',
    "From the gateway's `GET /metrics` (`switchboard_nodejs_eventloop_lag_p50_seconds`, `_p99_`, `_max_`: " +
      "prom-client's `perf_hooks.monitorEventLoopDelay` histogram, reset by each scrape): scraped just before " +
      'and just after each load run, medians over the rounds. The histogram samples the loop every 10 ms and ' +
      'records each whole interval, so the figures below are what is beyond those 10 ms (0 = no delay). ' +
      "On a shared machine they include the time the gateway's core ran other work.",
    '',
    loopTable(agg, meta.scenarios, meta.conc, targets),
  ];
  if (meta.scenarios.includes('nonstream')) {
    out.push(
      '',
      '## Non-stream — POST /v1/chat/completions',
      '',
      loadTable(agg, 'nonstream', meta.conc, targets),
    );
  }
  if (meta.scenarios.includes('stream')) {
    out.push(
      '',
      '## Stream — first byte and total (stream probe, node:http client)',
      '',
      probeTable(agg, meta.conc, targets),
      '',
      '## Stream — throughput (load generator; latencies are to the end of the stream)',
      '',
      loadTable(agg, 'stream', meta.conc, targets),
    );
  }
  const messagesTargets = targets.filter((t) =>
    meta.scenarios.some((sc) => isMessages(sc) && meta.conc.some((c) => agg[key('load', sc, c, t.name)])),
  );
  for (const t of messagesTargets) out.push(...messagesSection(agg, meta.conc, t));
  if (skipped.length) {
    out.push(
      '',
      '## Skipped targets and scenarios',
      '',
      ...skipped.map((s) => `- **${s.name}**: ${s.reason.split('\n')[0]}`),
    );
  }
  return out.join('\n') + '\n';
}

module.exports = { aggregate, markdown };
