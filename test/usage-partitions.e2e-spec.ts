/**
 * usage_records partitioned by month (docs/usage-partitioning.md): the migration from the unpartitioned
 * table on a database that holds rows (built with `prisma migrate deploy` up to the migration before),
 * rows and reports unchanged; the worker creating future partitions (and moving rows the DEFAULT one
 * took); exactly-once writes on (id, created_at); retention dropping whole old partitions while the
 * rollup and the summary keep their totals, audited; reports flagging ranges served from the rollup only.
 */
import { randomUUID } from 'node:crypto';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import Redis from 'ioredis';
import { applyMigrations, projectRoot } from '../src/database/database-bootstrap';
import type { UsageEvent } from '../src/modules/usage/usage-event';
import {
  INSERT_USAGE_SQL,
  serializeUsageEvent,
  usageInsertParams,
  usageStreamKey,
} from '../src/modules/usage/usage-stream';
import { UsagePartitionMaintainer } from '../src/modules/usage/usage-partitions.module';
import { periodSpendSql } from '../src/modules/usage/spend-pending';
import { AdminClient } from './support/admin-client';
import type { UsageLogPage, UsageSummaryResponse } from '../src/modules/usage/dto/usage.response';
import { startGateway, type TestGateway } from './support/gateway';
import { databaseUrl, RUN_ID_ENV, withAdminClient, withClient } from './support/test-databases';

const PARTITION_MIGRATION = '20261203203500_usage_records_partitioned';
const MONTH = (d: Date, n = 0) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1));
const DAY_MS = 86_400_000;

const KEYS = [randomUUID(), randomUUID()];
const event = (createdAt: Date, i: number, over: Partial<UsageEvent> = {}): UsageEvent => ({
  id: randomUUID(),
  requestId: `parts-${i}`,
  createdAt,
  keyId: KEYS[i % 2],
  model: i % 3 ? 'gpt-4o-mini' : 'gemini-2.5-flash',
  provider: i % 3 ? 'openai' : 'gemini',
  endpoint: '/v1/chat/completions',
  statusCode: i % 7 ? 200 : 500,
  usage: { promptTokens: 10 + i, completionTokens: i },
  costUsd: `0.0000${1000 + i}17`,
  latencyMs: 5,
  stream: false,
  ...over,
});

/** Deploys the migrations before PARTITION_MIGRATION with the real CLI, from a copy of the project's Prisma files. */
function deployPreviousMigrations(url: string): void {
  const root = projectRoot();
  const dir = mkdtempSync(path.join(tmpdir(), 'sb-parts-'));
  mkdirSync(path.join(dir, 'prisma', 'migrations'), { recursive: true });
  symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'));
  copyFileSync(path.join(root, 'prisma.config.ts'), path.join(dir, 'prisma.config.ts'));
  for (const f of ['migrate-adapter.ts', 'sql-script.ts', 'schema.prisma'])
    symlinkSync(path.join(root, 'prisma', f), path.join(dir, 'prisma', f));
  // Copies, not links: the CLI skips linked migration directories.
  for (const m of readdirSync(path.join(root, 'prisma', 'migrations')))
    if (m < PARTITION_MIGRATION || m === 'migration_lock.toml')
      cpSync(path.join(root, 'prisma', 'migrations', m), path.join(dir, 'prisma', 'migrations', m), {
        recursive: true,
      });
  const res = spawnSync(process.execPath, [require.resolve('prisma/build/index.js'), 'migrate', 'deploy'], {
    cwd: dir,
    env: { ...process.env, DATABASE_URL: url, CHECKPOINT_DISABLE: '1', NO_COLOR: '1' },
    encoding: 'utf8',
  });
  if (res.status !== 0)
    throw new Error(`deploy of the previous migrations failed: ${res.stderr || res.stdout}`);
}

