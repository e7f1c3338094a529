import { createHash } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import type OpenAI from 'openai';
import { PrismaClient } from '../src/generated/prisma/client';
import { INVALID_KEY_MESSAGE } from '../src/common/errors/gateway-error';
import {
  AdminClient,
  type AdminErrorBody,
  type AdminResponse,
  type AuditLogPage,
  type KeyPage,
  type KeyResponse,
  type KeyWithSecretsResponse,
  type TeamPage,
  type TeamResponse,
} from './support/admin-client';
import { startGateway, type TestGateway } from './support/gateway';

/** An authentication error in any of the three dialects' shapes. */
interface DialectErrorBody {
  type?: string;
  error: { message: string; type?: string; code?: string | number; status?: string };
}

const chatBody = (model = 'demo') => JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] });

describe('virtual keys: lifecycle, headers, errors, validation, audit', () => {
  let gw: TestGateway;
  let admin: AdminClient;
  let db: PrismaClient;
  /** Every plaintext secret handed out in this file, for the log and response scans. */
  const secrets: string[] = [];
  const responses: string[] = [];

  const chat = async (headers: Record<string, string>, query = '', model = 'demo') => {
    const res = await fetch(`${gw.url}/v1/chat/completions${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: chatBody(model),
    });
    const text = await res.text();
    responses.push(text);
    return { status: res.status, body: JSON.parse(text) };
  };
  const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
  const newKey = async (body: Record<string, unknown> = {}) => {
    const k = await admin.createKey(body);
    secrets.push(k.key, k.webhook_secret);
    return k;
  };
  const adminGet = async <T>(path: string, key?: string) => {
    const r = await admin.request<T>('GET', path, undefined, key);
    responses.push(JSON.stringify(r.body));
    return r;
  };

  beforeAll(async () => {
    gw = await startGateway();
    admin = new AdminClient(gw.url, gw.masterKey);
    db = new PrismaClient({ adapter: new PrismaPg({ connectionString: gw.config.databaseUrl }) });
  });

  afterAll(async () => {
    await db?.$disconnect();
    await gw?.close();
  });

  it('creates a key shown once: sk-sb- + 43 base64url chars, 12-char prefix, only the SHA-256 stored', async () => {
    const k = await newKey({
      name: 'first',
      max_budget_usd: 10.5,
      budget_duration: '1d',
      rpm_limit: 60,
      metadata: { owner: 'ci' },
    });
    expect(k.key).toMatch(/^sk-sb-[A-Za-z0-9_-]{43}$/);
    expect(k.key_prefix).toBe(k.key.slice(0, 12));
    expect(k.webhook_secret).toMatch(/^whsec_/);
    expect(k).toMatchObject({
      name: 'first',
      role: 'member',
      max_budget_usd: '10.5',
      budget_duration: '1d',
      rpm_limit: 60,
      spend_usd: '0',
      metadata: { owner: 'ci' },
    });
    expect(Date.parse(k.budget_reset_at!) - Date.parse(k.created_at)).toBe(86_400_000);
    const row = await db.apiKey.findUniqueOrThrow({ where: { id: k.id } });
    expect(row.keyHash).toBe(createHash('sha256').update(k.key).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(k.key);
    expect(JSON.stringify(row)).not.toContain(k.webhook_secret);
    const got = await adminGet<KeyResponse>(`/admin/keys/${k.id}`);
    expect(got.status).toBe(200);
    expect(got.body).not.toHaveProperty('key');
    expect(got.body).not.toHaveProperty('webhook_secret');
    expect(got.body.key_prefix).toBe(k.key_prefix);
  });

  it('accepts the key in every header form the SDKs use', async () => {
    const k = await newKey();
    expect((await chat(bearer(k.key))).status).toBe(200);
    expect((await chat({ 'x-api-key': k.key })).status).toBe(200);
    expect((await chat({ 'x-goog-api-key': k.key })).status).toBe(200);
    expect((await chat({}, `?key=${encodeURIComponent(k.key)}`)).status).toBe(200);
    const models = await fetch(`${gw.url}/v1/models`, { headers: bearer(k.key) });
    expect(models.status).toBe(200);
    expect((await chat(bearer(gw.masterKey))).status).toBe(200);
  });

  it("serves GET /v1/key: the calling key's own view, no secret", async () => {
    const k = await newKey({ name: 'me' });
    const me = await adminGet<KeyResponse>('/v1/key', k.key);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      id: k.id,
      name: 'me',
      key_prefix: k.key_prefix,
      role: 'member',
      spend_usd: '0',
    });
    expect(me.body).not.toHaveProperty('key');
    const master = await adminGet('/v1/key');
    expect(master.body).toMatchObject({ role: 'admin', id: null });
  });

  const DIALECT_PROBES: Array<{
    name: string;
    method: string;
    path: string;
    check: (body: DialectErrorBody) => void;
  }> = [
    {
      name: 'openai',
      method: 'POST',
      path: '/v1/chat/completions',
      check: (b) =>
        expect(b.error).toMatchObject({
          type: 'authentication_error',
          code: 'invalid_api_key',
          message: INVALID_KEY_MESSAGE,
        }),
    },
    {
      name: 'anthropic',
      method: 'POST',
      path: '/v1/messages',
      check: (b) =>
        expect(b).toMatchObject({
          type: 'error',
          error: { type: 'authentication_error', message: `invalid_api_key: ${INVALID_KEY_MESSAGE}` },
        }),
    },
    {
      name: 'google',
      method: 'POST',
      path: '/v1beta/models/demo:generateContent',
      check: (b) =>
        expect(b.error).toMatchObject({
          code: 401,
          status: 'UNAUTHENTICATED',
          message: `invalid_api_key: ${INVALID_KEY_MESSAGE}`,
        }),
    },
    {
      name: 'kling',
      method: 'POST',
      path: '/kling/v1/videos/text2video',
      check: (b) =>
        expect(b).toMatchObject({ code: 1000, message: `invalid_api_key: ${INVALID_KEY_MESSAGE}` }),
    },
    {
      name: 'seedance',
      method: 'POST',
      path: '/seedance/api/v3/contents/generations/tasks',
      check: (b) =>
        expect(b.error).toMatchObject({
          code: 'AuthenticationError',
          message: `invalid_api_key: ${INVALID_KEY_MESSAGE}`,
        }),
    },
    {
      name: 'admin',
      method: 'GET',
      path: '/admin/keys',
      check: (b) => expect(b.error).toMatchObject({ code: 'invalid_api_key', message: INVALID_KEY_MESSAGE }),
    },
  ];

  async function expectRefusedEverywhere(key: string): Promise<void> {
    for (const p of DIALECT_PROBES) {
      const res = await fetch(`${gw.url}${p.path}`, {
        method: p.method,
        headers: { ...bearer(key), 'content-type': 'application/json' },
        body: p.method === 'POST' ? chatBody() : undefined,
      });
      const body = (await res.json()) as DialectErrorBody;
      expect({ dialect: p.name, status: res.status }).toEqual({ dialect: p.name, status: 401 });
      p.check(body);
    }
  }

  it('refuses revoked, expired, rotated-out and unknown keys with one identical 401 in every dialect', async () => {
    const revoked = await newKey();
    expect((await chat(bearer(revoked.key))).status).toBe(200); // now cached
    const r = await admin.revokeKey(revoked.id);
    expect(r.revoked_at).toEqual(expect.any(String));
    await expectRefusedEverywhere(revoked.key);

    const expired = await newKey({ expires_at: new Date(Date.now() + 1500).toISOString() });
    expect((await chat(bearer(expired.key))).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1600));
    await expectRefusedEverywhere(expired.key);

    const patchedExpired = await newKey();
    expect((await chat(bearer(patchedExpired.key))).status).toBe(200);
    expect(
      (
        await admin.request('PATCH', `/admin/keys/${patchedExpired.id}`, {
          expires_at: new Date(Date.now() - 1000).toISOString(),
        })
      ).status,
    ).toBe(200);
    await expectRefusedEverywhere(patchedExpired.key);

    const rotated = await newKey();
    expect((await chat(bearer(rotated.key))).status).toBe(200);
    const fresh = await admin.rotateKey(rotated.id);
    secrets.push(fresh.key, fresh.webhook_secret);
    expect(fresh.key).not.toBe(rotated.key);
    expect(fresh.id).toBe(rotated.id);
    await expectRefusedEverywhere(rotated.key);
    expect((await chat(bearer(fresh.key))).status).toBe(200);

    await expectRefusedEverywhere('sk-sb-thisKeyDoesNotExist0000000000000000000000000');
    const missing = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: chatBody(),
    });
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as AdminErrorBody).error.message).toBe(INVALID_KEY_MESSAGE);
  });

  it('keeps a rotated-out key working for the grace period, then refuses it', async () => {
    const k = await newKey();
    const fresh = await admin.rotateKey(k.id, 2);
    secrets.push(fresh.key, fresh.webhook_secret);
    expect(fresh.previous_key_expires_at).toEqual(expect.any(String));
    expect((await chat(bearer(k.key))).status).toBe(200);
    expect((await chat(bearer(fresh.key))).status).toBe(200);
    await new Promise((r) => setTimeout(r, 2100));
    expect((await chat(bearer(k.key))).status).toBe(401);
    expect((await chat(bearer(fresh.key))).status).toBe(200);
  });

  it('answers 403 for a model outside key ∩ team, and sees a patch at once', async () => {
    const team = await admin.createTeam({ allowed_models: ['demo', 'gpt/*'] });
    const k = await newKey({ team_id: team.id, allowed_models: ['other'] });
    const refused = await chat(bearer(k.key));
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({
      type: 'permission_error',
      code: 'model_not_allowed',
      param: 'model',
    });
    expect((await admin.request('PATCH', `/admin/keys/${k.id}`, { allowed_models: ['demo'] })).status).toBe(
      200,
    );
    expect((await chat(bearer(k.key))).status).toBe(200);
    expect(
      (await admin.request('PATCH', `/admin/teams/${team.id}`, { allowed_models: ['gpt/*'] })).status,
    ).toBe(200);
    expect((await chat(bearer(k.key))).status).toBe(403);
    const models = (await (await fetch(`${gw.url}/v1/models`, { headers: bearer(k.key) })).json()) as {
      data: OpenAI.Models.Model[];
    };
    expect(models.data).toEqual([]);
  });

  it('validates admin input: unknown or invalid fields get a 400 naming them; money is a decimal string', async () => {
    const unknown = await admin.request<AdminErrorBody>('POST', '/admin/keys', { name: 'x', colour: 'red' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ type: 'invalid_request_error', param: 'colour' });
    expect(unknown.body.error.message).toContain('colour');
    for (const [field, value] of [
      ['budget_duration', '2d'],
      ['role', 'owner'],
      ['max_budget_usd', 'ten'],
      ['max_budget_usd', -1],
      ['rpm_limit', 0],
      ['tpm_limit', 3_000_000_000], // beyond a Postgres integer: a 400, not a 500 from the database
      ['expires_at', 'tomorrow'],
      ['team_id', 'nope'],
      ['allowed_models', 'demo'],
    ] as const) {
      const r = await admin.request<Partial<AdminErrorBody>>('POST', '/admin/keys', { [field]: value });
      expect({ field, status: r.status, param: r.body.error?.param }).toEqual({
        field,
        status: 400,
        param: field,
      });
    }
    const badTeam = await admin.request<AdminErrorBody>('POST', '/admin/teams', { max_budget_usd: '1' });
    expect(badTeam.body.error.param).toBe('name');
    const exact = await newKey({ max_budget_usd: 0.1 });
    expect(exact.max_budget_usd).toBe('0.1');
    const str = await newKey({ max_budget_usd: '1234567.0000000001' });
    expect(str.max_budget_usd).toBe('1234567.0000000001');
    expect(
      (await admin.request<KeyResponse>('PATCH', `/admin/keys/${str.id}`, { max_budget_usd: null })).body
        .max_budget_usd,
    ).toBeNull();
    expect((await admin.request<AdminErrorBody>('GET', '/admin/keys?limit=1001')).body.error.param).toBe(
      'limit',
    );
    expect((await admin.request<AdminErrorBody>('GET', '/admin/keys?cursor=garbage')).body.error.param).toBe(
      'cursor',
    );
    expect((await admin.request('GET', '/admin/keys/00000000-0000-0000-0000-000000000000')).status).toBe(404);
  });

  it('pages keys and teams with opaque cursors and filters', async () => {
    const team = await admin.createTeam();
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push((await newKey({ team_id: team.id, name: `paged-${i}` })).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r: AdminResponse<KeyPage> = await adminGet<KeyPage>(
        `/admin/keys?team_id=${team.id}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(r.status).toBe(200);
      seen.push(...r.body.data.map((k) => k.id));
      cursor = r.body.next_cursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual([...ids].sort());
    await admin.revokeKey(ids[0]);
    expect(
      (await adminGet<KeyPage>(`/admin/keys?team_id=${team.id}&revoked=true`)).body.data.map((k) => k.id),
    ).toEqual([ids[0]]);
    expect((await adminGet<KeyPage>(`/admin/keys?team_id=${team.id}&revoked=false`)).body.data).toHaveLength(
      4,
    );
    const teams = await adminGet<TeamPage>('/admin/teams?limit=1');
    expect(teams.body.data).toHaveLength(1);
    expect(teams.body.next_cursor).toEqual(expect.any(String));
  });

  it('creates 150 keys and patches 50 teams at once: every write answers 2xx (no pool starvation)', async () => {
    // Each admin write is a transaction that also reads the spend; that read once went to the pool
    // while the transaction held a connection, and a burst starved the pool into 500s.
    const teams = await Promise.all(
      Array.from({ length: 50 }, (_, i) => admin.createTeam({ name: `burst-${i}` })),
    );
    const writes = await Promise.all([
      ...Array.from({ length: 150 }, (_, i) =>
        admin.request('POST', '/admin/keys', { name: `burst-${i}`, team_id: teams[i % 50].id }),
      ),
      ...teams.map((t) => admin.request('PATCH', `/admin/teams/${t.id}`, { rpm_limit: 7 })),
    ]);
    for (const w of writes)
      if (w.status === 201 && 'key' in (w.body as object)) secrets.push((w.body as { key: string }).key);
    expect(writes.map((w) => w.status).filter((s) => s >= 300)).toEqual([]);
  });

  it('manages teams: get, patch, delete (its keys stop working)', async () => {
    const team = await admin.createTeam({
      name: 'ops',
      max_budget_usd: '100',
      budget_duration: '1mo',
      tpm_limit: 1000,
    });
    expect(team).toMatchObject({
      name: 'ops',
      max_budget_usd: '100',
      budget_duration: '1mo',
      tpm_limit: 1000,
      spend_usd: '0',
    });
    expect(new Date(team.budget_reset_at!).getUTCDate()).toBe(new Date(team.created_at).getUTCDate());
    const k = await newKey({ team_id: team.id });
    expect((await chat(bearer(k.key))).status).toBe(200);
    const patched = await admin.request('PATCH', `/admin/teams/${team.id}`, { name: 'ops-2', rpm_limit: 10 });
    expect(patched.body).toMatchObject({ name: 'ops-2', rpm_limit: 10, tpm_limit: 1000 });
    expect((await admin.request('DELETE', `/admin/teams/${team.id}`)).status).toBe(200);
    expect((await admin.request('GET', `/admin/teams/${team.id}`)).status).toBe(404);
    expect((await chat(bearer(k.key))).status).toBe(401);
  });

  it('audits every admin write with actor, action, target, before/after without secrets and request id', async () => {
    const actorKey = await newKey({ role: 'admin' });
    const created = await admin.request<KeyWithSecretsResponse>(
      'POST',
      '/admin/keys',
      { name: 'audited' },
      actorKey.key,
    );
    secrets.push(created.body.key, created.body.webhook_secret);
    const id = created.body.id;
    await admin.request('PATCH', `/admin/keys/${id}`, { name: 'audited-2' }, actorKey.key);
    const rot = await admin.rotateKey(id, 0);
    secrets.push(rot.key, rot.webhook_secret);
    await admin.revokeKey(id);
    const logs = await adminGet<AuditLogPage>(`/admin/audit-logs?target_id=${id}`);
    expect(logs.body.data.map((l) => l.action)).toEqual([
      'key.revoke',
      'key.rotate',
      'key.update',
      'key.create',
    ]);
    const [revoke, rotate, update, create] = logs.body.data;
    expect(create).toMatchObject({
      actor: { type: 'key', key_id: actorKey.id },
      target_type: 'key',
      before: null,
      after: { name: 'audited' },
      request_id: expect.any(String),
    });
    expect(update).toMatchObject({ before: { name: 'audited' }, after: { name: 'audited-2' } });
    expect(rotate.after?.key_prefix).not.toBe(rotate.before?.key_prefix);
    expect(revoke).toMatchObject({
      actor: { type: 'master', key_id: null },
      before: { revoked_at: null },
      after: { revoked_at: expect.any(String) },
    });
    const withRequestId = await fetch(`${gw.url}/admin/teams`, {
      method: 'POST',
      headers: { ...bearer(gw.masterKey), 'content-type': 'application/json', 'x-request-id': 'audit-req-1' },
      body: JSON.stringify({ name: 'rid' }),
    });
    const team = (await withRequestId.json()) as TeamResponse;
    const teamLog = await adminGet<AuditLogPage>(`/admin/audit-logs?target_id=${team.id}`);
    expect(teamLog.body.data[0]).toMatchObject({ action: 'team.create', request_id: 'audit-req-1' });
    const all = await adminGet('/admin/audit-logs?limit=1000');
    for (const s of secrets) expect(JSON.stringify(all.body)).not.toContain(s);
  });

  it('never writes a key or webhook secret to a log line or a later response', async () => {
    expect(secrets.length).toBeGreaterThan(20);
    const lists = await adminGet('/admin/keys?limit=1000');
    expect(lists.status).toBe(200);
    for (const s of secrets) {
      for (const line of gw.logs) expect(line).not.toContain(s);
      for (const body of responses) expect(body).not.toContain(s);
    }
    expect(gw.logs.filter((l) => l.includes('admin write')).length).toBeGreaterThan(20);
  });
});
