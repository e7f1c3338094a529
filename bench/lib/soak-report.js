'use strict';
/** bench/results/soak.md: the verdicts, what each kind of request did, and the time series. */
const { SAMPLE_SEC } = require('./soak-sampler');
const { KINDS } = require('./soak-checks');

const MAX_SLOPE_MB_MIN = 1;
const MAX_DRIFT = 0.1;
const FULL_WARMUP_SEC = 60;

const f = (x, d = 1) =>
  x == null || Number.isNaN(x)
    ? 'n/a'
    : x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const n = (x) => (x == null ? 'n/a' : x.toLocaleString('en-US'));
const signed = (x, d) => (x == null ? 'n/a' : `${x >= 0 ? '+' : '−'}${f(Math.abs(x), d)}`);
const mark = (ok) => (ok ? '✅' : '❌');
const list = (obj) =>
  Object.entries(obj || {})
    .map(([k, v]) => `${k}: ${n(v)}`)
    .join(', ') || '—';
const median = (xs) => {
  const v = xs.filter((x) => x != null).sort((a, b) => a - b);
  return v.length ? v[(v.length - 1) >> 1] : null;
};
const max = (xs) => {
  const v = xs.filter((x) => x != null);
  return v.length ? Math.max(...v) : null;
};

/** What the client saw, per request kind (the load generator's counters). */
function clientOutcomes(load, kind) {
  if (kind === 'm')
    return `${n(load.mix.ok)} × 200 as expected${Object.keys(load.mix.bad).length ? `; ${list(load.mix.bad)}` : ''}`;
  if (kind === 'a') return list(load.abort.outcomes);
  if (kind === 'v')
    return `${n(load.video.submitted)} submitted; settled ${list(load.video.settled)}; submit errors ${list(load.video.submitErrors)}`;
  if (kind === 'vp') return `${n(load.video.polls)} polls`;
  const fault = Object.values(load.faults).find((x) => `f${x.code}` === kind);
  return fault ? list(fault.outcomes) : '—';
}

function kindName(load, kind) {
  const fault = Object.entries(load.faults).find(([, x]) => `f${x.code}` === kind);
  return fault ? `fault: ${fault[0]}` : KINDS[kind] || kind;
}

/** start → end of the load → idle after the checks, of one sample field. */
const series = (samples, key, fmt) => {
  const loaded = samples.filter((s) => !s.idle);
  const idle = samples.find((s) => s.idle);
  const at = (s) => fmt(s?.[key]);
  return `${at(loaded[0])} → ${at(loaded[loaded.length - 1])} → ${at(idle)} (max ${fmt(max(samples.map((s) => s[key])))})`;
};

function verdicts(res, short) {
  const { a, load, usage, video } = res;
  const loaded = res.samples.filter((s) => !s.idle);
  const el = loaded.slice(1);
  const videoOk =
    video.tasks === load.video.submitted &&
    video.settled === video.tasks &&
    video.oneRecord === video.tasks &&
    load.video.timedOut === 0;
  const mixOk = load.mix.ok === load.mix.sent;
  const records = usage.rows.reduce((s, r) => s + r.records, 0);
  const expected = usage.rows.reduce((s, r) => s + r.expected, 0);
  const flat = short ? `**not judged (smoke run)**` : `**${a.flat ? 'yes' : 'no'}** ${mark(a.flat)}`;
  const mb = (x) => f(x);
  return {
    ok: (short || a.flat) && usage.ok && videoOk && mixOk,
    rows: [
      `| **memory flat**: API RSS at the end (t = ${f(a.end?.t, 0)} s) vs after the warm-up (t = ${f(a.warm?.t, 0)} s) | ${f(a.warm?.apiMB)} → ${f(a.end?.apiMB)} MB, ${a.drift == null ? 'n/a' : `${signed(a.drift * 100, 1)} %`} (limit ±${MAX_DRIFT * 100} %); slope ${signed(a.slopeMBmin, 2)} MB/min over ${a.fitPoints} samples (limit ${MAX_SLOPE_MB_MIN}) ${flat} |`,
      `| **usage exactly once**: one record per request sent, by request id (every kind below) | ${n(records)} records for ${n(expected)} requests **${usage.ok ? 'yes' : 'no'}** ${mark(usage.ok)} |`,
      `| **video tasks settled once**: completed and charged (or failed), one usage record each | ${n(video.settled)} of ${n(load.video.submitted)} settled, ${n(video.oneRecord)} with one record, ${n(load.video.timedOut)} not settled by the client's deadline **${videoOk ? 'yes' : 'no'}** ${mark(videoOk)} |`,
      `| mixed traffic answered 200 with its usage | ${n(load.mix.ok)} of ${n(load.mix.sent)} ${mark(mixOk)} |`,
      `| event-loop delay p99 per ${SAMPLE_SEC} s under load: median / worst sample; max | ${f(median(el.map((s) => s.lagP99)), 2)} / ${f(max(el.map((s) => s.lagP99)), 2)} ms; ${f(max(el.map((s) => s.lagMax)), 2)} ms |`,
      `| API heap used, MB: start → end of the load → idle | ${series(res.samples, 'heapMB', mb)} |`,
      `| API active handles: start → end of the load → idle | ${series(res.samples, 'handles', n)} |`,
      `| API open fds: start → end of the load → idle | ${series(res.samples, 'apiFds', n)} |`,
      res.setup === 'installed'
        ? '| worker | none: the usage writer runs in the API process (role `all`) |'
        : `| worker RSS, MB / open fds: start → end of the load → idle | ${series(res.samples, 'workerMB', mb)} / ${series(res.samples, 'workerFds', n)} |`,
      `| mixed traffic: requests/s, latency p50 / p90 / p99 (to the last byte) | ${f(load.mix.rps, 0)}; ${f(load.mix.p50, 2)} / ${f(load.mix.p90, 2)} / ${f(load.mix.p99, 2)} ms |`,
    ],
  };
}

