import { randomUUID } from 'node:crypto';
import {
  AdminClient,
  type DeploymentPage,
  type KeyWithSecretsResponse,
  type TeamResponse,
} from './support/admin-client';
import { expireKey } from './support/security';
import { startGateway, type TestGateway } from './support/gateway';

/**
 * Issue 18, item 1: every admin route of /docs-json × every kind of caller (contract §2). The table
 * below must name exactly the admin operations the OpenAPI document lists, so a new route cannot be
 * added without deciding who may call it. test/keys-roles.e2e-spec.ts covers the finer key-action
 * matrix (roles above the caller's own, promotions); this one covers the route × caller grid.
 */

/** Whose objects a call is about: the team admin's own team (a) or another team (b). */
type Scope = 'own' | 'other';
type Caller = 'master' | 'admin' | 'team_admin' | 'member' | 'revoked' | 'expired' | 'none' | 'garbage';
const UNAUTHENTICATED: Caller[] = ['revoked', 'expired', 'none', 'garbage'];

interface RouteCase {
  /**
   * What a team admin gets: 'no' → 403 on its own team's objects too; 'scoped' → allowed on its
   * team, 403 on another's; 'hidden' → allowed on its team, another team's object is a 404.
   */
  teamAdmin: 'no' | 'scoped' | 'hidden';
  /** The concrete path (query included) of the call about `scope`'s objects. */
  path: (scope: Scope) => string | Promise<string>;
  body?: (scope: Scope) => unknown;
}

interface Call {
  status: number;
  text: string;
  headers: Headers;
}

