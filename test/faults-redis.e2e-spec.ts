import { LimitsService } from '../src/modules/limits/limits.service';
import { UsageService } from '../src/modules/usage/usage.service';
import { startFakeOpenAi, type FakeOpenAi } from './fakes/fake-openai';
import { AdminClient, type UsageLogPage } from './support/admin-client';
import { fakeOpenAiCatalogYaml } from './support/catalog-yaml';
import { eventually } from './support/eventually';
import { startGateway, type TestGateway } from './support/gateway';
import { startPrivateRedis, type PrivateRedis } from './support/redis-server';

/**
 * What metering-redis.e2e-spec.ts leaves out: a rate limit once Redis is back after an outage (fail
 * open). The gateway runs on a private redis-server the test stops and starts again empty.
 */
describe('faults: Redis back after an outage (fail open)', () => {
  let fake: FakeOpenAi;
  let redis: PrivateRedis;
  let gw: TestGateway;
  let admin: AdminClient;

  beforeAll(async () => {
    fake = await startFakeOpenAi({ apiKey: 'sk-upstream' });
    redis = await startPrivateRedis();
    gw = await startGateway({
      yaml: fakeOpenAiCatalogYaml(fake.baseUrl),
      env: { REDIS_URL: redis.url, SWITCHBOARD_LIMITS_ON_REDIS_FAILURE: 'open' },
    });
    admin = new AdminClient(gw.url, gw.masterKey);
  });
  afterAll(async () => {
    await redis?.start().catch(() => undefined);
    await gw?.close();
    await redis?.stop();
    await fake?.close();
  });

  const chat = (key: string) =>
    fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-fake', messages: [{ role: 'user', content: 'hi' }] }),
    }).then(async (r) => {
      await r.text();
      return { status: r.status, retryAfter: r.headers.get('retry-after') };
    });

  it('serves a limited key without limits during the outage, enforces its rpm again once Redis is back, and records each served call once', async () => {
    const key = await admin.createKey({ name: 'rpm after outage', rpm_limit: 3 });
    const limits = gw.app.get(LimitsService);

    await redis.stop();
    await eventually(async () => limits.redisDown);
    const during = [];
    for (let i = 0; i < 5; i++) during.push(await chat(key.key));
    expect(during.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);

    await redis.start(); // empty: the outage's requests are not in its window
    await eventually(async () => !limits.redisDown);
    const usage = gw.app.get(UsageService);
    await eventually(async () => usage.spilled === 0);
    const after = [];
    for (let i = 0; i < 5; i++) after.push(await chat(key.key));
    const served = after.filter((r) => r.status === 200).length;
    // The limit is back: at most 3 in the minute, then 429 with Retry-After.
    expect(served).toBeLessThanOrEqual(3);
    expect(after.slice(served).every((r) => r.status === 429 && Number(r.retryAfter) >= 1)).toBe(true);

    // Every served call has its one record (the outage's written to Postgres directly, then settled
    // once Redis was back, without a second record); refused calls have none.
    const rows = async () =>
      (await admin.request<UsageLogPage>('GET', `/admin/usage/logs?key_id=${key.id}&limit=50`)).body.data;
    await eventually(async () => (await rows()).length >= 5 + served);
    await new Promise((r) => setTimeout(r, 500));
    const records = await rows();
    expect(records).toHaveLength(5 + served);
    expect(new Set(records.map((r) => r.id)).size).toBe(records.length);
    expect(records.every((r) => r.status_code === 200)).toBe(true);
  }, 40_000);
});
