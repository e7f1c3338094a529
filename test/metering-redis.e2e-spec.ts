import Redis from 'ioredis';
import { Client } from 'pg';
import { LimitsService } from '../src/modules/limits/limits.service';
import { UsageWriter } from '../src/modules/usage/usage-writer';
import { UsageService } from '../src/modules/usage/usage.service';
import { startFakeOpenAi, type FakeOpenAi } from './fakes/fake-openai';
import { AdminClient } from './support/admin-client';
import { fakeOpenAiCatalogYaml } from './support/catalog-yaml';
import { startGateway, type TestGateway } from './support/gateway';
import { startPrivateRedis, type PrivateRedis } from './support/redis-server';

/**
 * Redis unreachable (contract §1 SWITCHBOARD_LIMITS_ON_REDIS_FAILURE). Each gateway talks to a private
 * redis-server that the test kills and starts again (empty: no persistence), never the shared one.
 */
/** An error answer in any dialect's shape (OpenAI, Anthropic, Google). */
interface DialectErrorBody {
  type?: string;
  error: Record<string, unknown>;
}

interface OutageRig {
  fake: FakeOpenAi;
  redis: PrivateRedis;
  gw: TestGateway;
  limitedKey: string;
}

/** A gateway on its own redis-server in the given failure mode, with a key whose admission needs Redis. */
async function startOutageRig(
  mode: 'open' | 'closed',
  keyLimits: Record<string, unknown>,
): Promise<OutageRig> {
  const fake = await startFakeOpenAi({ apiKey: 'sk-upstream' });
  const redis = await startPrivateRedis();
  const gw = await startGateway({
    yaml: fakeOpenAiCatalogYaml(fake.baseUrl),
    env: { REDIS_URL: redis.url, SWITCHBOARD_LIMITS_ON_REDIS_FAILURE: mode },
  });
  const limitedKey = (
    await new AdminClient(gw.url, gw.masterKey).createKey({ name: 'limited', ...keyLimits })
  ).key;
  return { fake, redis, gw, limitedKey };
}

async function stopOutageRig(redis?: PrivateRedis, gw?: TestGateway, fake?: FakeOpenAi): Promise<void> {
  await redis?.start().catch(() => undefined);
  await gw?.close();
  await redis?.stop();
  await fake?.close();
}

async function dbCounts(
  url: string,
  like: string,
): Promise<{ rows: number; distinct: number; daily: number; dailyCost: string; rawCost: string }> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query(
      `SELECT count(*)::int AS rows, count(DISTINCT request_id)::int AS distinct, COALESCE(sum(cost_usd), 0)::text AS cost FROM usage_records WHERE request_id LIKE $1`,
      [like],
    );
    const all = await c.query(`SELECT COALESCE(sum(cost_usd), 0)::text AS cost FROM usage_records`);
    const d = await c.query(
      `SELECT COALESCE(sum(requests), 0)::int AS n, COALESCE(sum(cost_usd), 0)::text AS cost FROM usage_daily`,
    );
    return {
      rows: r.rows[0].rows,
      distinct: r.rows[0].distinct,
      daily: d.rows[0].n,
      dailyCost: d.rows[0].cost,
      rawCost: all.rows[0].cost,
    };
  } finally {
    await c.end();
  }
}

async function waitUntil(fn: () => Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 200));
  }
}

