import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { tmpdir } from 'node:os';
import { Client } from 'pg';
import { VideoPoller } from '../src/modules/video/video-poller';
import { startFakeVideo, type FakeVideo } from './fakes/fake-video';
import { AdminClient } from './support/admin-client';
import { eventually } from './support/eventually';
import { startGateway, TEST_MASTER_KEY, type TestGateway } from './support/gateway';
import { baseEnv, ensureBuilt, kill9, ready, spawnGateway, type Proc } from './support/gateway-process';
import { freePort, startPrivateRedis, type PrivateRedis } from './support/redis-server';
import { createTestDatabase } from './support/test-databases';
import { FAST_VIDEO_POLLS, videoCatalogYaml } from './support/video-catalog';

interface Row {
  id: string;
  status: string;
  settlement: string;
  cost_usd: string | null;
  records: number;
  record_cost: string | null;
}

/** Each task with its usage records (joined on the reservation id, the record's gateway id). */
async function tasksWithRecords(databaseUrl: string): Promise<Row[]> {
  const c = new Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    return (
      await c.query(`SELECT t.id, t.status::text, t.settlement::text, t.cost_usd::text,
        count(u.id)::int AS records, max(u.cost_usd)::text AS record_cost
        FROM video_tasks t LEFT JOIN usage_records u ON u.id::text = t.reservation_id
        GROUP BY t.id ORDER BY t.id`)
    ).rows as Row[];
  } finally {
    await c.end();
  }
}

async function create(base: string, key: string, body: Record<string, unknown>): Promise<Response> {
  return fetch(`${base}/v1/videos`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'sora-2', prompt: 'p', seconds: '4', ...body }),
  });
}

