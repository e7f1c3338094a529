import { randomBytes } from 'node:crypto';
import type { Client } from 'pg';
import type { AuditLogPage, KeyResponse, UsageLogPage, UsageSummaryResponse } from './support/admin-client';
import { AdminClient } from './support/admin-client';
import { eventually } from './support/eventually';
import { startGateway, type TestGateway } from './support/gateway';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy';
import { createTestDatabase, withAdminClient, withClient } from './support/test-databases';

/**
 * DATABASE_READ_URL: the read URL is the same test database through a TCP proxy, logged in as a role
 * that may only SELECT, in read-only transactions. So a write sent there fails loudly (and the test
 * sees it), and cutting the proxy shows which reads depend on the replica: reports fail, while the
 * request path (key lookup, limits, usage writer, last_used) and the admin writes carry on.
 */
describe('read replica (DATABASE_READ_URL)', () => {
  let primaryUrl: string;
  let reader: string;
  let proxy: TcpProxy;
  let gw: TestGateway;
  let admin: AdminClient;

  const withPrimary = <T>(fn: (c: Client) => Promise<T>): Promise<T> => withClient(primaryUrl, fn);
  const readerSessions = async (): Promise<number> =>
    withPrimary(async (c) => {
      const { rows } = await c.query<{ n: string }>(
        'SELECT count(*)::text AS n FROM pg_stat_activity WHERE usename = $1',
        [reader],
      );
      return Number(rows[0].n);
    });
  const chat = (key: string, content: string) =>
    fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'demo', messages: [{ role: 'user', content }] }),
    });
  const get = (path: string, key = gw.masterKey) =>
    fetch(`${gw.url}${path}`, { headers: { authorization: `Bearer ${key}` } });

  beforeAll(async () => {
    primaryUrl = await createTestDatabase('replica');
    const dbName = new URL(primaryUrl).pathname.slice(1);
    reader = `sbtest_reader_${randomBytes(4).toString('hex')}`;
    await withAdminClient((c) => c.query(`CREATE ROLE "${reader}" LOGIN`));
    await withPrimary(async (c) => {
      await c.query(`ALTER ROLE "${reader}" SET default_transaction_read_only = on`);
      await c.query(`GRANT CONNECT ON DATABASE "${dbName}" TO "${reader}"`);
      await c.query(`GRANT USAGE ON SCHEMA public TO "${reader}"`);
      await c.query(`GRANT SELECT ON ALL TABLES IN SCHEMA public TO "${reader}"`);
    });
    proxy = await startTcpProxy('127.0.0.1', 5432);
    gw = await startGateway({
      databaseUrl: primaryUrl,
      env: { DATABASE_READ_URL: `postgresql://${reader}@127.0.0.1:${proxy.port}/${dbName}` },
    });
    admin = new AdminClient(gw.url, gw.masterKey);
  });

  afterAll(async () => {
    await gw?.close();
    await proxy?.close();
    if (reader) {
      await withPrimary((c) => c.query(`DROP OWNED BY "${reader}"`)).catch(() => undefined);
      await withAdminClient(async (c) => {
        await c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1', [reader]);
        await c.query(`DROP ROLE IF EXISTS "${reader}"`);
      });
    }
  });

  it('reads every report from the replica and writes nothing there', async () => {
    const team = await admin.createTeam();
    const key = await admin.createKey({ team_id: team.id, max_budget_usd: '5' });
    for (let i = 0; i < 3; i++) expect((await chat(key.key, `hello ${i}`)).status).toBe(200);
    // the usage writer and last_used wrote to the primary (the replica role could not have)
    await eventually(() =>
      withPrimary(async (c) => {
        const { rows } = await c.query<{ n: string }>(
          'SELECT count(*)::text AS n FROM usage_records WHERE key_id = $1',
          [key.id],
        );
        return Number(rows[0].n) === 3 || undefined;
      }),
    );
    expect(await readerSessions()).toBe(0); // nothing on the request path or the admin writes used it

    const summary = await get(`/admin/usage/summary?key_id=${key.id}&group_by=model`);
    expect(summary.status).toBe(200);
    const sum = (await summary.json()) as UsageSummaryResponse;
    expect(sum.totals.requests).toBe(3);
    expect(sum.data).toEqual([expect.objectContaining({ model: 'demo', requests: 3 })]);

    const logs = await get(`/admin/usage/logs?key_id=${key.id}`);
    expect(logs.status).toBe(200);
    expect(((await logs.json()) as UsageLogPage).data).toHaveLength(3);

    const csv = await get(`/admin/usage/logs?key_id=${key.id}&format=csv`);
    expect(csv.status).toBe(200);
    expect((await csv.text()).trim().split('\n')).toHaveLength(4);

    const own = await get('/v1/usage', key.key);
    expect(own.status).toBe(200);
    expect(((await own.json()) as UsageSummaryResponse).totals.requests).toBe(3);

    const audit = await get(`/admin/audit-logs?target_id=${key.id}`);
    expect(audit.status).toBe(200);
    expect(((await audit.json()) as AuditLogPage).data.map((a) => a.action)).toContain('key.create');

    expect((await get('/admin/video-tasks')).status).toBe(200);
    expect(await readerSessions()).toBeGreaterThan(0); // the reports did come through the read URL

    // no write was attempted on the read-only, SELECT-only connection
    expect(gw.logs.filter((l) => /read-only transaction|permission denied/i.test(l))).toEqual([]);
  });

  it('with the replica unreachable, reports fail while requests, usage and admin writes carry on', async () => {
    const key = await admin.createKey({});
    await proxy.cut();
    try {
      expect((await chat(key.key, 'still served')).status).toBe(200);
      const second = await admin.createKey({ max_budget_usd: '1' });
      // the key view (with its spend) is read-after-write: it stays on the primary
      const view = await admin.request<KeyResponse>('GET', `/admin/keys/${second.id}`);
      expect(view.status).toBe(200);
      await eventually(() =>
        withPrimary(async (c) => {
          const { rows } = await c.query('SELECT 1 FROM usage_records WHERE key_id = $1', [key.id]);
          return rows.length === 1 || undefined;
        }),
      );
      for (const path of ['/admin/usage/summary', '/admin/usage/logs', '/admin/audit-logs'])
        expect((await get(path)).status).toBeGreaterThanOrEqual(500);
      expect((await get('/v1/usage', key.key)).status).toBeGreaterThanOrEqual(500);
    } finally {
      await proxy.restore();
    }
    await eventually(async () => (await get(`/admin/usage/summary?key_id=${key.id}`)).status === 200);
    const after = (await (await get(`/admin/usage/summary?key_id=${key.id}`)).json()) as UsageSummaryResponse;
    expect(after.totals.requests).toBe(1);
  });
});