function chat(
  gw: TestGateway,
  key: string,
  requestId: string,
  stream = false,
): Promise<{ status: number; ms: number; body: unknown }> {
  const t0 = Date.now();
  return fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${key}`,
      'content-type': 'application/json',
      'x-request-id': requestId,
    },
    body: JSON.stringify({ model: 'gpt-fake', stream, messages: [{ role: 'user', content: requestId }] }),
  }).then(async (r) => {
    const text = await r.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      /* SSE */
    }
    return { status: r.status, ms: Date.now() - t0, body };
  });
}

describe('metering: Redis unreachable, limits fail open', () => {
  let fake: FakeOpenAi;
  let redis: PrivateRedis;
  let gw: TestGateway;
  let limitedKey: string;

  beforeAll(async () => {
    // a key with a rate limit and a budget: its admission needs Redis
    ({ fake, redis, gw, limitedKey } = await startOutageRig('open', {
      rpm_limit: 1000,
      max_budget_usd: '100',
    }));
  });
  afterAll(() => stopOutageRig(redis, gw, fake));

  it('serves requests while Redis is down, without waiting on it, and every record lands exactly once when it is back', async () => {
    const before = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        chat(gw, i % 2 ? limitedKey : gw.masterKey, `open-before-${i}`, i % 3 === 0),
      ),
    );
    expect(before.map((r) => r.status)).toEqual(Array(6).fill(200));
    await waitUntil(async () => (await dbCounts(gw.config.databaseUrl, 'open-%')).rows === 6, 10_000);

    await redis.stop();
    const during: Array<{ status: number; ms: number }> = [];
    for (let round = 0; round < 3; round++) {
      during.push(
        ...(await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            chat(gw, i % 2 ? limitedKey : gw.masterKey, `open-down-${round}-${i}`, i % 3 === 0),
          ),
        )),
      );
      await new Promise((r) => setTimeout(r, 300));
    }
    expect(during.map((r) => r.status)).toEqual(Array(30).fill(200));
    // fail open means no wait on a dead Redis (no per-request connect timeout)
    expect(Math.max(...during.map((r) => r.ms))).toBeLessThan(1000);
    // the waiting events are written straight to Postgres during the outage
    await waitUntil(async () => (await dbCounts(gw.config.databaseUrl, 'open-%')).rows >= 36, 5_000);
    const usage = gw.app.get(UsageService);
    expect(usage.spilled).toBe(30);

    await redis.start(); // a fresh, empty server on the same port
    // once Redis is back, they are settled (counted toward the key's budget) and go through the stream;
    // the writer finds them already written and adds nothing
    await waitUntil(async () => usage.spilled === 0, 10_000);
    const writer = gw.app.get(UsageWriter);
    await waitUntil(async () => writer.stats.duplicates >= 30 && (await writer.queueDepth()) === 0, 10_000);
    const after = await chat(gw, limitedKey, 'open-after-0');
    expect(after.status).toBe(200);
    await waitUntil(async () => (await dbCounts(gw.config.databaseUrl, 'open-%')).rows >= 37, 10_000);
    await new Promise((r) => setTimeout(r, 500));
    const c = await dbCounts(gw.config.databaseUrl, 'open-%');
    expect(c).toMatchObject({ rows: 37, distinct: 37, daily: 37 });
    expect(c.dailyCost).toBe(c.rawCost);
  }, 50_000);
});

describe('metering: Redis unreachable, limits fail closed', () => {
  let fake: FakeOpenAi;
  let redis: PrivateRedis;
  let gw: TestGateway;
  let limitedKey: string;

  beforeAll(async () => {
    ({ fake, redis, gw, limitedKey } = await startOutageRig('closed', { rpm_limit: 1000 }));
  });
  afterAll(() => stopOutageRig(redis, gw, fake));

  const post = (path: string, key: string, body: unknown) =>
    fetch(`${gw.url}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${key}`,
        'content-type': 'application/json',
        'anthropic-version': '2023-06-01',
      },
      body: JSON.stringify(body),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as DialectErrorBody }));

  it('refuses with 503 in the caller dialect while Redis is down, records nothing, and serves again once it is back', async () => {
    expect((await chat(gw, limitedKey, 'closed-up-0')).status).toBe(200);
    await waitUntil(async () => (await dbCounts(gw.config.databaseUrl, 'closed-%')).rows === 1, 10_000);
    await redis.stop();

    for (const key of [limitedKey, gw.masterKey]) {
      const t0 = Date.now();
      const openai = await post('/v1/chat/completions', key, {
        model: 'gpt-fake',
        messages: [{ role: 'user', content: 'x' }],
      });
      expect(Date.now() - t0).toBeLessThan(1000);
      expect(openai.status).toBe(503);
      expect(openai.body.error).toMatchObject({
        type: 'api_error',
        message: expect.stringContaining('Redis'),
      });

      const anthropic = await post('/v1/messages', key, {
        model: 'gpt-fake',
        max_tokens: 10,
        messages: [{ role: 'user', content: 'x' }],
      });
      expect(anthropic.status).toBe(503);
      expect(anthropic.body).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });

      const google = await post('/v1beta/models/gpt-fake:generateContent', key, {
        contents: [{ role: 'user', parts: [{ text: 'x' }] }],
      });
      expect(google.status).toBe(503);
      expect(google.body.error).toMatchObject({ code: 503, status: 'UNAVAILABLE' });
    }
    const upstreamCalls = fake.chatRequests().length;
    expect(upstreamCalls).toBe(1);

    await redis.start();
    await waitUntil(
      async () => (await chat(gw, limitedKey, `closed-back-${Date.now()}`)).status === 200,
      10_000,
    );
    expect((await chat(gw, gw.masterKey, 'closed-back-master')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1500));
    const c = await dbCounts(gw.config.databaseUrl, 'closed-%');
    // the refused requests left no record; the ones served after the restart did
    expect(c.rows).toBe(fake.chatRequests().length);
    expect(c).toMatchObject({ distinct: c.rows, daily: c.rows });
  }, 40_000);
});

describe('metering: Redis restarted empty, limits fail open, spend seeded from Postgres', () => {
  let fake: FakeOpenAi;
  let redis: PrivateRedis;
  let gw: TestGateway;

  beforeAll(async () => {
    ({ fake, redis, gw } = await startOutageRig('open', {}));
  });
  afterAll(() => stopOutageRig(redis, gw, fake));

  it('counts each event once: the events written to Postgres during the outage are in the seed, and their settlement adds nothing again', async () => {
    const { key, id } = await new AdminClient(gw.url, gw.masterKey).createKey({
      name: 'budgeted',
      max_budget_usd: '100',
    });
    const db = () => new Client({ connectionString: gw.config.databaseUrl });
    const keySpend = async (): Promise<{ nano: bigint; rows: number }> => {
      const c = db();
      await c.connect();
      try {
        const r = await c.query(
          `SELECT (COALESCE(sum(cost_usd), 0) * 1000000000)::bigint::text AS nano, count(*)::int AS rows FROM usage_records WHERE key_id = $1`,
          [id],
        );
        return { nano: BigInt(r.rows[0].nano), rows: r.rows[0].rows };
      } finally {
        await c.end();
      }
    };
    const counterKey = `${gw.config.redisPrefix}:lim:key:${id}:spend:all`;
    const direct = new Redis(redis.url, { maxRetriesPerRequest: 1, lazyConnect: true });
    direct.on('error', () => undefined);
    try {
      expect((await chat(gw, key, 'seed-before-0')).status).toBe(200);
      await waitUntil(async () => (await keySpend()).rows === 1, 10_000);

      // The spill retry waits until the next admission has seeded the counter (the order that doubled it).
      const usage = gw.app.get(UsageService);
      // `retry` is private: the test holds the spill retry back through this structural view of it.
      const retrying = usage as unknown as { retry(): Promise<void> };
      const retry = retrying.retry.bind(usage);
      let open!: () => void;
      const gate = new Promise<void>((resolve) => (open = resolve));
      retrying.retry = async () => {
        await gate;
        return retry();
      };

      await redis.stop();
      const down = await Promise.all(Array.from({ length: 5 }, (_, i) => chat(gw, key, `seed-down-${i}`)));
      expect(down.map((r) => r.status)).toEqual(Array(5).fill(200));
      // written straight to Postgres, and still waiting to be settled into Redis
      await waitUntil(async () => (await keySpend()).rows === 6, 10_000);
      expect(usage.spilled).toBe(5);

      await redis.start(); // empty: the spend counter is gone
      const limits = gw.app.get(LimitsService);
      await waitUntil(async () => !limits.redisDown, 10_000);
      expect((await chat(gw, key, 'seed-after-0')).status).toBe(200); // seeds from the 6 records
      await waitUntil(async () => (await keySpend()).rows === 7, 10_000);

      open();
      await waitUntil(async () => usage.spilled === 0, 10_000);
      await usage.drain();
      const { nano } = await keySpend();
      expect(nano).toBeGreaterThan(0n);
      await direct.connect();
      expect(BigInt((await direct.get(counterKey)) ?? '0')).toBe(nano);
      // their settlement ran: nothing is left pending for a later seed
      const c = db();
      await c.connect();
      try {
        expect((await c.query(`SELECT count(*)::int AS n FROM usage_spend_pending`)).rows[0].n).toBe(0);
      } finally {
        await c.end();
      }
    } finally {
      direct.disconnect();
    }
  }, 60_000);
});