describe('usage_records partitioned by month', () => {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const url = databaseUrl(`sbtest_${process.env[RUN_ID_ENV]}_partsmig_${Date.now().toString(36)}`);
  const now = new Date();
  let gw: TestGateway;
  let admin: AdminClient;
  const q = <R>(sql: string, params: unknown[] = []) =>
    withClient(url, async (c) => (await c.query(sql, params)).rows as R[]);
  const summary = async (query: string) => {
    const res = await admin.request<UsageSummaryResponse>('GET', `/admin/usage/summary?${query}`);
    expect(res.status).toBe(200);
    return res.body;
  };
  const logs = async (query: string) => {
    const res = await admin.request<UsageLogPage>('GET', `/admin/usage/logs?limit=1000&${query}`);
    expect(res.status).toBe(200);
    return res.body;
  };
  /** Appends events to the usage stream and waits until the gateway's writer has written them. */
  const write = async (events: UsageEvent[]) => {
    const stream = usageStreamKey(gw.config.redisPrefix);
    await redis.xadd(stream, '*', 'e', events.map(serializeUsageEvent).join('\n'));
    const deadline = Date.now() + 15_000;
    while ((await redis.xlen(stream)) > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(await redis.xlen(stream)).toBe(0);
  };

  // Before the migration: five months of records (the oldest ~4 months back, the newest an hour ago).
  const old = Array.from({ length: 120 }, (_, i) =>
    event(new Date(now.getTime() - 3_600_000 - i * 0.9 * DAY_MS), i),
  );
  let before: { rows: string; count: number; rollup: string };
  const snapshot = async () =>
    (
      await q<{ rows: string; count: number; rollup: string }>(
        `SELECT (SELECT md5(string_agg(t::text, ',' ORDER BY id)) FROM usage_records t) AS rows,
          (SELECT count(*)::int FROM usage_records) AS count,
          (SELECT md5(string_agg(d::text, ',' ORDER BY day, key_id, team_id, model, provider)) FROM usage_daily d) AS rollup`,
      )
    )[0];

  beforeAll(async () => {
    await withAdminClient((c) => c.query(`CREATE DATABASE "${url.split('/').pop()}"`));
    deployPreviousMigrations(url);
    // The writer's statement as it was before (conflict target: the old primary key).
    const oldInsert = INSERT_USAGE_SQL.replace('ON CONFLICT (id, created_at)', 'ON CONFLICT (id)');
    await withClient(url, (c) => c.query(oldInsert, usageInsertParams(old)));
    before = await snapshot();
    expect(before.count).toBe(old.length);
    await applyMigrations(url);
  }, 120_000);

  afterAll(async () => {
    await gw?.close();
    redis.disconnect();
  });

  it('the migration keeps every row and the rollup, under a partitioned parent of the same name', async () => {
    expect(await snapshot()).toEqual(before);
    const parts = await q<{
      name: string;
      range_from: Date | null;
      range_to: Date | null;
      is_default: boolean;
    }>('SELECT * FROM usage_record_partitions ORDER BY range_from NULLS FIRST');
    const [kind] = await q<{ relkind: string }>(
      `SELECT relkind::text FROM pg_class WHERE oid = 'usage_records'::regclass`,
    );
    expect(kind.relkind).toBe('p');
    // The old table is the first partition (from MINVALUE to a month boundary at least 7 days ahead).
    const legacy = parts.find((p) => p.name === 'usage_records_legacy')!;
    expect(legacy.range_from).toBeNull();
    expect(legacy.range_to!.getTime()).toBeGreaterThanOrEqual(now.getTime() + 7 * DAY_MS);
    expect(parts.some((p) => p.is_default)).toBe(true);
    expect(parts.filter((p) => /^usage_records_\d{4}_\d{2}$/.test(p.name))[0].range_from).toEqual(
      legacy.range_to,
    );
    const [{ n }] = await q<{ n: number }>('SELECT count(*)::int AS n FROM usage_records_legacy');
    expect(n).toBe(old.length);
  });

  it('reports answer the same figures as the records held before the migration', async () => {
    gw = await startGateway({ databaseUrl: url, env: { SWITCHBOARD_USAGE_RETENTION_DAYS: '31' } });
    admin = new AdminClient(gw.url, gw.masterKey);
    const expected = await q<{ day: string; model: string; requests: number; cost: string }>(
      `SELECT to_char((created_at AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD') AS day, model, count(*)::int AS requests,
        trim(trailing '.' from trim(trailing '0' from sum(cost_usd)::text)) AS cost
       FROM usage_records GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    const s = await summary('group_by=day,model');
    expect(
      s.data.map((r) => ({ day: r.day, model: r.model, requests: r.requests, cost: r.cost_usd })),
    ).toEqual(expected);
    expect(s.source).toBeUndefined(); // nothing dropped: no flag
    const page = await logs('');
    expect(page.data.map((r) => r.id).sort()).toEqual(old.map((e) => e.id).sort());
  });

  it('writes land in their month, once, a repeat included; the worker creates partitions ahead and moves what DEFAULT took', async () => {
    const maintainer = gw.app.get(UsagePartitionMaintainer);
    const [legacy] = await q<{ range_to: Date }>(
      `SELECT range_to FROM usage_record_partitions WHERE name = 'usage_records_legacy'`,
    );
    const first = legacy.range_to;
    const inFirst = event(new Date(first.getTime() + DAY_MS / 2 + 123), 1000);
    const inSecond = event(new Date(MONTH(first, 1).getTime() + DAY_MS / 3), 1001);
    const farAhead = event(
      new Date(Date.UTC(MONTH(first, 14).getUTCFullYear(), MONTH(first, 14).getUTCMonth(), 9, 12)),
      1002,
    );
    await write([inFirst, inSecond, farAhead]);
    await write([inFirst, inSecond]); // a retried batch: same ids, same created_at
    const placed = await q<{ id: string; part: string; n: number }>(
      `SELECT id::text, tableoid::regclass::text AS part, count(*) OVER (PARTITION BY id)::int AS n FROM usage_records WHERE id = ANY($1::uuid[])`,
      [[inFirst.id, inSecond.id, farAhead.id]],
    );
    const partOf = (e: UsageEvent) => placed.find((p) => p.id === e.id)!.part;
    expect(placed.every((p) => p.n === 1)).toBe(true);
    expect(placed).toHaveLength(3);
    expect(partOf(inFirst)).toBe(`usage_records_${first.toISOString().slice(0, 7).replace('-', '_')}`);
    expect(partOf(farAhead)).toBe('usage_records_default');

    // The worker's round, 14 months on: that month's partition is created and takes the row back from DEFAULT.
    const later = MONTH(first, 14);
    const created = await maintainer.createAhead(later);
    const farName = `usage_records_${later.toISOString().slice(0, 7).replace('-', '_')}`;
    expect(created).toContain(farName);
    expect(await maintainer.createAhead(later)).toEqual([]); // idempotent
    const [moved] = await q<{ part: string }>(
      'SELECT tableoid::regclass::text AS part FROM usage_records WHERE id = $1::uuid',
      [farAhead.id],
    );
    expect(moved.part).toBe(farName);
  });

  it('retention drops whole old partitions only; the rollup and the summary keep the totals; reports say rollup', async () => {
    const maintainer = gw.app.get(UsagePartitionMaintainer);
    const allTime = await summary('group_by=model');
    const byDay = await summary('group_by=day,model');
    const rollupBefore = (await snapshot()).rollup;
    const [legacy] = await q<{ range_to: Date }>(
      `SELECT range_to FROM usage_record_partitions WHERE name = 'usage_records_legacy'`,
    );
    const horizon = MONTH(legacy.range_to, 1); // legacy and the first month go; the second stays
    const oldRange = `from=${new Date(now.getTime() - 40 * DAY_MS).toISOString().slice(0, 10)}&to=${now.toISOString().slice(0, 10)}`;
    const oldRangeBefore = await summary(`${oldRange}&group_by=model`);
    const lifetimeSpend = () => q<{ s: string }>(periodSpendSql('key_id'), [KEYS[0], new Date(0)]);
    const spendBefore = await lifetimeSpend();

    // The boot round (real clock, 31 days) dropped nothing: every partition still holds recent rows.
    expect(
      (
        await q<{ n: number }>(
          `SELECT count(*)::int AS n FROM audit_logs WHERE action = 'usage.partition.drop'`,
        )
      )[0].n,
    ).toBe(0);
    // 31 days after the first monthly partition ends plus one hour: legacy and that month are older than the cutoff.
    const dropped = await maintainer.dropExpired(new Date(horizon.getTime() + 31 * DAY_MS + 3_600_000));
    expect(dropped.map((p) => p.name)).toEqual([
      'usage_records_legacy',
      `usage_records_${legacy.range_to.toISOString().slice(0, 7).replace('-', '_')}`,
    ]);
    const [{ n }] = await q<{ n: number }>(
      'SELECT count(*)::int AS n FROM usage_records WHERE created_at < $1',
      [horizon],
    );
    expect(n).toBe(0);
    expect((await snapshot()).rollup).toBe(rollupBefore);
    // A lifetime budget's spend seed still counts the dropped records (from the rollup).
    expect(await lifetimeSpend()).toEqual(spendBefore);

    // Totals from the rollup are unchanged; the answer says where they came from.
    const allAfter = await summary('group_by=model');
    expect(allAfter.data).toEqual(allTime.data);
    expect(allAfter.totals).toEqual(allTime.totals);
    expect(allAfter).toMatchObject({
      source: 'rollup_and_records',
      raw_available_from: horizon.toISOString(),
    });
    expect((await summary('group_by=day,model')).data).toEqual(byDay.data);
    const oldAfter = await summary(`${oldRange}&group_by=model`);
    expect(oldAfter.totals).toEqual(oldRangeBefore.totals);
    expect(oldAfter.source).toBe('rollup');
    // A partial day in the dropped range is served as its whole day from the rollup, flagged.
    const day = old[3].createdAt.toISOString().slice(0, 10);
    const partial = await summary(`from=${day}T06:00:00Z&to=${day}T07:00:00Z`);
    expect(partial.source).toBe('rollup');
    expect(partial.totals).toEqual(
      (await summary(`from=${day}&to=${new Date(Date.parse(day) + DAY_MS).toISOString().slice(0, 10)}`))
        .totals,
    );

    // Logs of a dropped range: an empty page with the flag, not an error; a later range as before.
    expect(await logs(oldRange)).toEqual({
      data: [],
      next_cursor: null,
      source: 'rollup',
      raw_available_from: horizon.toISOString(),
    });
    const recent = await logs(`from=${horizon.toISOString()}`);
    expect(recent.source).toBeUndefined();
    expect(recent.data.length).toBe(2);
    const csv = await fetch(`${gw.url}/admin/usage/logs?format=csv&${oldRange}`, {
      headers: { authorization: `Bearer ${gw.masterKey}` },
    });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('x-usage-source')).toBe('rollup');
    expect((await csv.text()).trim().split('\n')).toHaveLength(1);

    // Audited: one audit_logs row per dropped partition, and a log line.
    const audit = await q<{ target_id: string; actor_type: string; range_to: string }>(
      `SELECT target_id, actor_type, before->>'range_to' AS range_to FROM audit_logs WHERE action = 'usage.partition.drop' ORDER BY id`,
    );
    expect(audit.map((a) => [a.target_id, a.actor_type])).toEqual(dropped.map((p) => [p.name, 'retention']));
    expect(gw.logs.filter((l) => l.includes('partition dropped by retention'))).toHaveLength(2);
  });
});
