import net from 'node:net';
import Redis from 'ioredis';
import { Client } from 'pg';
import { USAGE_GROUP, usageStreamKey } from '../src/modules/usage/usage-stream';
import { AdminClient } from './support/admin-client';
import { startGateway, TEST_MASTER_KEY, type TestGateway } from './support/gateway';
import { baseEnv, kill9, ready, spawnGateway, stopGently, waitUntil } from './support/gateway-process';
import { startProcessRig, type ProcessRig } from './support/process-rig';
import { createTestDatabase } from './support/test-databases';

/**
 * kill -9 of real gateway processes (`node dist/main.js`): no usage record is lost or duplicated.
 *  1. role `all` killed mid-load, restarted on the same database and Redis prefix;
 *  2. a `worker` killed after its batch INSERT committed and before its XACK: the next worker
 *     re-claims the entries (XAUTOCLAIM) and the INSERT … ON CONFLICT DO NOTHING adds nothing.
 */
const REDIS_URL = 'redis://127.0.0.1:6379';

/** What the raw records and the daily rollup each add up to; the writer keeps them equal. */
interface Sums {
  requests: number;
  errors: number;
  prompt: number;
  completion: number;
  images: number;
  audio: string;
  cost: string;
}

interface Audit {
  rows: number;
  distinctRequests: number;
  raw: Sums;
  daily: Sums;
}

async function withDb<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function audit(url: string): Promise<Audit> {
  // the same figures from both tables: the rollup sums per day what the records hold per request
  const sums = (requests: string, errors: string) => `${requests}::int AS requests, ${errors}::int AS errors,
    COALESCE(sum(prompt_tokens), 0)::int AS prompt, COALESCE(sum(completion_tokens), 0)::int AS completion,
    COALESCE(sum(images), 0)::int AS images, COALESCE(sum(audio_seconds), 0)::text AS audio,
    COALESCE(sum(cost_usd), 0)::text AS cost`;
  return withDb(url, async (c) => {
    const {
      rows,
      distinct_requests: distinctRequests,
      ...raw
    } = (
      await c.query(`SELECT count(*)::int AS rows, count(DISTINCT request_id)::int AS distinct_requests,
        ${sums('count(*)', 'count(*) FILTER (WHERE status_code >= 400)')} FROM usage_records`)
    ).rows[0];
    const daily = (
      await c.query(
        `SELECT ${sums('COALESCE(sum(requests), 0)', 'COALESCE(sum(errors), 0)')} FROM usage_daily`,
      )
    ).rows[0];
    return { rows, distinctRequests, raw: { ...raw }, daily: { ...daily } } as Audit;
  });
}

/** Entries in the usage stream, the events they hold (one JSON per line), and entries read but unacknowledged. */
async function streamState(
  redis: Redis,
  prefix: string,
): Promise<{ length: number; events: number; pending: number }> {
  const key = usageStreamKey(prefix);
  const entries = (await redis.xrange(key, '-', '+')) as Array<[string, string[]]>;
  const length = entries.length;
  const events = entries.reduce((n, [, fields]) => n + fields[fields.indexOf('e') + 1].split('\n').length, 0);
  let pending = 0;
  try {
    pending = Number(((await redis.xpending(key, USAGE_GROUP)) as [number])[0]);
  } catch {
    /* no group yet */
  }
  return { length, events, pending };
}

/** One chat call; `ok` only when the whole answer arrived (a 200 cut off by the kill is not an answer). */
async function call(base: string, requestId: string, stream: boolean): Promise<{ id: string; ok: boolean }> {
  try {
    const r = await fetch(`${base}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${TEST_MASTER_KEY}`,
        'content-type': 'application/json',
        'x-request-id': requestId,
      },
      body: JSON.stringify({
        model: 'gpt-fake',
        stream,
        messages: [{ role: 'user', content: `hello ${requestId}` }],
      }),
    });
    const text = await r.text();
    const complete = stream
      ? text.includes('data: [DONE]')
      : (JSON.parse(text) as { object?: string }).object === 'chat.completion';
    return { id: requestId, ok: r.status === 200 && complete };
  } catch {
    return { id: requestId, ok: false };
  }
}

let rig: ProcessRig;
let redis: Redis;

beforeAll(async () => {
  rig = await startProcessRig();
  redis = new Redis(REDIS_URL);
}, 180_000);

