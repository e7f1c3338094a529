/* eslint-disable @typescript-eslint/no-explicit-any */
import { AdminClient } from './support/admin-client';
import { startGateway, type TestGateway } from './support/gateway';

describe('virtual keys: the role matrix of contract §2', () => {
  let gw: TestGateway;
  let admin: AdminClient;
  let teamA: any;
  let teamB: any;
  let member: any;
  let teamAdmin: any;
  let adminKey: any;
  let keyInB: any;

  beforeAll(async () => {
    gw = await startGateway();
    admin = new AdminClient(gw.url, gw.masterKey);
    teamA = await admin.createTeam({ name: 'a' });
    teamB = await admin.createTeam({ name: 'b' });
    member = await admin.createKey({ team_id: teamA.id });
    teamAdmin = await admin.createKey({ team_id: teamA.id, role: 'team_admin' });
    adminKey = await admin.createKey({ role: 'admin' });
    keyInB = await admin.createKey({ team_id: teamB.id });
  });

  afterAll(async () => gw?.close());

  const as = (key: string, method: string, path: string, body?: unknown) =>
    admin.request(method, path, body, key);

  it('a member may call models and its own /v1/key, and gets 403 on every /admin route', async () => {
    expect((await as(member.key, 'GET', '/v1/key')).status).toBe(200);
    for (const [method, path, body] of [
      ['GET', '/admin/keys'],
      ['POST', '/admin/keys', {}],
      ['GET', `/admin/keys/${member.id}`],
      ['POST', `/admin/keys/${member.id}/revoke`],
      ['GET', '/admin/teams'],
      ['POST', '/admin/teams', { name: 'x' }],
      ['GET', '/admin/audit-logs'],
    ] as Array<[string, string, unknown?]>) {
      const r = await as(member.key, method, path, body);
      expect({ method, path, status: r.status }).toEqual({ method, path, status: 403 });
      expect(r.body.error).toMatchObject({ type: 'permission_error' });
    }
  });

  it('a team admin manages keys of its own team only', async () => {
    const list = await as(teamAdmin.key, 'GET', '/admin/keys');
    expect(list.status).toBe(200);
    expect(list.body.data.every((k: any) => k.team_id === teamA.id)).toBe(true);
    expect(list.body.data.map((k: any) => k.id)).toEqual(expect.arrayContaining([member.id, teamAdmin.id]));
    const created = await as(teamAdmin.key, 'POST', '/admin/keys', { name: 'by-team-admin' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ team_id: teamA.id, role: 'member' });
    expect((await as(teamAdmin.key, 'GET', `/admin/keys/${member.id}`)).status).toBe(200);
    expect(
      (await as(teamAdmin.key, 'PATCH', `/admin/keys/${created.body.id}`, { rpm_limit: 5 })).body.rpm_limit,
    ).toBe(5);
    expect((await as(teamAdmin.key, 'POST', `/admin/keys/${created.body.id}/rotate`, {})).status).toBe(200);
    expect((await as(teamAdmin.key, 'POST', `/admin/keys/${created.body.id}/revoke`)).status).toBe(200);
  });

  it('a team admin outside its team gets 403', async () => {
    for (const [method, path, body] of [
      ['GET', `/admin/keys/${keyInB.id}`],
      ['PATCH', `/admin/keys/${keyInB.id}`, { name: 'hijack' }],
      ['POST', `/admin/keys/${keyInB.id}/revoke`],
      ['POST', `/admin/keys/${keyInB.id}/rotate`, {}],
      ['GET', `/admin/keys?team_id=${teamB.id}`],
      ['POST', '/admin/keys', { team_id: teamB.id }],
      ['PATCH', `/admin/keys/${member.id}`, { team_id: teamB.id }],
      ['POST', '/admin/keys', { role: 'admin' }],
      ['PATCH', `/admin/keys/${member.id}`, { role: 'admin' }],
      ['GET', '/admin/teams'],
      ['GET', `/admin/teams/${teamA.id}`],
      ['GET', '/admin/audit-logs'],
    ] as Array<[string, string, unknown?]>) {
      const r = await as(teamAdmin.key, method, path, body);
      expect({ method, path, status: r.status }).toEqual({ method, path, status: 403 });
    }
    expect((await as(gw.masterKey, 'GET', `/admin/keys/${keyInB.id}`)).body.name).toBeNull();
  });

  it('an admin key may use every admin route, like the master key', async () => {
    expect((await as(adminKey.key, 'GET', '/admin/teams')).status).toBe(200);
    expect((await as(adminKey.key, 'GET', `/admin/keys/${keyInB.id}`)).status).toBe(200);
    expect((await as(adminKey.key, 'GET', '/admin/audit-logs')).status).toBe(200);
    const t = await as(adminKey.key, 'POST', '/admin/teams', { name: 'by-admin-key' });
    expect(t.status).toBe(201);
    expect((await as(adminKey.key, 'POST', '/admin/keys', { role: 'team_admin' })).body.error.param).toBe(
      'team_id',
    );
  });
});