/** Minute 1 vs the last full minute: throughput and RSS must stay within MAX_DRIFT; the rest is shown. */
function minuteRows(mm) {
  if (!mm) return { ok: true, rows: ['_under 2 full minutes: not compared_'] };
  const { first: a, last: b } = mm;
  const change = (x, y) => (x == null || y == null || !x ? null : (y - x) / x);
  const pct = (c) => (c == null ? 'n/a' : `${signed(c * 100, 1)} %`);
  const judged = [
    ['mixed traffic, requests/s', 'rps', 0, (c) => c >= -MAX_DRIFT],
    ['API RSS, MB (last sample of the minute)', 'rssMB', 1, (c) => Math.abs(c) <= MAX_DRIFT],
  ];
  const shown = [
    ['mixed traffic latency p50, ms', 'p50', 2],
    ['mixed traffic latency p99, ms', 'p99', 2],
    ['event-loop delay p99, ms (worst sample of the minute)', 'loopP99', 2],
  ];
  let ok = true;
  const rows = [
    `| | minute ${a.minute} | minute ${b.minute} | change | within ${MAX_DRIFT * 100} % |`,
    '| --- | ---: | ---: | ---: | --- |',
  ];
  for (const [label, k, d, pass] of judged) {
    const c = change(a[k], b[k]);
    const good = c != null && pass(c);
    ok &&= good;
    rows.push(`| ${label} | ${f(a[k], d)} | ${f(b[k], d)} | ${pct(c)} | ${mark(good)} |`);
  }
  for (const [label, k, d] of shown)
    rows.push(
      `| ${label} | ${f(a[k], d)} | ${f(b[k], d)} | ${pct(change(a[k], b[k]))} | (shown, not judged) |`,
    );
  return { ok, rows };
}