afterAll(async () => {
  await rig?.close();
  redis?.disconnect();
});

/** A gateway process in the `all` role on its own database and Redis prefix, ready. */
async function startAllRole(label: string) {
  const { databaseUrl, prefix, base, env, proc } = await rig.startAllRole(label);
  return { databaseUrl, prefix, base, env, first: proc };
}

describe('metering: kill -9 mid-load', () => {
  it('no record lost and none duplicated: every 200 has exactly one record, and the rollup equals the raw table', async () => {
    const { databaseUrl, prefix, base, env, first } = await startAllRole('kill');

    // 32 clients sending back to back (every third a stream); SIGKILL once ~600 answers are in.
    const results: Array<{ id: string; ok: boolean }> = [];
    let n = 0;
    let killed = false;
    const client = async () => {
      while (!killed) {
        const i = n++;
        results.push(await call(base, `kill-${i}`, i % 3 === 0));
      }
    };
    const load = Promise.all(Array.from({ length: 32 }, client));
    await waitUntil('load', async () => results.filter((r) => r.ok).length >= 600, 20_000, first);
    await kill9(first);
    killed = true;
    await load;
    const ok = results.filter((r) => r.ok).map((r) => r.id);
    const cut = results.length - ok.length;
    expect(ok.length).toBeGreaterThanOrEqual(600);

    const second = spawnGateway(env);
    rig.track(second);
    await ready(base, second);
    // new traffic is served at once; the dead process's unacknowledged entries are re-claimed after
    // they have been idle for CLAIM_IDLE_MS (10 s)
    const after = await Promise.all(
      Array.from({ length: 10 }, (_, i) => call(base, `after-${i}`, i % 2 === 0)),
    );
    expect(after.every((r) => r.ok)).toBe(true);
    await waitUntil(
      'the usage stream to drain',
      async () => {
        const s = await streamState(redis, prefix);
        return s.length === 0 && s.pending === 0;
      },
      30_000,
      second,
    );

    const counts = await withDb(
      databaseUrl,
      async (c) =>
        (await c.query(`SELECT request_id, count(*)::int AS n FROM usage_records GROUP BY 1`)).rows as Array<{
          request_id: string;
          n: number;
        }>,
    );
    const byRequest = new Map(counts.map((r) => [r.request_id, r.n]));
    const missing = ok.filter((id) => byRequest.get(id) !== 1);
    expect({ missing: missing.slice(0, 10), missingCount: missing.length }).toEqual({
      missing: [],
      missingCount: 0,
    });
    for (let i = 0; i < 10; i++) expect(byRequest.get(`after-${i}`)).toBe(1);
    expect(counts.filter((r) => r.n !== 1)).toEqual([]);
    const a = await audit(databaseUrl);
    expect(a.rows).toBe(a.distinctRequests);
    // every record is a request that was sent (answered or cut by the kill), never more
    expect(a.rows).toBeLessThanOrEqual(ok.length + cut + 10);
    expect(a.daily).toEqual(a.raw);
    await stopGently(second);
  }, 120_000);
});

/**
 * A TCP proxy in front of Postgres that, once a connection sends the usage INSERT, still forwards it
 * (so it commits) but never returns the answer: the worker stays between its INSERT and its XACK.
 */
