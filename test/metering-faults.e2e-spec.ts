import { Client } from 'pg';
import { startFakeOpenAi, type FakeOpenAi } from './fakes/fake-openai';
import { fakeOpenAiCatalogYaml } from './support/catalog-yaml';
import { startGateway, type TestGateway } from './support/gateway';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy';
import { createTestDatabase } from './support/test-databases';

describe('metering faults: Postgres unreachable during traffic', () => {
  let fake: FakeOpenAi;
  let proxy: TcpProxy;
  let gw: TestGateway;
  let directUrl: string;

  beforeAll(async () => {
    fake = await startFakeOpenAi({ apiKey: 'sk-upstream' });
    directUrl = await createTestDatabase('faults');
    const u = new URL(directUrl);
    proxy = await startTcpProxy(u.hostname, Number(u.port || 5432));
    u.port = String(proxy.port);
    gw = await startGateway({
      databaseUrl: u.toString(),
      yaml: fakeOpenAiCatalogYaml(fake.baseUrl),
    });
  });
  afterAll(async () => {
    await proxy?.restore().catch(() => undefined);
    await gw?.close();
    await proxy?.close();
    await fake?.close();
  });

  const call = (i: number) =>
    fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${gw.masterKey}`,
        'content-type': 'application/json',
        'x-request-id': `pgdown-${i}`,
      },
      body: JSON.stringify({
        model: 'gpt-fake',
        stream: i % 2 === 1,
        messages: [{ role: 'user', content: `n${i}` }],
      }),
    }).then(async (r) => {
      await r.text();
      return r.status;
    });

  async function count(): Promise<{ rows: number; distinct: number; daily: number }> {
    const c = new Client({ connectionString: directUrl });
    await c.connect();
    try {
      const r = await c.query(
        `SELECT count(*)::int AS rows, count(DISTINCT request_id)::int AS distinct FROM usage_records WHERE request_id LIKE 'pgdown-%'`,
      );
      const d = await c.query(
        `SELECT COALESCE(sum(requests), 0)::int AS n FROM usage_daily WHERE model = 'gpt-fake'`,
      );
      return { rows: r.rows[0].rows, distinct: r.rows[0].distinct, daily: d.rows[0].n };
    } finally {
      await c.end();
    }
  }

  it('keeps serving while Postgres is cut off, and every record lands exactly once when it is back', async () => {
    const before = await Promise.all(Array.from({ length: 5 }, (_, i) => call(i)));
    expect(before.every((s) => s === 200)).toBe(true);
    await proxy.cut();
    const during = await Promise.all(Array.from({ length: 30 }, (_, i) => call(100 + i)));
    expect(during.every((s) => s === 200)).toBe(true);
    await new Promise((r) => setTimeout(r, 1000));
    expect((await count()).rows).toBeLessThan(35);
    await proxy.restore();
    const end = Date.now() + 20_000;
    let c = await count();
    while (c.rows < 35 && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 200));
      c = await count();
    }
    expect(c).toEqual({ rows: 35, distinct: 35, daily: 35 });
  }, 40_000);
});
