'use strict';
/**
 * The soak's exactly-once checks against Postgres. Every request of the load generator carried its own
 * `x-request-id`, `soak-<tag>-<kind>-<n>` with n = 1…sent (bench/soak-load.js), and the gateway stores it
 * as the usage record's request_id, so for each kind: records = distinct request ids = requests sent
 * means one record per request, none lost and none doubled. Video status polls (`vp`) are served from
 * the gateway's table and must leave no record; each video task must be settled (completed and
 * charged, or failed) with exactly one record, linked by its reservation id.
 */
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The soak's request kinds: id code → what the report calls it. Fault codes come from the load options. */
const KINDS = {
  m: 'mixed traffic (200s)',
  a: 'aborted streams',
  v: 'video submits',
  vp: 'video status polls',
};

/** Records of the run: its tag in request_id; created_at (indexed) bounds the scan to the run's time. */
const RUN_RECORDS = `request_id LIKE $1 AND created_at >= $2`;
const runArgs = (tag, since) => [`soak-${tag}-%`, new Date(since - 60_000)];

async function recordsByKind(pg, tag, since) {
  const { rows } = await pg.query(
    `SELECT split_part(request_id, '-', 3) AS kind, count(*)::int AS records,
            count(DISTINCT request_id)::int AS ids, max(split_part(request_id, '-', 4)::int) AS max_n
       FROM usage_records WHERE ${RUN_RECORDS} GROUP BY 1`,
    runArgs(tag, since),
  );
  return Object.fromEntries(rows.map((r) => [r.kind, r]));
}

/** What the records say per kind: { kind: { "status_code[ stream][ estimated]": n } }. */
async function statusesByKind(pg, tag, since) {
  const { rows } = await pg.query(
    `SELECT split_part(request_id, '-', 3) AS kind, status_code, stream, estimated, count(*)::int AS n
       FROM usage_records WHERE ${RUN_RECORDS} GROUP BY 1, 2, 3, 4 ORDER BY 1, 2`,
    runArgs(tag, since),
  );
  const out = {};
  for (const r of rows) {
    const key = `${r.status_code}${r.stream ? ' stream' : ''}${r.estimated ? ' estimated' : ''}`;
    (out[r.kind] ||= {})[key] = r.n;
  }
  return out;
}

/**
 * Waits until the usage writer has caught up (the record count reached the requests sent and stopped
 * moving for 5 s; or it has not moved for 30 s; or 5 minutes), then compares. sent: { kind: n } from
 * the load generator; since: the run's start (ms).
 */
async function checkUsage(pg, tag, since, sent, log) {
  const want = Object.entries(sent)
    .filter(([k]) => k !== 'vp')
    .reduce((s, [, n]) => s + n, 0);
  const deadline = Date.now() + 300_000;
  let last = -1;
  let stableSince = Date.now();
  let by = {};
  for (;;) {
    by = await recordsByKind(pg, tag, since);
    const total = Object.values(by).reduce((s, r) => s + r.records, 0);
    if (total !== last) [last, stableSince] = [total, Date.now()];
    const still = Date.now() - stableSince;
    if ((total >= want && still >= 5000) || still >= 30_000 || Date.now() > deadline) break;
    log(`usage records: ${total.toLocaleString('en-US')} of ${want.toLocaleString('en-US')}…`);
    await sleep(2000);
  }
  const statuses = await statusesByKind(pg, tag, since);
  const kinds = [...new Set([...Object.keys(sent), ...Object.keys(by)])];
  const rows = kinds.map((kind) => {
    const r = by[kind] || { records: 0, ids: 0, max_n: 0 };
    const expected = kind === 'vp' ? 0 : sent[kind] || 0;
    const ok = r.records === expected && r.ids === expected && (expected === 0 || r.max_n === expected);
    return {
      kind,
      sent: sent[kind] || 0,
      expected,
      records: r.records,
      ids: r.ids,
      ok,
      statuses: statuses[kind] || {},
    };
  });
  return { rows, ok: rows.every((r) => r.ok) };
}

/** Each video task the soak submitted: settled once, with exactly one usage record. */
async function checkVideo(pg, tag) {
  const { rows } = await pg.query(
    `SELECT vt.status::text AS status, vt.settlement::text AS settlement, count(*)::int AS tasks,
            sum(CASE WHEN r.n = 1 THEN 1 ELSE 0 END)::int AS one_record
       FROM video_tasks vt
       LEFT JOIN LATERAL (SELECT count(*)::int AS n FROM usage_records ur WHERE ur.id::text = vt.reservation_id) r ON true
      WHERE vt.request_id LIKE $1 GROUP BY 1, 2 ORDER BY 1, 2`,
    [`soak-${tag}-v-%`],
  );
  const tasks = rows.reduce((s, r) => s + r.tasks, 0);
  const oneRecord = rows.reduce((s, r) => s + r.one_record, 0);
  const settled = rows
    .filter(
      (r) =>
        (r.status === 'completed' && r.settlement === 'charged') ||
        (r.status === 'failed' && r.settlement !== 'reserved'),
    )
    .reduce((s, r) => s + r.tasks, 0);
  return { rows, tasks, settled, oneRecord };
}

module.exports = { checkUsage, checkVideo, KINDS };
