import Redis, { Cluster } from 'ioredis';
import { startFakeOpenAi, type FakeOpenAi } from './fakes/fake-openai';
import { AdminClient, type UsageLogPage } from './support/admin-client';
import { fakeOpenAiCatalogYaml } from './support/catalog-yaml';
import { startGateway, type TestGateway } from './support/gateway';
import { startPrivateRedisCluster, type PrivateRedisCluster } from './support/redis-server';

/**
 * Redis Cluster (REDIS_CLUSTER_NODES): a private 3-master cluster with one replica each (never the
 * shared Redis), two gateway replicas sharing a database and a Redis prefix. Limits, budgets, leases,
 * key invalidation and usage records behave as on one node; then the master holding the gateway's
 * slot is killed mid-traffic, its replica promoted, and the gateways follow without a restart.
 */
describe('Redis Cluster', () => {
  let cluster: PrivateRedisCluster;
  let fake: FakeOpenAi;
  let a: TestGateway;
  let b: TestGateway;
  let admin: AdminClient;

  beforeAll(async () => {
    [cluster, fake] = await Promise.all([
      startPrivateRedisCluster(),
      startFakeOpenAi({ apiKey: 'sk-upstream' }),
    ]);
    // $0.01 per 10 completion tokens, nothing for the prompt: a 10-token request costs its estimate.
    const yaml = fakeOpenAiCatalogYaml(fake.baseUrl, {
      pricing: '{ input_per_mtok: "0", output_per_mtok: "1000" }',
    });
    a = await startGateway({ yaml, env: cluster.env });
    // B fails closed, A open (the default): one failover shows what callers of each see.
    b = await startGateway({
      yaml,
      env: { ...cluster.env, SWITCHBOARD_LIMITS_ON_REDIS_FAILURE: 'closed' },
      databaseUrl: a.config.databaseUrl,
      redisPrefix: a.config.redisPrefix,
    });
    admin = new AdminClient(a.url, a.masterKey);
  }, 30_000);

  afterAll(async () => {
    await b?.close();
    await a?.close();
    await Promise.all([cluster?.stop(), fake?.close()]);
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
        body: JSON.stringify({
          model: 'gpt-fake',
          max_tokens: 10,
          messages: [{ role: 'user', content: requestId }],
        }),
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
  async function servedRecords(keyId: string): Promise<string[]> {
    const page = await admin.request<UsageLogPage>('GET', `/admin/usage/logs?key_id=${keyId}&limit=1000`);
    return page.body.data.filter((r) => r.status_code === 200).map((r) => r.request_id);
  }

  /** Served ids and their usage records match one to one (none lost, none doubled). */
  async function expectRecordsOf(keyId: string, served: string[]): Promise<void> {
    await within(10_000, async () => (await servedRecords(keyId)).length >= served.length);
    await new Promise((r) => setTimeout(r, 300));
    expect((await servedRecords(keyId)).sort()).toEqual([...served].sort());
  }

  it('every key of the gateway is in one slot; both gateways are ready', async () => {
    expect(a.config.redisPrefix).toMatch(/^\{sbtest:[0-9a-f]+\}$/);
    expect(await ready(a)).toBe(true);
    expect(await ready(b)).toBe(true);
  });

  it('an rpm limit across both gateways, from leases and one by one: exactly the limit served, each recorded once', async () => {
    const key = await admin.createKey({ name: 'rpm-200', rpm_limit: 200, max_budget_usd: '100' });
    const ids = Array.from({ length: 240 }, (_, i) => `rpm-${i}`);
    const statuses: number[] = [];
    for (let wave = 0; wave < ids.length; wave += 40)
      statuses.push(
        ...(await Promise.all(ids.slice(wave, wave + 40).map((id, i) => call(i % 2 ? b : a, key.key, id)))),
      );
    const served = ids.filter((_, i) => statuses[i] === 200);
    expect(served).toHaveLength(200);
    expect(statuses.filter((s) => s === 429)).toHaveLength(40);
    await expectRecordsOf(key.id, served);
    // both instances took budget leases: their ledgers live in the gateway's slot
    const conn = new Cluster(
      cluster.env.REDIS_CLUSTER_NODES.split(',').map((n) => ({
        host: '127.0.0.1',
        port: Number(n.split(':')[1]),
      })),
    );
    try {
      expect(await conn.zcard(`${a.config.redisPrefix}:lease:alive`)).toBe(2);
    } finally {
      conn.disconnect();
    }
  });

  it('a budget for 3 requests, 12 concurrent on two gateways: exactly 3 served', async () => {
    const key = await admin.createKey({ name: 'budget-3', max_budget_usd: '0.03', budget_duration: '1d' });
    fake.script(
      ...Array.from({ length: 12 }, () => ({
        kind: 'text' as const,
        text: 'ok',
        usage: { prompt_tokens: 5, completion_tokens: 10 },
      })),
    );
    const ids = Array.from({ length: 12 }, (_, i) => `budget-${i}`);
    const statuses = await Promise.all(ids.map((id, i) => call(i % 2 ? b : a, key.key, id)));
    const served = ids.filter((_, i) => statuses[i] === 200);
    expect(served).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(9);
    await expectRecordsOf(key.id, served);
  });

  it('a key revoked on one gateway is refused by the other within 1 s (pub/sub on the cluster)', async () => {
    const key = await admin.createKey({ name: 'revoked' });
    expect(await call(b, key.key, 'before-revoke')).toBe(200);
    await admin.revokeKey(key.id);
    await within(1_000, async () => (await call(b, key.key, 'after-revoke')) === 401);
  });

  it('follows the promoted replica when the master of its slot is killed: limits, records, readiness, invalidation hold', async () => {
    const limited = await admin.createKey({ name: 'rpm-5', rpm_limit: 5 });
    // limited, so that its admissions need Redis (from leases, or one by one while they are refused)
    const busy = await admin.createKey({ name: 'traffic', rpm_limit: 100_000 });
    for (let i = 0; i < 3; i++)
      expect(await call(i % 2 ? b : a, limited.key, `limited-before-${i}`)).toBe(200);

    const served: string[] = [];
    const refused: Array<{ id: string; gateway: 'a' | 'b'; status: number }> = [];
    let stopTraffic = false;
    const traffic = (async () => {
      for (let i = 0; !stopTraffic && i < 400; i++) {
        const id = `traffic-${i}`;
        const status = await call(i % 2 ? b : a, busy.key, id);
        if (status === 200) served.push(id);
        else refused.push({ id, gateway: i % 2 ? 'b' : 'a', status });
        await new Promise((r) => setTimeout(r, 40));
      }
    })();
    try {
      await failover();
    } finally {
      stopTraffic = true;
      await traffic;
    }
    // SWITCHBOARD_LIMITS_ON_REDIS_FAILURE: open (A) serves every request during the failover; closed (B)
    // refuses with 503 what it could not account for, and nothing else
    expect(refused.filter((r) => r.gateway === 'a')).toEqual([]);
    expect(refused.filter((r) => r.status !== 503)).toEqual([]);

    // the rpm window was replicated: two more requests this minute, the sixth is refused
    expect(await call(a, limited.key, 'limited-after-0')).toBe(200);
    expect(await call(b, limited.key, 'limited-after-1')).toBe(200);
    expect(await call(a, limited.key, 'limited-after-2')).toBe(429);

    // pub/sub follows the failover
    expect(await call(b, limited.key, 'cached-check')).toBe(429);
    await admin.revokeKey(limited.id);
    await within(1_000, async () => (await call(b, limited.key, 'after-revoke')) === 401);

    await expectRecordsOf(busy.id, served);
    await expectRecordsOf(limited.id, [
      'limited-after-0',
      'limited-after-1',
      'limited-before-0',
      'limited-before-1',
      'limited-before-2',
    ]);

    /** Kills the master of the gateway's slot once traffic flows; back once its replica took over. */
    async function failover(): Promise<void> {
      await within(5_000, async () => served.length >= 5);
      const shard = await cluster.shardOf(`${a.config.redisPrefix}:usage:stream`);
      expect(shard.replica).toBeDefined();
      // WAIT: asynchronous replication loses what the replica has not copied, here nothing.
      const master = new Redis(shard.master.port, '127.0.0.1', { maxRetriesPerRequest: 0 });
      expect(await master.call('WAIT', '1', '2000')).toBe(1);
      master.disconnect();
      await shard.master.stop();
      const killedAt = served.length;

      const promotedIn = await within(
        15_000,
        async () => (await cluster.shardOf(`${a.config.redisPrefix}:usage:stream`)).master === shard.replica,
      );
      const readyIn = await within(10_000, async () => (await ready(a)) && (await ready(b)));
      await within(10_000, async () => served.length >= killedAt + 10);
      console.log(
        `cluster failover: replica promoted in ${promotedIn} ms, both gateways ready ${readyIn} ms later; ${served.length - killedAt} served since the kill`,
      );
    }
  }, 45_000);
});