describe('security: the admin role matrix over every route of /docs-json', () => {
  let gw: TestGateway;
  let admin: AdminClient;
  let teamA: TeamResponse;
  let teamB: TeamResponse;
  let keyInA: KeyWithSecretsResponse;
  let keyInB: KeyWithSecretsResponse;
  let demoDeploymentId: string;
  const keys = {} as Record<Caller, string | undefined>;
  let seq = 0;

  beforeAll(async () => {
    gw = await startGateway();
    admin = new AdminClient(gw.url, gw.masterKey);
    teamA = await admin.createTeam({ name: 'sec-a' });
    teamB = await admin.createTeam({ name: 'sec-b' });
    keyInA = await admin.createKey({ team_id: teamA.id, name: 'target-a' });
    keyInB = await admin.createKey({ team_id: teamB.id, name: 'target-b' });
    const revoked = await admin.createKey({ team_id: teamA.id, role: 'admin' });
    await admin.revokeKey(revoked.id);
    const expired = await admin.createKey({ role: 'admin' });
    await expireKey(gw.config.databaseUrl, expired.id);
    Object.assign(keys, {
      master: gw.masterKey,
      admin: (await admin.createKey({ role: 'admin' })).key,
      team_admin: (await admin.createKey({ team_id: teamA.id, role: 'team_admin' })).key,
      member: (await admin.createKey({ team_id: teamA.id })).key,
      revoked: revoked.key,
      expired: expired.key,
      none: undefined,
      garbage: 'sk-sb-this-is-not-a-key',
    });
    const deployments = await admin.request<DeploymentPage>('GET', '/admin/deployments?model_name=demo');
    demoDeploymentId = deployments.body.data[0].id;
  });

  afterAll(async () => gw?.close());

  const team = (s: Scope) => (s === 'own' ? teamA : teamB);
  /** A fresh member key of `scope`'s team, for the calls that change or end a key. */
  const freshKey = async (s: Scope) =>
    (await admin.createKey({ team_id: team(s).id, name: `fresh-${seq++}` })).id;
  const missing = () => randomUUID();

  const ROUTES: Record<string, RouteCase> = {
    'GET /admin/audit-logs': { teamAdmin: 'no', path: () => '/admin/audit-logs' },
    'POST /admin/teams': { teamAdmin: 'no', path: () => '/admin/teams', body: () => ({ name: `t${seq++}` }) },
    'GET /admin/teams': { teamAdmin: 'no', path: () => '/admin/teams' },
    'GET /admin/teams/{id}': { teamAdmin: 'no', path: (s) => `/admin/teams/${team(s).id}` },
    'PATCH /admin/teams/{id}': {
      teamAdmin: 'no',
      path: (s) => `/admin/teams/${team(s).id}`,
      body: () => ({ metadata: { touched: true } }),
    },
    'DELETE /admin/teams/{id}': { teamAdmin: 'no', path: () => `/admin/teams/${missing()}` },
    'POST /admin/keys': {
      teamAdmin: 'scoped',
      path: () => '/admin/keys',
      body: (s) => ({ name: `k${seq++}`, team_id: team(s).id }),
    },
    'GET /admin/keys': { teamAdmin: 'scoped', path: (s) => `/admin/keys?team_id=${team(s).id}` },
    'GET /admin/keys/{id}': {
      teamAdmin: 'scoped',
      path: (s) => `/admin/keys/${(s === 'own' ? keyInA : keyInB).id}`,
    },
    'PATCH /admin/keys/{id}': {
      teamAdmin: 'scoped',
      path: (s) => `/admin/keys/${(s === 'own' ? keyInA : keyInB).id}`,
      body: () => ({ rpm_limit: 1000 }),
    },
    'POST /admin/keys/{id}/revoke': {
      teamAdmin: 'scoped',
      path: async (s) => `/admin/keys/${await freshKey(s)}/revoke`,
    },
    'POST /admin/keys/{id}/rotate': {
      teamAdmin: 'scoped',
      path: async (s) => `/admin/keys/${await freshKey(s)}/rotate`,
      body: () => ({}),
    },
    'POST /admin/deployments': {
      teamAdmin: 'no',
      path: () => '/admin/deployments',
      body: () => ({ model_name: `sec-model-${seq++}`, provider: 'mock', upstream_model: 'mock' }),
    },
    'GET /admin/deployments': { teamAdmin: 'no', path: () => '/admin/deployments' },
    'GET /admin/deployments/{id}': { teamAdmin: 'no', path: () => `/admin/deployments/${demoDeploymentId}` },
    'PATCH /admin/deployments/{id}': {
      teamAdmin: 'no',
      path: () => `/admin/deployments/${demoDeploymentId}`,
      body: () => ({ weight: 1 }),
    },
    'DELETE /admin/deployments/{id}': { teamAdmin: 'no', path: () => `/admin/deployments/${missing()}` },
    'GET /admin/models': { teamAdmin: 'no', path: () => '/admin/models' },
    'GET /admin/models/{name}': { teamAdmin: 'no', path: () => '/admin/models/demo' },
    'DELETE /admin/models/{name}': { teamAdmin: 'no', path: () => '/admin/models/no-such-model' },
    'PUT /admin/models/{name}/pricing': {
      teamAdmin: 'no',
      path: () => '/admin/models/demo/pricing',
      body: () => ({ input_per_mtok: '1' }),
    },
    'PUT /admin/models/{name}/fallbacks': {
      teamAdmin: 'no',
      path: () => '/admin/models/demo/fallbacks',
      body: () => ({ fallbacks: [] }),
    },
    'PUT /admin/models/{name}/aliases': {
      teamAdmin: 'no',
      path: () => '/admin/models/demo/aliases',
      body: () => ({ aliases: [] }),
    },
    'GET /admin/router': { teamAdmin: 'no', path: () => '/admin/router' },
    'PUT /admin/router': { teamAdmin: 'no', path: () => '/admin/router', body: () => ({}) },
    'GET /admin/usage/summary': {
      teamAdmin: 'scoped',
      path: (s) => `/admin/usage/summary?team_id=${team(s).id}`,
    },
    'GET /admin/usage/logs': { teamAdmin: 'scoped', path: (s) => `/admin/usage/logs?team_id=${team(s).id}` },
    'GET /admin/video-tasks': {
      teamAdmin: 'scoped',
      path: (s) => `/admin/video-tasks?team_id=${team(s).id}`,
    },
    // No task exists here: every caller allowed to look gets the 404, a team admin's too.
    'GET /admin/video-tasks/{id}': { teamAdmin: 'hidden', path: () => `/admin/video-tasks/${missing()}` },
    'POST /admin/video-tasks/{id}/resolve': {
      teamAdmin: 'no',
      path: () => `/admin/video-tasks/${missing().replace(/-/g, '')}/resolve`,
      body: () => ({ action: 'release' }),
    },
  };

  async function call(caller: Caller, route: string, scope: Scope): Promise<Call> {
    const [method] = route.split(' ');
    const spec = ROUTES[route];
    const body = spec.body?.(scope);
    const key = keys[caller];
    const res = await fetch(`${gw.url}${await spec.path(scope)}`, {
      method,
      headers: {
        ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        'x-request-id': 'req_security_matrix',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, text: await res.text(), headers: res.headers };
  }

  /** The contract's answer: a status, or 'allowed' (2xx, or 404 for an object that is not there). */
  function expected(caller: Caller, route: string, scope: Scope): number | 'allowed' {
    if (caller === 'master' || caller === 'admin') return 'allowed';
    if (caller === 'member') return 403;
    if (caller !== 'team_admin') return 401;
    const rule = ROUTES[route].teamAdmin;
    if (rule === 'no') return 403;
    if (scope === 'own') return 'allowed';
    return rule === 'hidden' ? 404 : 403;
  }

  const verdict = (status: number): number | 'allowed' =>
    (status >= 200 && status < 300) || status === 404 ? 'allowed' : status;

  it('the table names every admin operation of /docs-json, and nothing else', async () => {
    const doc = (await (await fetch(`${gw.url}/docs-json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = Object.entries(doc.paths)
      .filter(([p]) => p.startsWith('/admin'))
      .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    expect(documented.length).toBeGreaterThan(25);
    expect(Object.keys(ROUTES).sort()).toEqual(documented.sort());
  });

  it('every route × every caller answers what contract §2 says', async () => {
    const got: Record<string, number | 'allowed'> = {};
    const want: Record<string, number | 'allowed'> = {};
    const unauthorized = new Map<string, string>();
    for (const route of Object.keys(ROUTES)) {
      const cells: Array<[Caller, Scope]> = [
        ['master', 'other'],
        ['admin', 'other'],
        ['team_admin', 'own'],
        ['team_admin', 'other'],
        ['member', 'own'],
        ...UNAUTHENTICATED.map((c) => [c, 'own'] as [Caller, Scope]),
      ];
      for (const [caller, scope] of cells) {
        const cell = `${route} as ${caller} (${scope} team)`;
        const r = await call(caller, route, scope);
        got[cell] = r.status === 404 && expected(caller, route, scope) === 404 ? 404 : verdict(r.status);
        want[cell] = expected(caller, route, scope);
        // Every admin answer, refusals too: no sniffing, no caching, no CORS.
        expect({ cell, nosniff: r.headers.get('x-content-type-options') }).toEqual({
          cell,
          nosniff: 'nosniff',
        });
        expect({ cell, cache: r.headers.get('cache-control') }).toEqual({ cell, cache: 'no-store' });
        expect({ cell, cors: r.headers.get('access-control-allow-origin') }).toEqual({ cell, cors: null });
        if (r.status === 401) unauthorized.set(cell, r.text);
        if (r.status === 403)
          expect({ cell, error: JSON.parse(r.text).error }).toEqual({
            cell,
            error: {
              type: 'permission_error',
              code: expect.any(String),
              message: expect.any(String),
              param: null,
            },
          });
      }
    }
    expect(got).toEqual(want);
    // The four ways of not being authenticated are indistinguishable, on every route.
    expect(new Set(unauthorized.values())).toEqual(
      new Set([
        JSON.stringify({
          error: {
            message: 'Invalid API key: the key is missing, unknown, expired or revoked.',
            type: 'authentication_error',
            param: null,
            code: 'invalid_api_key',
          },
        }),
      ]),
    );
    expect(unauthorized.size).toBe(Object.keys(ROUTES).length * UNAUTHENTICATED.length);
  });

  it('no CORS on /admin, even for a preflight from a browser origin; /docs cannot be framed', async () => {
    const preflight = await fetch(`${gw.url}/admin/keys`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://evil.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.headers.get('access-control-allow-headers')).toBeNull();
    const withOrigin = await fetch(`${gw.url}/admin/teams`, {
      headers: { origin: 'https://evil.example', authorization: `Bearer ${gw.masterKey}` },
    });
    expect(withOrigin.status).toBe(200);
    expect(withOrigin.headers.get('access-control-allow-origin')).toBeNull();
    expect(withOrigin.headers.get('access-control-allow-credentials')).toBeNull();
    const docs = await fetch(`${gw.url}/docs`);
    expect(docs.headers.get('content-type')).toMatch(/text\/html/);
    expect(docs.headers.get('x-frame-options')).toBe('DENY');
    expect(docs.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(docs.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
