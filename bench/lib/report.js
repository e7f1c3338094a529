'use strict';
/** Medians over rounds, ratios against the bare proxy, and the markdown report. */
const { median } = require('./stats');
const { SCENARIOS, MESSAGES_GROUPS, TRANSLATION_CPU_LIMIT, isMessages } = require('./scenarios');

const LOAD_FIELDS = ['rps', 'p50', 'p90', 'p99', 'cpuUsPerReq', 'rssMB'];
const PROBE_FIELDS = ['rps', 'fb50', 'fb90', 'fb99', 'tot50', 'tot90', 'tot99'];

/** Issue targets, checked for every target except the direct baseline. */
const CHECKS = [
  { label: 'non-stream throughput at conc 16, % of bare proxy', goal: '≥ 40 %' },
  { label: 'non-stream added p50 at conc 1, over bare proxy', goal: '≤ 0.25 ms' },
  { label: 'stream first byte p50 at conc 1, over bare proxy', goal: '≤ 0.5 ms' },
  { label: 'peak RSS (VmHWM, whole run)', goal: '≤ 150 MB' },
  { label: 'errors + non-2xx answers, all runs', goal: '0' },
  {
    label:
      '/v1/messages translated to OpenAI: CPU µs/req ÷ chat completions, highest over conc (JSON · stream)',
    goal: `≤ ${TRANSLATION_CPU_LIMIT}×`,
  },
];

const key = (kind, scenario, conc, target) => `${kind}|${scenario}|${conc}|${target}`;

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
        `| ${c} | ${t.label} | ${cell(m.rps, b.rps, 0)} | ${cell(m.p50, b.p50, 3)} | ${cell(m.p90, b.p90, 3)} | ` +
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
        `| ${c} | ${t.label} | ${cell(m.fb50, b.fb50, 3)} | ${cell(m.fb99, b.fb99, 3)} | ` +
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

/** One value and pass/fail per check for target `t`. */
function checkValues(agg, t, concs) {
  const g = (kind, sc, c, name) => agg[key(kind, sc, c, name)];
  const mark = (ok) => (ok == null ? '' : ok ? ' ✅' : ' ❌');
  const nsT = g('load', 'nonstream', 16, t.name);
  const nsB = g('load', 'nonstream', 16, 'bare');
  const share = nsT && nsB ? (100 * nsT.rps) / nsB.rps : null;
  const p50 = sub(g('load', 'nonstream', 1, t.name)?.p50, g('load', 'nonstream', 1, 'bare')?.p50);
  const fb = sub(g('probe', 'stream', 1, t.name)?.fb50, g('probe', 'stream', 1, 'bare')?.fb50);
  const rss = t.hwmMB;
  const errors = Object.entries(agg)
    .filter(([k]) => k.endsWith(`|${t.name}`))
    .reduce((sum, [, m]) => sum + m.errors, 0);
  return [
    share == null ? 'n/a' : `${fmt(share, 0)} %${mark(share >= 40)}`,
    p50 == null ? 'n/a' : `${signed(p50, 3)} ms${mark(p50 <= 0.25)}`,
    fb == null ? 'n/a' : `${signed(fb, 3)} ms${mark(fb <= 0.5)}`,
    rss == null ? 'n/a' : `${fmt(rss, 0)} MB${mark(rss <= 150)}`,
    `${errors}${mark(errors === 0)}`,
    ['json', 'stream']
      .map((g) => worstTranslation(agg, MESSAGES_GROUPS[g], concs, t.name))
      .join(' · ')
      .replace(/^n\/a · n\/a$/, 'n/a'),
  ];
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
  const subjects = targets.filter((t) => t.name !== 'direct');
  const checks = subjects.map((t) => checkValues(agg, t, meta.conc));
  const out = [
    `# Switchboard benchmark — ${meta.out && meta.out !== 'latest' ? `run (${meta.out})` : 'latest run'}`,
    '',
    `${meta.date} · ${meta.cpu} (${meta.cores} cores) · Node ${meta.node} · load: ${meta.tool} · ` +
      `pinning: ${meta.pinning} · ${meta.rounds} interleaved rounds, medians · ${meta.duration} s per load run, ` +
      `${meta.probeDuration} s per stream probe${meta.quick ? ' · **--quick (smoke run, noisy)**' : ''}`,
    '',
    'Each figure is followed by its ratio to the bare Node proxy measured in the same run. ' +
      '“added … vs direct” is the latency over calling the fake upstream directly; its ratio compares it to ' +
      "the bare proxy's own added latency. How to read this: [bench/README.md](../README.md).",
    '',
    '## Issue targets',
    '',
    `| check | target | ${subjects.map((t) => t.label).join(' | ')} |`,
    `| --- | --- |${subjects.map(() => ' ---: |').join('')}`,
    ...CHECKS.map((c, i) => `| ${c.label} | ${c.goal} | ${checks.map((v) => v[i]).join(' | ')} |`),
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