/** Video tasks under races and faults: settled exactly once, never overspent, never lost. */
describe('video tasks: races and faults', () => {
  let fake: FakeVideo;

  beforeAll(async () => {
    fake = await startFakeVideo();
  });
  afterAll(async () => {
    await fake?.close();
  });

  it('two workers racing on the same tasks settle each one once', async () => {
    const a = await startGateway({ yaml: videoCatalogYaml(fake), env: { ...FAST_VIDEO_POLLS } });
    const b = await startGateway({
      yaml: videoCatalogYaml(fake),
      env: { ...FAST_VIDEO_POLLS },
      databaseUrl: a.config.databaseUrl,
      redisPrefix: a.config.redisPrefix,
    });
    try {
      const admin = new AdminClient(a.url, a.masterKey);
      const key = await admin.createKey({ name: 'race', max_budget_usd: '100' });
      fake.setDefaults({ queuedPolls: 2, runningPolls: 2 });
      const ids: string[] = [];
      for (let i = 0; i < 12; i++)
        ids.push(((await (await create(a.url, key.key, {})).json()) as { id: string }).id);
      // Besides both instances' BullMQ workers, both pollers hammer every task at once.
      const pollers = [a.app.get(VideoPoller), b.app.get(VideoPoller)];
      const gatewayIds = ids.map((id) => id.slice('video_'.length));
      for (let round = 0; round < 10; round++)
        await Promise.all(gatewayIds.flatMap((id) => pollers.map((p) => p.pollOnce(id))));
      const rows = await eventually(async () => {
        const r = await tasksWithRecords(a.config.databaseUrl);
        return r.length === 12 && r.every((t) => t.settlement === 'charged' && t.records === 1)
          ? r
          : undefined;
      }, 20_000);
      expect(rows.every((t) => t.status === 'completed' && Number(t.record_cost) === 0.4)).toBe(true);
      const spend = await eventually(async () => {
        const k = await admin.request<{ spend_usd: string }>('GET', `/admin/keys/${key.id}`);
        return k.body.spend_usd === '4.8' ? k.body.spend_usd : undefined;
      });
      expect(spend).toBe('4.8');
    } finally {
      fake.setDefaults({});
      await b.close();
      await a.close();
    }
  }, 60_000);

  it('40 concurrent submissions against a budget for 10 never overspend beyond one task', async () => {
    const gw = await startGateway({ yaml: videoCatalogYaml(fake), env: { ...FAST_VIDEO_POLLS } });
    try {
      const admin = new AdminClient(gw.url, gw.masterKey);
      // sora-2 at $0.10/s, 4 s: $0.40 a task; the budget holds 10.
      const key = await admin.createKey({ name: 'budget', max_budget_usd: '4' });
      const results = await Promise.all(Array.from({ length: 40 }, () => create(gw.url, key.key, {})));
      const accepted = results.filter((r) => r.status === 200).length;
      expect(accepted).toBeLessThanOrEqual(10);
      expect(accepted).toBeGreaterThan(0);
      for (const r of results.filter((x) => x.status !== 200)) {
        expect(r.status).toBe(429);
        expect(((await r.json()) as { error: { code: string } }).error.code).toBe('budget_exceeded');
      }
      const rows = await eventually(async () => {
        const r = await tasksWithRecords(gw.config.databaseUrl);
        return r.length === accepted && r.every((t) => t.records === 1) ? r : undefined;
      }, 20_000);
      expect(rows).toHaveLength(accepted);
      const k = await admin.request<{ spend_usd: string }>('GET', `/admin/keys/${key.id}`);
      expect(Number(k.body.spend_usd)).toBeLessThanOrEqual(4 + 0.4);
    } finally {
      await gw.close();
    }
  }, 60_000);

  describe('provider trouble', () => {
    let gw: TestGateway;
    let admin: AdminClient;
    beforeAll(async () => {
      const k = (upstream: string, extra = '') =>
        `      - { provider: kling, upstream_model: ${upstream}, base_url: "${fake.baseUrls.kling}", api_key: "${fake.deploymentKeys.kling}", timeout_ms: 500${extra} }`;
      const yaml = `models:
  - model_name: kling-pair
    deployments:
${k('kling-v2-1-master', ', priority: 0')}
${k('kling-v2-1-master', ', priority: 1')}
`;
      gw = await startGateway({ yaml, env: { ...FAST_VIDEO_POLLS, SWITCHBOARD_VIDEO_MAX_AGE_SECONDS: '2' } });
      admin = new AdminClient(gw.url, gw.masterKey);
    });
    afterAll(async () => {
      await gw?.close();
    });

    const klingCreate = (body: Record<string, unknown> = {}) =>
      fetch(`${gw.url}/kling/v1/videos/text2video`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model_name: 'kling-pair', prompt: 'p', duration: '5', ...body }),
      });

    it('an account out of credit is reported and the other deployment serves, without a cooldown', async () => {
      fake.inject({ provider: 'kling', op: 'submit', fault: { kind: 'out_of_credit' } });
      const res = await klingCreate();
      expect(res.status).toBe(200);
      expect(gw.logs.some((l) => l.includes('out of credit'))).toBe(true);
      const metrics = await (await fetch(`${gw.url}/metrics`)).text();
      expect(metrics).toMatch(/switchboard_deployment_out_of_credit_total\{[^}]*provider="kling"[^}]*\} 1/);
    });

    it('a submit whose answer timed out is not retried elsewhere: 504, one upstream submit, its reservation held', async () => {
      const posts = () =>
        fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/text2video')).length;
      const before = posts();
      fake.inject({ provider: 'kling', op: 'submit', fault: { kind: 'hang' } });
      const res = await klingCreate({ prompt: 'hangs' });
      expect(res.status).toBe(504);
      expect(posts()).toBe(before + 1);
      const held = await admin.request<{ data: Array<{ error: { code: string } }> }>(
        'GET',
        '/admin/video-tasks?settlement=held',
      );
      expect(held.body.data.map((t) => t.error.code)).toContain('submit_timeout');
    });

    it('a deployment with a task in progress cannot be deleted (409), only disabled', async () => {
      fake.next({ provider: 'kling', queuedPolls: 10_000 });
      expect((await klingCreate({ prompt: 'keeps running' })).status).toBe(200);
      const list = await admin.request<{ data: Array<{ id: string; model_name: string }> }>(
        'GET',
        '/admin/deployments?limit=100',
      );
      const ids = list.body.data.filter((d) => d.model_name === 'kling-pair').map((d) => d.id);
      const refused = await Promise.all(ids.map((id) => admin.request('DELETE', `/admin/deployments/${id}`)));
      expect(refused.some((r) => r.status === 409)).toBe(true);
      const body = refused.find((r) => r.status === 409)!.body as { error: { code: string } };
      expect(body.error.code).toBe('conflict');
    });

    it('past the maximum age a task fails with task_timeout and holds its reservation until an admin releases it', async () => {
      fake.next({ provider: 'kling', queuedPolls: 10_000 });
      const res = await klingCreate({ prompt: 'forever' });
      const env = (await res.json()) as { data: { task_id: string } };
      const id = env.data.task_id;
      const task = await eventually(async () => {
        const t = await admin.request<{ status: string; settlement: string; error: { code: string } | null }>(
          'GET',
          `/admin/video-tasks/${id}`,
        );
        return t.body.settlement === 'held' ? t.body : undefined;
      }, 15_000);
      expect(task).toMatchObject({ status: 'failed', error: { code: 'task_timeout' } });
      const resolved = await admin.request<{ settlement: string }>(
        'POST',
        `/admin/video-tasks/${id}/resolve`,
        {
          action: 'release',
        },
      );
      expect(resolved.status).toBe(200);
      expect(resolved.body.settlement).toBe('released');
      const rows = await eventually(async () => {
        const r = (await tasksWithRecords(gw.config.databaseUrl)).filter((t) => t.id === id);
        return r.length === 1 && r[0].records === 1 ? r : undefined;
      });
      expect(Number(rows[0].record_cost)).toBe(0);
    });
  });

  describe('restarts', () => {
    let redis: PrivateRedis;
    const procs: Proc[] = [];
    beforeAll(async () => {
      ensureBuilt();
      redis = await startPrivateRedis();
    }, 180_000);
    afterAll(async () => {
      for (const p of procs) await kill9(p);
      await redis?.stop();
    });

    it('kill -9 of the gateway mid-task, then a Redis restart that loses the queue: every task completes, settled once', async () => {
      const databaseUrl = await createTestDatabase('video-kill');
      const configFile = path.join(fs.mkdtempSync(path.join(tmpdir(), 'sb-video-')), 'switchboard.yaml');
      fs.writeFileSync(configFile, videoCatalogYaml(fake));
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      const env = {
        ...baseEnv(databaseUrl, `sbtest:vk:${randomBytes(4).toString('hex')}`, configFile),
        REDIS_URL: redis.url,
        PORT: String(port),
        ...FAST_VIDEO_POLLS,
      };
      const first = spawnGateway(env);
      procs.push(first);
      await ready(base, first);
      fake.setDefaults({ queuedPolls: 20, runningPolls: 20 });
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) {
        const r = await create(base, TEST_MASTER_KEY, { prompt: `kill ${i}` });
        expect(r.status).toBe(200);
        ids.push(((await r.json()) as { id: string }).id);
      }
      await eventually(async () => fake.tasks.filter((t) => t.polls > 2).length >= 6);
      await kill9(first);
      await redis.stop();
      await redis.start(); // nothing on disk: the queue, reservations and counters are gone
      fake.setDefaults({ queuedPolls: 0, runningPolls: 1 });
      const second = spawnGateway(env);
      procs.push(second);
      await ready(base, second);
      const rows = await eventually(async () => {
        const r = await tasksWithRecords(databaseUrl);
        return r.length === 6 && r.every((t) => t.settlement === 'charged' && t.records === 1)
          ? r
          : undefined;
      }, 60_000);
      expect(rows.map((t) => t.status)).toEqual(Array(6).fill('completed'));
      expect(rows.every((t) => Number(t.record_cost) === 0.4)).toBe(true);
    }, 120_000);
  });
});