async function startInsertTrap(
  target: URL,
): Promise<{ port: number; trapped: () => number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  let trapped = 0;
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    let hold = false;
    sockets.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.on('data', (d: Buffer) => {
      if (!hold && d.includes('INSERT INTO usage_records')) {
        hold = true;
        trapped++;
      }
      upstream.write(d);
    });
    upstream.on('data', (d: Buffer) => {
      if (!hold) client.write(d);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as net.AddressInfo).port,
    trapped: () => trapped,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

describe('metering: a worker killed between its INSERT and its XACK', () => {
  let api: TestGateway;
  let trap: Awaited<ReturnType<typeof startInsertTrap>>;

  afterAll(async () => {
    await api?.close();
    await trap?.close();
  });

  it('the entries are re-claimed by the next worker and written once (rollup included)', async () => {
    const databaseUrl = await createTestDatabase('killworker');
    const prefix = rig.newPrefix('killw');
    // API role in process: it settles and appends to the stream; no writer runs yet
    api = await startGateway({
      databaseUrl,
      redisPrefix: prefix,
      env: { SWITCHBOARD_ROLE: 'api', SWITCHBOARD_CONFIG: rig.configFile },
    });
    const N = 120;
    const sent = await Promise.all(
      Array.from({ length: N }, (_, i) => call(api.url, `trap-${i}`, i % 4 === 0)),
    );
    expect(sent.every((r) => r.ok)).toBe(true);
    await waitUntil(
      'the stream to hold every event',
      async () => (await streamState(redis, prefix)).events === N,
      5_000,
    );

    const pg = new URL(databaseUrl);
    trap = await startInsertTrap(pg);
    const viaTrap = new URL(databaseUrl);
    viaTrap.port = String(trap.port);
    const env = { ...baseEnv(viaTrap.toString(), prefix, rig.configFile), SWITCHBOARD_ROLE: 'worker' };
    const worker = spawnGateway(env);
    rig.track(worker);
    // its batch INSERT committed, its answer held back: all N rows are in, every entry unacknowledged
    await waitUntil(
      'the trapped INSERT to commit',
      async () => (await audit(databaseUrl)).rows === N,
      30_000,
      worker,
    );
    expect(trap.trapped()).toBe(1);
    const held = await streamState(redis, prefix);
    expect(held).toMatchObject({ events: N, pending: held.length });
    await kill9(worker);

    const next = spawnGateway({ ...env, DATABASE_URL: databaseUrl });
    rig.track(next);
    await waitUntil(
      'XAUTOCLAIM and the re-write',
      async () => {
        const s = await streamState(redis, prefix);
        return s.length === 0 && s.pending === 0;
      },
      30_000,
      next,
    );
    const a = await audit(databaseUrl);
    expect(a).toMatchObject({ rows: N, distinctRequests: N });
    expect(a.daily).toEqual(a.raw);
    expect(a.daily.requests).toBe(N);
    await stopGently(next);
  }, 120_000);
});

describe('metering: a process killed while it holds budget leases', () => {
  it('its lease ledger is given back once its heartbeat deadline passes, by the next call of another instance', async () => {
    const { prefix, base, env, first } = await startAllRole('killl');
    const { key } = await new AdminClient(base, TEST_MASTER_KEY).createKey({
      name: 'budgeted',
      max_budget_usd: 1000,
      budget_duration: '30d',
    });
    const chat = async (i: number) => {
      const r = await fetch(`${base}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'gpt-fake',
          max_tokens: 50,
          messages: [{ role: 'user', content: `hi ${i}` }],
        }),
      });
      await r.text();
      return r.status;
    };
    const resvKey = async () => (await redis.keys(`${prefix}:lim:key:*:resv:*`))[0];
    const ledgers = async () => redis.keys(`${prefix}:lease:ledger:*`);
    // Far from its budget, the key is admitted from leases once the first lease is in (the first lease
    // request comes before the spend counter is seeded and is refused; the next one a second later).
    let i = 0;
    await waitUntil(
      'a budget lease',
      async () => {
        expect(await chat(i++)).toBe(200);
        return (await ledgers()).length === 1;
      },
      15_000,
      first,
    );
    const [deadLedger] = await ledgers();
    const reserved = Number(await redis.get((await resvKey())!));
    expect(reserved).toBeGreaterThan(0);
    await kill9(first);

    // 30 s without a heartbeat, shortened: its deadline is moved into the past.
    const instance = deadLedger.slice(`${prefix}:lease:ledger:`.length);
    await redis.zadd(`${prefix}:lease:alive`, 1, instance);
    const second = spawnGateway(env);
    rig.track(second);
    await ready(base, second);
    expect(await chat(100)).toBe(200);
    await waitUntil(
      'the dead ledger to be given back',
      async () => (await redis.exists(deadLedger)) === 0,
      10_000,
      second,
    );
    // What is reserved now is only what the live instance's own ledger holds.
    const live = (await ledgers()).filter((k) => k !== deadLedger);
    let held = 0;
    for (const k of live) for (const v of Object.values(await redis.hgetall(k))) held += Number(v);
    await waitUntil(
      'reservations to match the live ledgers',
      async () => Number((await redis.get((await resvKey())!)) ?? 0) <= held,
      5_000,
      second,
    );
    await stopGently(second);
  }, 60_000);
});
