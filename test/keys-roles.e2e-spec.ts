import {
  AdminClient,
  type AdminErrorBody,
  type KeyPage,
  type KeyWithSecretsResponse,
  type TeamResponse,
} from './support/admin-client';
import { startGateway, type TestGateway } from './support/gateway';

/** What a key route may answer: a key (with its secrets from create and rotate) or an error. */
type KeyAnswer = Partial<KeyWithSecretsResponse> & Partial<AdminErrorBody>;

describe('virtual keys: the role matrix of contract §2', () => {
  let gw: TestGateway;
  let admin: AdminClient;
  let teamA: TeamResponse;
  let teamB: TeamResponse;
  let member: KeyWithSecretsResponse;
  let teamAdmin: KeyWithSecretsResponse;
  let adminKey: KeyWithSecretsResponse;
  let keyInB: KeyWithSecretsResponse;

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

  const as = <T = KeyAnswer>(key: string, method: string, path: string, body?: unknown) =>
    admin.request<T>(method, path, body, key);

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
    const list = await as<KeyPage>(teamAdmin.key, 'GET', '/admin/keys');
    expect(list.status).toBe(200);
    expect(list.body.data.every((k) => k.team_id === teamA.id)).toBe(true);
    expect(list.body.data.map((k) => k.id)).toEqual(expect.arrayContaining([member.id, teamAdmin.id]));
    const created = await as<KeyWithSecretsResponse>(teamAdmin.key, 'POST', '/admin/keys', {
      name: 'by-team-admin',
    });
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
    expect((await as(adminKey.key, 'POST', '/admin/keys', { role: 'team_admin' })).body.error?.param).toBe(
      'team_id',
    );
  });

  /**
   * Every key action × every actor × every target role, in the target's team and in another team
   * (issue 14, item 1): a caller acts only on keys whose role is at most its own; keys above it are
   * invisible (404), other teams are refused (403), and no role above its own can be given (403).
   */
  describe('the key-action matrix', () => {
    type Role = 'admin' | 'team_admin' | 'member';
    const RANK: Record<Role, number> = { member: 0, team_admin: 1, admin: 2 };
    const ROLES: Role[] = ['admin', 'team_admin', 'member'];
    const actors: Array<{ name: string; role: Role; key: () => string }> = [
      { name: 'master', role: 'admin', key: () => gw.masterKey },
      { name: 'admin', role: 'admin', key: () => adminKey.key },
      { name: 'admin of team a', role: 'admin', key: () => adminInA.key },
      { name: 'team_admin of a', role: 'team_admin', key: () => teamAdmin.key },
      { name: 'member of a', role: 'member', key: () => member.key },
    ];
    const targets = ROLES.flatMap((role) => [
      { role, team: 'a' as const },
      { role, team: 'b' as const },
    ]);
    type Target = (typeof targets)[number];
    let adminInA: KeyWithSecretsResponse;
    let seq = 0;

    beforeAll(async () => {
      adminInA = await admin.createKey({ team_id: teamA.id, role: 'admin' });
    });

    const teamId = (t: Target) => (t.team === 'a' ? teamA.id : teamB.id);
    const label = (actor: { name: string }, t: Target) => `${actor.name} → ${t.role} of team ${t.team}`;
    /** A fresh target key per cell (made by the master key), so one cell's change never feeds another. */
    const makeTarget = (t: Target) =>
      admin.createKey({ team_id: teamId(t), role: t.role, name: `m${seq++}` });

    /** The status the contract gives an actor's action on a key of `t` (promotion: the new role). */
    function expected(actor: { role: Role }, t: Target, grant?: Role): number {
      if (actor.role === 'member') return 403;
      if (RANK[t.role] > RANK[actor.role]) return 404;
      if (actor.role === 'team_admin' && t.team !== 'a') return 403;
      if (grant && RANK[grant] > RANK[actor.role]) return 403;
      return 200;
    }

    /**
     * Runs one action over the whole actor × target table and compares the statuses with the
     * contract's; refused writes leave the key as it was and never hand out a secret.
     */
    async function matrix(
      act: (
        actorKey: string,
        target: KeyWithSecretsResponse,
        t: Target,
      ) => Promise<{ status: number; body: KeyAnswer }>,
      expect_: (actor: (typeof actors)[number], t: Target) => number,
      { writes = true } = {},
    ): Promise<void> {
      const cells = actors.flatMap((actor) => targets.map((t) => ({ actor, t })));
      // Reads share one key per target; writes get a key per cell, made one actor's row at a time.
      const fixtures: KeyWithSecretsResponse[] = [];
      const shared = writes ? undefined : await Promise.all(targets.map(makeTarget));
      for (const _actor of actors) fixtures.push(...(shared ?? (await Promise.all(targets.map(makeTarget)))));
      const got: Record<string, number> = {};
      const want: Record<string, number> = {};
      for (const [i, { actor, t }] of cells.entries()) {
        const r = await act(actor.key(), fixtures[i], t);
        got[label(actor, t)] = r.status;
        want[label(actor, t)] = expect_(actor, t);
        if (r.status < 300) continue;
        expect(r.body.key).toBeUndefined();
        if (!writes) continue;
        const now = await as(gw.masterKey, 'GET', `/admin/keys/${fixtures[i].id}`);
        const { key: _key, webhook_secret: _secret, ...before } = fixtures[i];
        expect({ cell: label(actor, t), key: now.body }).toEqual({ cell: label(actor, t), key: before });
      }
      expect(got).toEqual(want);
    }

    it('create: a key of any role up to the caller’s own, in its scope', async () => {
      const got: Record<string, number> = {};
      const want: Record<string, number> = {};
      for (const actor of actors)
        for (const t of targets) {
          const r = await as(actor.key(), 'POST', '/admin/keys', { team_id: teamId(t), role: t.role });
          got[label(actor, t)] = r.status;
          const status = expected(actor, t);
          // Creating is never hidden: a role above the caller's is refused, not "not found".
          want[label(actor, t)] = status === 200 ? 201 : 403;
          if (r.status === 201) expect(r.body).toMatchObject({ role: t.role, team_id: teamId(t) });
          else expect(r.body.key).toBeUndefined();
        }
      expect(got).toEqual(want);
    });

    it('list: a key is listed exactly when the caller may read it', async () => {
      await matrix(
        async (key, target) => {
          const r = await as<KeyAnswer & Partial<KeyPage>>(key, 'GET', `/admin/keys?name=${target.name}`);
          if (r.status !== 200) return r;
          return { status: r.body.data?.some((k) => k.id === target.id) ? 200 : 404, body: r.body };
        },
        // Listing another team is no error for a team admin: its own team is listed instead.
        (actor, t) => {
          const status = expected(actor, t);
          return status === 403 && actor.role === 'team_admin' ? 404 : status;
        },
        { writes: false },
      );
      const own = await as(teamAdmin.key, 'GET', `/admin/keys?team_id=${teamA.id}&role=admin`);
      expect(own).toMatchObject({ status: 200, body: { data: [] } });
    });

    it('read', async () => {
      await matrix((key, target) => as(key, 'GET', `/admin/keys/${target.id}`), expected, { writes: false });
    });

    it('patch', async () => {
      await matrix((key, target) => as(key, 'PATCH', `/admin/keys/${target.id}`, { rpm_limit: 7 }), expected);
    });

    it.each(ROLES)('patch role → %s (promotion and demotion)', async (role) => {
      await matrix(
        (key, target) => as(key, 'PATCH', `/admin/keys/${target.id}`, { role }),
        (actor, t) => expected(actor, t, role),
      );
    });

    it('rotate: the new plaintext goes only to a caller that may hold the key', async () => {
      await matrix(async (key, target) => {
        const r = await as(key, 'POST', `/admin/keys/${target.id}/rotate`, { grace_period_seconds: 60 });
        if (r.status === 200) expect(r.body.key).toMatch(/^sk-/);
        return r;
      }, expected);
    });

    it('revoke', async () => {
      await matrix((key, target) => as(key, 'POST', `/admin/keys/${target.id}/revoke`), expected);
    });

    it('the case of the report: a team admin cannot take over an admin key of its team', async () => {
      const victim = await admin.createKey({ team_id: teamA.id, role: 'admin' });
      for (const [method, path] of [
        ['GET', `/admin/keys/${victim.id}`],
        ['POST', `/admin/keys/${victim.id}/rotate`],
        ['POST', `/admin/keys/${victim.id}/revoke`],
      ]) {
        const r = await as(teamAdmin.key, method, path, method === 'POST' ? {} : undefined);
        expect({ path, status: r.status, code: r.body.error?.code }).toEqual({
          path,
          status: 404,
          code: 'not_found',
        });
      }
      expect((await as(victim.key, 'GET', '/admin/teams')).status).toBe(200);
    });
  });
});
