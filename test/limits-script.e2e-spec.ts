/**
 * The limits script against the real Redis (under a private key prefix): admission, settlement and
 * their idempotency, as the hot path batches them.
 */
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { LIMITS_LUA } from '../src/modules/limits/limits.scripts';
import { deleteRedisPrefix } from './support/gateway';

type Reply = [number[], Array<Array<string | number>>];

describe('limits script (real Redis)', () => {
  const prefix = `sbtest:${randomUUID()}`;
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const base = `${prefix}:lim:key:k1`;
  const stream = `${prefix}:usage:events`;
  const period = 'p1';
  const run = (settles: Array<Array<string | number>>, admits: Array<Array<string | number>>) =>
    redis.eval(
      LIMITS_LUA,
      1,
      stream,
      `${prefix}:usage:settled:`,
      settles.length,
      ...settles.flat(),
      admits.length,
      ...admits.flat(),
    ) as Promise<Reply>;
  // subject: base, rpm, tpm, budgetNano, period, reserveNano, ttl
  const admit = (id: string, reserve: number) => [id, 1, 10, base, 100, 1000, 5_000, period, reserve, 3600];
  // subject: base, tpm, budget, period, costNano, heldNano
  const settle = (id: string, cost: number, held: number) => [
    id,
    `{"id":"${id}"}`,
    1,
    0,
    base,
    1,
    1,
    period,
    cost,
    held,
  ];
  const num = async (k: string) => Number((await redis.get(k)) ?? 0);

  afterAll(async () => {
    await deleteRedisPrefix(redis, prefix);
    redis.disconnect();
  });

  it('seeds, reserves, settles once (a repeated settlement appends again but counts nothing), and refuses at the budget', async () => {
    const [, [seed]] = await run([], [admit('e1', 2_000)]);
    expect(seed[0]).toBe('seed');
    await redis.set(`${base}:spend:${period}`, 0);

    const [, [ok]] = await run([], [admit('e1', 2_000)]);
    expect(ok[0]).toBe('ok');
    expect(await num(`${base}:resv:${period}`)).toBe(2_000);
    expect(await redis.ttl(`${base}:resv:${period}`)).toBeGreaterThan(0);

    const [[first]] = await run([settle('e1', 1_500, 2_000)], []);
    expect(first).toBe(1);
    const [[again]] = await run([settle('e1', 1_500, 2_000)], []);
    expect(again).toBe(0);
    expect(await num(`${base}:resv:${period}`)).toBe(0);
    expect(await num(`${base}:spend:${period}`)).toBe(1_500);
    expect(await redis.xlen(stream)).toBe(2); // the writer drops the repeat on its id

    // In order within a batch: admitted while spend + open reservations stay under the budget (5,000).
    const [, verdicts] = await run([], [admit('e2', 3_000), admit('e3', 3_000), admit('e4', 3_000)]);
    expect(verdicts.map((v) => v[0])).toEqual(['ok', 'ok', 'budget']);
    // A settlement in the same batch runs first: its freed reservation counts for the admission after it.
    const [[settled], [after]] = await run([settle('e2', 0, 3_000)], [admit('e5', 3_000)]);
    expect([settled, after[0]]).toEqual([1, 'ok']);
  });

  it('a request holding no reservation is made idempotent by a marker key', async () => {
    const [[first]] = await run([settle('e9', 100, 0)], []);
    const [[again]] = await run([settle('e9', 100, 0)], []);
    expect([first, again]).toEqual([1, 0]);
    expect(await redis.exists(`${prefix}:usage:settled:e9`)).toBe(1);
  });
});
