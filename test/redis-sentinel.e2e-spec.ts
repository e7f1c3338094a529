import Redis from 'ioredis';
import { AdminClient, type UsageLogPage } from './support/admin-client';
import { startGateway, type TestGateway } from './support/gateway';
import { startPrivateSentinelSet, type PrivateSentinelSet } from './support/redis-server';

/**
 * Redis behind Sentinel (REDIS_SENTINELS, REDIS_SENTINEL_NAME): a private primary, replica and
 * sentinel (never the shared Redis), two gateway replicas sharing a database and a Redis prefix. The
 * primary is killed mid-traffic; the sentinel promotes the replica and the gateways follow it without
 * a restart.
 */
describe('Redis Sentinel: a primary killed mid-traffic', () => {
  let set: PrivateSentinelSet;
  let a: TestGateway;
  let b: TestGateway;

  beforeAll(async () => {
    set = await startPrivateSentinelSet();
    a = await startGateway({ env: set.env });
    b = await startGateway({
      env: set.env,
      databaseUrl: a.config.databaseUrl,
      redisPrefix: a.config.redisPrefix,
    });
  }, 30_000);

  afterAll(async () => {
    await b?.close();
    await a?.close();
    await set?.stop();
  });

  const call = async (gw: TestGateway, key: string, requestId: string) =>
    (
      await fetch(`${gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': 'application/json',
          'x-request-id': requestId,
        },
        body: JSON.stringify({ model: 'demo', messages: [{ role: 'user', content: requestId }] }),
      })
    ).status;

  const ready = async (gw: TestGateway) => (await fetch(`${gw.url}/health/ready`)).status === 200;

  async function within(limitMs: number, check: () => Promise<boolean>): Promise<number> {
    const start = Date.now();
    while (!(await check().catch(() => false))) {
      if (Date.now() - start > limitMs) throw new Error(`not within ${limitMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return Date.now() - start;
  }

  /** The request ids of the key's usage records with status 200, as /admin/usage/logs lists them. */
  async function servedRecords(admin: AdminClient, keyId: string): Promise<string[]> {
    const page = await admin.request<UsageLogPage>('GET', `/admin/usage/logs?key_id=${keyId}&limit=1000`);
    return page.body.data.filter((r) => r.status_code === 200).map((r) => r.request_id);
  }

  it('follows the promoted replica without a restart: limits, usage records, readiness and key invalidation hold', async () => {
    const admin = new AdminClient(a.url, a.masterKey);
    const limited = await admin.createKey({ name: 'rpm-5', rpm_limit: 5 });
    const busy = await admin.createKey({ name: 'traffic' });
    expect(await set.primaryPort()).toBe(set.primary.port);

    // three of the limited key's five requests this minute, counted on the first primary
    for (let i = 0; i < 3; i++)
      expect(await call(i % 2 ? b : a, limited.key, `limited-before-${i}`)).toBe(200);

    // Traffic on both replicas throughout; the primary is killed once the replica has caught up
    // (WAIT: asynchronous replication loses what it has not copied, here nothing).
    const served: string[] = [];
    const refused: Array<{ id: string; status: number }> = [];
    let stopTraffic = false;
    const traffic = (async () => {
      for (let i = 0; !stopTraffic && i < 400; i++) {
        const id = `traffic-${i}`;
        const status = await call(i % 2 ? b : a, busy.key, id);
        if (status === 200) served.push(id);
        else refused.push({ id, status });
        await new Promise((r) => setTimeout(r, 40));
      }
    })();
    await within(5_000, async () => served.length >= 5);
    const primary = new Redis(set.primary.port, '127.0.0.1', { maxRetriesPerRequest: 0 });
    expect(await primary.call('WAIT', '1', '2000')).toBe(1);
    primary.disconnect();
    await set.primary.stop();
    const killedAt = served.length;

    await within(15_000, async () => (await set.primaryPort()) === set.replica.port);
    // both replicas report ready again and serve on the new primary
    await within(10_000, async () => (await ready(a)) && (await ready(b)));
    await within(10_000, async () => served.length >= killedAt + 10);
    stopTraffic = true;
    await traffic;
    // SWITCHBOARD_LIMITS_ON_REDIS_FAILURE=open (the default): every request during the failover is served
    expect(refused).toEqual([]);

    // the rpm window was replicated: two more requests this minute, the sixth is refused
    expect(await call(a, limited.key, 'limited-after-0')).toBe(200);
    expect(await call(b, limited.key, 'limited-after-1')).toBe(200);
    expect(await call(a, limited.key, 'limited-after-2')).toBe(429);

    // pub/sub follows the failover: a key revoked on A is refused by B (which had it cached) within 1 s
    expect(await call(b, limited.key, 'cached-check')).toBe(429);
    await admin.revokeKey(limited.id);
    await within(1_000, async () => (await call(b, limited.key, 'after-revoke')) === 401);

    // every served request has exactly one usage record: none lost or doubled across the failover
    await within(10_000, async () => (await servedRecords(admin, busy.id)).length >= served.length);
    await new Promise((r) => setTimeout(r, 500));
    const records = await servedRecords(admin, busy.id);
    expect(records.sort()).toEqual([...served].sort());
    const limitedRecords = await servedRecords(admin, limited.id);
    expect(limitedRecords.sort()).toEqual(
      [
        'limited-after-0',
        'limited-after-1',
        'limited-before-0',
        'limited-before-1',
        'limited-before-2',
      ].sort(),
    );
  }, 45_000);
});