function markdown(meta, res) {
  const { a, load, samples, label, mix, usage, video } = res;
  const short = meta.soakDuration < 2 * FULL_WARMUP_SEC;
  const v = verdicts(res, short);
  const mm = minuteRows(res.minutes);
  if (!short) v.ok &&= mm.ok;
  const out = [
    '# Switchboard soak — mixed traffic, aborted streams, upstream faults and video tasks',
    '',
    `${meta.date} · commit ${meta.commit} · ${meta.cpu} (${meta.cores} cores) · Node ${meta.node} · ` +
      `load generator: bench/soak-load.js (node:http) · pinning: ${meta.pinning} · ${meta.soakDuration} s · ` +
      `target: ${label} · machine load average (1 / 5 / 15 min) before ${meta.loadBefore}, after ${meta.loadAfter}` +
      `${short ? ` · **smoke run (${meta.soakDuration} s): warm-up cut to ${a.warmupSec} s, not a verdict**` : ''}`,
    '',
    `Traffic, all at once for the whole run, on one virtual key: ${meta.soakConc} connections rotating ` +
      `request by request between ${mix.map((m) => `\`${m}\``).join(', ')}; one loop of OpenAI streams from a ` +
      'slow fake model (50 ms between chunks) that the client drops after the first chunk; one loop rotating ' +
      'between upstream faults (500, 429, a stream whose socket dies after three chunks, a JSON body cut in ' +
      'half; the gateway retries them as configured); a video task (`sora-2` on a fake provider that ' +
      `completes on its 3rd poll) submitted every 2 s and polled every second until it settles, by the ` +
      `gateway ${res.setup === 'installed' ? 'as installed (`npm start`: one process, role `all`)' : 'in two processes (role `api` and role `worker`)'}. ` +
      'Each request carries its own `x-request-id`; ' +
      'at the deadline no new request starts and those in flight are awaited. ' +
      `Every ${SAMPLE_SEC} s: VmRSS, CPU and open fds from /proc, and heap used, active handles and the ` +
      "event-loop delay (prom-client's monitorEventLoopDelay histogram, reset at each scrape) from the API's " +
      '`GET /metrics`. How to read this: [bench/README.md](../README.md).',
    '',
    `**Verdict: ${v.ok ? 'all checks pass ✅' : 'a check failed ❌'}**`,
    '',
    '| check | result |',
    '| --- | --- |',
    ...v.rows,
    '',
    `## Minute 1 against minute ${res.minutes?.last.minute ?? 'n/a'} (set-up: ${res.setup})`,
    '',
    'Throughput must not fall by more than 10 % and the RSS not move by more than 10 % between the first ' +
      'full minute and the last; latency and event-loop delay are shown (on a shared machine their tails ' +
      'follow the other work running on it).',
    '',
    ...mm.rows,
    '',
    '## Requests and usage records, by kind',
    '',
    '| kind | sent | what the client saw | usage records (distinct ids) | records by status |',
    '| --- | ---: | --- | ---: | --- |',
    ...usage.rows.map(
      (r) =>
        `| ${kindName(load, r.kind)} | ${n(r.sent)} | ${clientOutcomes(load, r.kind)} | ${n(r.records)} (${n(r.ids)}) ${mark(r.ok)} | ${list(r.statuses)} |`,
    ),
    '',
    'How to read the statuses: an aborted stream is recorded 499 when the gateway sees the client leave before the ' +
      "upstream has finished, with `estimated` usage (the prompt and what was streamed, counted locally) unless the provider's " +
      'usage had already arrived; and 200 ' +
      "with the provider's usage when the upstream finished first (a race the load of the machine decides). Upstream " +
      '500s and a cut JSON body are retried by the gateway, then answered 502; upstream 429s, retried, are answered ' +
      '429. A stream that breaks after the gateway has sent its 200 head is told in-band: an error event in the ' +
      "dialect's shape, then the end of the stream (the client's SDK raises it); recorded 502 with the usage " +
      'counted locally.',
    '',
    `Video tasks in the gateway's table: ${video.rows.map((r) => `${r.status}/${r.settlement} ${n(r.tasks)}`).join(', ') || 'none'}; ` +
      `submit → settled as the client saw it: p50 ${f(load.video.settleP50 / 1000, 1)} s, max ${f(load.video.settleMax / 1000, 1)} s.`,
    '',
    '## Over time',
    '',
    '| t s | API RSS MB | heap used MB | worker RSS MB | API CPU % | event-loop delay p50 / p99 / max ms | active handles | API fds | worker fds |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...samples.map(
      (s) =>
        `| ${f(s.t, 0)}${s.idle ? ' (idle, after the checks)' : ''} | ${s.apiMB == null ? 'gone' : f(s.apiMB)} | ${f(s.heapMB)} | ${f(s.workerMB)} | ${f(s.cpuPct, 0)} | ` +
        `${f(s.lagP50, 2)} / ${f(s.lagP99, 2)} / ${f(s.lagMax, 2)} | ${n(s.handles)} | ${n(s.apiFds)} | ${n(s.workerFds)} |`,
    ),
    '',
    'At t = 0 the event-loop figures cover the start-up (the histogram runs from the first scrape on). ' +
      "prom-client's histogram has a 10 ms resolution: a delay of about 10 ms is its floor, i.e. no delay.",
    '',
    `Open fds once idle, by what they are (/proc/<pid>/fd and /proc/net/tcp): API ${list(res.idleFds.api)}; ` +
      `worker ${list(res.idleFds.worker)}.`,
  ];
  if (a.lost) out.push('', '**The API process exited during the soak.**');
  return out.join('\n') + '\n';
}

module.exports = { markdown, MAX_SLOPE_MB_MIN, MAX_DRIFT, FULL_WARMUP_SEC };
