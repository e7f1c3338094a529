/**
 * The usage writer against the real Redis stream and Postgres: entries holding a settlement batch's
 * events (one JSON per line), written once each, and per-event dead-lettering of what cannot be written.
 */
import Redis from 'ioredis';
import { Client } from 'pg';
import { randomUUID } from 'node:crypto';
import type { UsageEvent } from '../src/modules/usage/usage-event';
import { serializeUsageEvent, usageStreamKey } from '../src/modules/usage/usage-stream';
import { startGateway, type TestGateway } from './support/gateway';

const event = (over: Partial<UsageEvent> = {}): UsageEvent => ({
  id: randomUUID(),
  requestId: `req-${randomUUID()}`,
  createdAt: new Date('2026-11-21T10:00:00.123Z'),
  model: 'm1',
  provider: 'openai',
  endpoint: '/v1/chat/completions',
  statusCode: 200,
  usage: { promptTokens: 3, completionTokens: 4 },
  costUsd: '0.0000001234',
  latencyMs: 5,
  stream: false,
  ...over,
});

describe('usage writer: batched stream entries', () => {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  let worker: TestGateway;

  afterAll(async () => {
    await worker?.close();
    redis.disconnect();
  });

  it('writes every event of every entry once, keeps exact amounts and timestamps, and dead-letters only the events it cannot write', async () => {
    worker = await startGateway({ env: { SWITCHBOARD_ROLE: 'worker' } });
    const prefix = worker.config.redisPrefix;
    const stream = usageStreamKey(prefix);
    const odd = 'a "quoted", \\back\\slashed {NULL}\nline';
    const good = [
      event({ requestId: odd }),
      event({ costUsd: '12.3456789012' }),
      event({ usage: undefined, costUsd: '0' }),
    ];
    const refused = event({ statusCode: 2 ** 40 }); // Postgres refuses it (integer out of range)
    const lines = (es: UsageEvent[]) => es.map(serializeUsageEvent).join('\n');
    await redis.xadd(stream, '*', 'e', lines([good[0], good[1]]));
    await redis.xadd(stream, '*', 'e', `${lines([good[2], refused])}\n{not json`);
    await redis.xadd(stream, '*', 'e', lines([good[0]])); // a repeat: written once
    await redis.xadd(stream, '*', 'x', 'no events here');

    const pg = new Client({ connectionString: worker.config.databaseUrl });
    await pg.connect();
    try {
      const deadline = Date.now() + 15_000;
      while ((await redis.xlen(stream)) > 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      expect(await redis.xlen(stream)).toBe(0);
      const rows = await pg.query(
        `SELECT id::text, request_id, cost_usd::text AS cost, created_at FROM usage_records ORDER BY cost_usd`,
      );
      expect(rows.rows.map((r) => r.id).sort()).toEqual(good.map((e) => e.id).sort());
      expect(rows.rows.map((r) => r.cost)).toEqual(['0.0000000000', '0.0000001234', '12.3456789012']);
      expect(rows.rows.every((r) => r.created_at.toISOString() === '2026-11-21T10:00:00.123Z')).toBe(true);
      expect(rows.rows.map((r) => r.request_id)).toContain(odd);
      const daily = await pg.query(`SELECT requests, cost_usd::text AS cost FROM usage_daily`);
      expect(daily.rows).toEqual([{ requests: 3, cost: '12.3456790246' }]);
    } finally {
      await pg.end();
    }
    const dead = (await redis.xrange(`${prefix}:usage:dead`, '-', '+')) as Array<[string, string[]]>;
    const deadEvents = dead.map(([, f]) => f[f.indexOf('e') + 1]);
    expect(deadEvents).toEqual(['{not json', '["x","no events here"]', serializeUsageEvent(refused)]);
  }, 30_000);
});
