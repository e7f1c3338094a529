import { randomBytes, randomUUID } from 'node:crypto';
import { PrismaService } from '../src/database/prisma.service';
import type { Prisma } from '../src/generated/prisma/client';
import type {
  VideoTaskAdminPage,
  VideoTaskAdminResponse,
} from '../src/modules/video/admin/dto/video-task-admin.response';
import {
  AdminClient,
  type AdminErrorBody,
  type AuditLogPage,
  type KeyWithSecretsResponse,
  type TeamResponse,
  type UsageLogPage,
} from './support/admin-client';
import { startGateway, type TestGateway } from './support/gateway';

type TaskAnswer = VideoTaskAdminResponse & Partial<AdminErrorBody>;

describe('admin video tasks: list, read, and resolve held reservations (contract §6)', () => {
  let gw: TestGateway;
  let admin: AdminClient;
  let db: PrismaService;
  let teamA: TeamResponse;
  let teamB: TeamResponse;
  let keyA: KeyWithSecretsResponse;
  let keyB: KeyWithSecretsResponse;
  let teamAdminA: KeyWithSecretsResponse;
  let adminKey: KeyWithSecretsResponse;
  /** Inserted ids, newest first. */
  const ids: string[] = [];
  const byName: Record<string, string> = {};
  const base = Date.parse('2026-12-01T10:00:00.000Z');

  beforeAll(async () => {
    gw = await startGateway();
    admin = new AdminClient(gw.url, gw.masterKey);
    db = gw.app.get(PrismaService);
    teamA = await admin.createTeam({ name: 'video-a' });
    teamB = await admin.createTeam({ name: 'video-b' });
    keyA = await admin.createKey({ team_id: teamA.id, max_budget_usd: '10', budget_duration: '30d' });
    keyB = await admin.createKey({ team_id: teamB.id });
    teamAdminA = await admin.createKey({ team_id: teamA.id, role: 'team_admin' });
    adminKey = await admin.createKey({ role: 'admin' });
    // Oldest first: each one a minute after the previous.
    const rows: Array<[string, KeyWithSecretsResponse, Partial<Prisma.VideoTaskCreateInput>]> = [
      ['a-completed', keyA, { status: 'completed', progress: 100, settlement: 'charged', costUsd: '0.5' }],
      ['b-queued', keyB, { model: 'seedance-x', provider: 'seedance', dialect: 'seedance' }],
      ['a-held', keyA, held()],
      ['a-reserved', keyA, { status: 'in_progress', progress: 30, nextPollAt: new Date(base + 3600_000) }],
      ['b-held', keyB, held()],
      ['a-held-2', keyA, { ...held(), model: 'seedance-x', provider: 'seedance', dialect: 'seedance' }],
      ['a-failed', keyA, { status: 'failed', settlement: 'released', costUsd: '0', error: failure() }],
    ];
    for (const [i, [name, key, over]] of rows.entries()) {
      const id = randomBytes(16).toString('hex');
      byName[name] = id;
      ids.unshift(id);
      await db.videoTask.create({
        data: {
          id,
          keyId: key.id,
          teamId: key.team_id,
          model: 'kling-x',
          deploymentId: 'dep-1',
          provider: 'kling',
          upstreamModel: 'kling-v2-master',
          upstreamTaskId: `up-${i}`,
          dialect: 'kling',
          request: { prompt: 'a cat', image: { data: 'SECRETIMAGEBYTES', mimeType: 'image/png' } },
          seconds: '5',
          resolution: '720p',
          callbackUrl: 'https://hooks.example.com/video/done?token=SECRETTOKEN',
          reservationId: randomUUID(),
          reservedUsd: '0.4',
          requestId: `req_${i}`,
          createdAt: new Date(base + i * 60_000),
          ...over,
        },
      });
    }
  });

  afterAll(async () => gw?.close());

  const as = <T = TaskAnswer>(key: string, method: string, path: string, body?: unknown) =>
    admin.request<T>(method, path, body, key);
  const list = async (query = '', key = gw.masterKey) => {
    const res = await as<VideoTaskAdminPage>(key, 'GET', `/admin/video-tasks${query}`);
    expect(res.status).toBe(200);
    return res.body;
  };

  it('lists every task newest first, with state, upstream and billing, never the request or the callback query', async () => {
    const page = await list();
    expect(page.data.map((t) => t.id)).toEqual(ids);
    expect(page.next_cursor).toBeNull();
    const row = page.data.find((t) => t.id === byName['a-held'])!;
    expect(row).toEqual({
      id: byName['a-held'],
      status: 'failed',
      progress: 0,
      model: 'kling-x',
      provider: 'kling',
      deployment_id: 'dep-1',
      upstream_model: 'kling-v2-master',
      upstream_task_id: 'up-2',
      upstream_status: null,
      dialect: 'kling',
      key_id: keyA.id,
      team_id: teamA.id,
      seconds: '5',
      size: null,
      resolution: '720p',
      settlement: 'held',
      reserved_usd: '0.4',
      cost_usd: null,
      error: { code: 'task_timeout', message: 'the task did not finish within the maximum task age' },
      poll_count: 0,
      next_poll_at: null,
      has_callback: true,
      callback_origin: 'https://hooks.example.com/video/done',
      created_at: new Date(base + 2 * 60_000).toISOString(),
      completed_at: expect.any(String),
      settled_at: null,
    });
    const text = JSON.stringify(page);
    expect(text).not.toContain('SECRETIMAGEBYTES');
    expect(text).not.toContain('SECRETTOKEN');
    expect(text).not.toContain('"request"');
  });

  it('filters by status, settlement, team, key and model, and walks cursor pages', async () => {
    const pick = (...names: string[]) => ids.filter((id) => names.some((n) => byName[n] === id));
    const idsOf = (p: VideoTaskAdminPage) => p.data.map((t) => t.id);
    expect(idsOf(await list('?status=failed'))).toEqual(pick('a-held', 'b-held', 'a-held-2', 'a-failed'));
    expect(idsOf(await list('?settlement=held'))).toEqual(pick('a-held', 'b-held', 'a-held-2'));
    expect(idsOf(await list(`?team_id=${teamB.id}`))).toEqual(pick('b-queued', 'b-held'));
    expect(idsOf(await list(`?key_id=${keyB.id}&status=queued`))).toEqual(pick('b-queued'));
    expect(idsOf(await list('?model=seedance-x'))).toEqual(pick('b-queued', 'a-held-2'));

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: VideoTaskAdminPage = await list(`?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.data.length).toBeLessThanOrEqual(3);
      seen.push(...idsOf(page));
      cursor = page.next_cursor;
      pages++;
    } while (cursor);
    expect(seen).toEqual(ids);
    expect(pages).toBe(3);

    for (const q of ['?status=done', '?team_id=nope', '?limit=0', '?cursor=garbage', '?settlement=x'])
      expect({ q, status: (await as(gw.masterKey, 'GET', `/admin/video-tasks${q}`)).status }).toEqual({
        q,
        status: 400,
      });
  });

  it('reads one task by its id (or its video_ / cgt- form); 404 for an unknown one', async () => {
    const id = byName['a-reserved'];
    const one = await as(gw.masterKey, 'GET', `/admin/video-tasks/${id}`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id, status: 'in_progress', progress: 30, settlement: 'reserved' });
    expect(one.body.next_poll_at).toBe(new Date(base + 3600_000).toISOString());
    expect((await as(gw.masterKey, 'GET', `/admin/video-tasks/video_${id}`)).body.id).toBe(id);
    expect((await as(gw.masterKey, 'GET', `/admin/video-tasks/cgt-${id}`)).body.id).toBe(id);
    for (const missing of [randomBytes(16).toString('hex'), 'nope']) {
      const res = await as(gw.masterKey, 'GET', `/admin/video-tasks/${missing}`);
      expect(res.status).toBe(404);
      expect(res.body.error).toMatchObject({ code: 'not_found' });
    }
  });

  it("a team admin sees its team's tasks only and may not resolve; an admin key sees all; a member nothing", async () => {
    const mine = await list('', teamAdminA.key);
    expect(mine.data.map((t) => t.id)).toEqual(ids.filter((id) => !/^b-/.test(nameOf(id))));
    expect((await list(`?team_id=${teamA.id}`, teamAdminA.key)).data).toHaveLength(5);
    expect((await as(teamAdminA.key, 'GET', `/admin/video-tasks?team_id=${teamB.id}`)).status).toBe(403);
    expect((await as(teamAdminA.key, 'GET', `/admin/video-tasks/${byName['b-held']}`)).status).toBe(404);
    expect((await as(teamAdminA.key, 'GET', `/admin/video-tasks/${byName['a-held']}`)).status).toBe(200);
    const resolve = await as(teamAdminA.key, 'POST', `/admin/video-tasks/${byName['a-held']}/resolve`, {
      action: 'release',
    });
    expect(resolve.status).toBe(403);
    expect((await list('', adminKey.key)).data).toHaveLength(ids.length);
    expect((await as(keyA.key, 'GET', '/admin/video-tasks')).status).toBe(403);
  });

  it('charges a held task once: the usage record carries the cost, the row turns charged, the write is audited', async () => {
    const id = byName['a-held'];
    const bad = await as(gw.masterKey, 'POST', `/admin/video-tasks/${id}/resolve`, {
      action: 'release',
      cost_usd: '1',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ param: 'cost_usd' });
    expect(
      (await as(gw.masterKey, 'POST', `/admin/video-tasks/${id}/resolve`, { action: 'bill' })).body.error,
    ).toMatchObject({ param: 'action' });

    const res = await as(gw.masterKey, 'POST', `/admin/video-tasks/${id}/resolve`, {
      action: 'charge',
      cost_usd: '0.25',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, settlement: 'charged', cost_usd: '0.25' });
    expect(res.body.settled_at).not.toBeNull();

    const reservationId = (await db.videoTask.findUniqueOrThrow({ where: { id } })).reservationId;
    let record: UsageLogPage['data'][number] | undefined;
    for (let i = 0; i < 100 && !record; i++) {
      const logs = (await admin.request<UsageLogPage>('GET', `/admin/usage/logs?key_id=${keyA.id}`)).body;
      record = logs.data.find((r) => r.id === reservationId);
      if (!record) await new Promise((r) => setTimeout(r, 100));
    }
    expect(record).toMatchObject({
      endpoint: 'videos',
      cost_usd: '0.25',
      status_code: 200,
      key_id: keyA.id,
      team_id: teamA.id,
      model: 'kling-x',
      provider: 'kling',
    });

    const again = await as(gw.masterKey, 'POST', `/admin/video-tasks/${id}/resolve`, { action: 'charge' });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'conflict' });
    const reserved = await as(gw.masterKey, 'POST', `/admin/video-tasks/${byName['a-reserved']}/resolve`, {
      action: 'release',
    });
    expect(reserved.status).toBe(409);
    expect(reserved.body.error).toMatchObject({ code: 'conflict' });
    expect(
      (await as(gw.masterKey, 'GET', `/admin/video-tasks/${byName['a-reserved']}`)).body.settlement,
    ).toBe('reserved');

    const audit = (
      await admin.request<AuditLogPage>('GET', `/admin/audit-logs?action=video_task.resolve&target_id=${id}`)
    ).body.data;
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor: { type: 'master', key_id: null },
      target_type: 'video_task',
      before: { settlement: 'held', cost_usd: null },
      after: { settlement: 'charged', cost_usd: '0.25' },
    });
  });

  it('charges the reservation when no cost is given, and releases at zero cost', async () => {
    const charged = await as(adminKey.key, 'POST', `/admin/video-tasks/${byName['b-held']}/resolve`, {
      action: 'charge',
    });
    expect(charged.body).toMatchObject({ settlement: 'charged', cost_usd: '0.4' });
    const released = await as(adminKey.key, 'POST', `/admin/video-tasks/${byName['a-held-2']}/resolve`, {
      action: 'release',
    });
    expect(released.status).toBe(200);
    expect(released.body).toMatchObject({ settlement: 'released', cost_usd: '0' });
    expect((await list('?settlement=held')).data).toEqual([]);
  });

  function nameOf(id: string): string {
    return Object.entries(byName).find(([, v]) => v === id)![0];
  }
});

function failure(): Prisma.InputJsonValue {
  return { code: 'upstream_error', message: 'the provider failed the task' };
}

/** A task the maximum task age ended: failed with `task_timeout`, its reservation held. */
function held(): Partial<Prisma.VideoTaskCreateInput> {
  return {
    status: 'failed',
    settlement: 'held',
    completedAt: new Date(),
    error: { code: 'task_timeout', message: 'the task did not finish within the maximum task age' },
  };
}
