import OpenAI from 'openai';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../src/generated/prisma/client';
import { startFakeOpenAi, type FakeOpenAi } from './fakes/fake-openai';
import type {
  AdminErrorBody,
  DeploymentPage,
  DeploymentResponse,
  ModelPage,
  ModelResponse,
  RouterSettingsResponse,
} from './support/admin-client';
import { startGateway, type TestGateway } from './support/gateway';

const SECRET = 'sk-upstream-admin-secret-abc123';

describe('routing admin API: deployments, models, router settings, credentials, replicas', () => {
  let fake: FakeOpenAi;
  let gw: TestGateway;
  let gw2: TestGateway;
  let prisma: PrismaClient;

  beforeAll(async () => {
    fake = await startFakeOpenAi({ apiKey: SECRET });
    const yaml = `
models:
  - model_name: cfg-model
    deployments:
      - provider: openai
        upstream_model: gpt-4o-mini
        api_key: ${SECRET}
        base_url: ${fake.baseUrl}/v1
router:
  strategy: least-busy
  retries: 1
`;
    gw = await startGateway({ yaml });
    // A second replica: same database, Redis prefix and config file.
    gw2 = await startGateway({
      yaml,
      databaseUrl: gw.config.databaseUrl,
      redisPrefix: gw.config.redisPrefix,
    });
    prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: gw.config.databaseUrl }) });
  });

  afterAll(async () => {
    await prisma?.$disconnect();
    await gw2?.close();
    await gw?.close();
    await fake?.close();
  });

  const headers = () => ({ authorization: `Bearer ${gw.masterKey}`, 'content-type': 'application/json' });
  const call = (g: TestGateway, method: string, path: string, body?: unknown) =>
    fetch(`${g.url}${path}`, {
      method,
      headers: headers(),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const chat = (g: TestGateway, model: string) =>
    new OpenAI({ apiKey: g.masterKey, baseURL: `${g.url}/v1`, maxRetries: 0 }).chat.completions
      .create({ model, messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();

  it('syncs the YAML into Postgres as source: config, with the key encrypted', async () => {
    const rows = await prisma.$queryRawUnsafe<Array<{ api_key_enc: string; source: string }>>(
      `SELECT api_key_enc, source FROM deployments WHERE model_name = 'cfg-model'`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].source).toBe('config');
    expect(rows[0].api_key_enc).toMatch(/^v1:/);
    expect(rows[0].api_key_enc).not.toContain(SECRET);
    const res = await call(gw, 'GET', '/admin/models');
    const body = (await res.json()) as ModelPage;
    expect(res.status).toBe(200);
    const m = body.data.find((x) => x.name === 'cfg-model');
    expect(m).toMatchObject({ source: 'config', deployments: [{ has_api_key: true, provider: 'openai' }] });
    expect(JSON.stringify(body)).not.toContain(SECRET);
    expect(body.next_cursor).toBeNull();
  });

  it('creates a deployment (and its public model); the key is write-only and unreadable in the database', async () => {
    const res = await call(gw, 'POST', '/admin/deployments', {
      model_name: 'api-model',
      provider: 'openai',
      upstream_model: 'gpt-4o-mini',
      base_url: `${fake.baseUrl}/v1`,
      api_key: SECRET,
      weight: 2,
      rpm_limit: 1000,
    });
    expect(res.status).toBe(201);
    const d = (await res.json()) as DeploymentResponse;
    expect(d).toMatchObject({
      model_name: 'api-model',
      has_api_key: true,
      weight: 2,
      priority: 0,
      rpm_limit: 1000,
      timeout_ms: 120000,
      enabled: true,
      source: 'api',
    });
    expect(d).not.toHaveProperty('api_key');
    expect(JSON.stringify(d)).not.toContain(SECRET);
    const got = (await (await call(gw, 'GET', `/admin/deployments/${d.id}`)).json()) as DeploymentResponse;
    expect(got).toMatchObject({ id: d.id, has_api_key: true });
    expect(JSON.stringify(got)).not.toContain(SECRET);
    const raw = await prisma.$queryRawUnsafe<Array<{ api_key_enc: string }>>(
      `SELECT api_key_enc FROM deployments WHERE id = $1::uuid`,
      d.id,
    );
    expect(raw[0].api_key_enc).not.toContain(SECRET);
    expect(raw[0].api_key_enc).not.toContain(Buffer.from(SECRET).toString('base64').slice(0, 16));
    const ok = await chat(gw, 'api-model');
    expect(ok.data.choices[0].message.content).toBe('Hello from the fake upstream!');
    expect(ok.response.headers.get('x-switchboard-deployment')).toBe(d.id);
    expect(gw.logs.join('\n')).not.toContain(SECRET);
  });

  it('validates input with 400s that name the field', async () => {
    const bad1 = await call(gw, 'POST', '/admin/deployments', {
      model_name: 'x',
      provider: 'gemni',
      upstream_model: 'y',
    });
    expect(bad1.status).toBe(400);
    expect(((await bad1.json()) as AdminErrorBody).error).toMatchObject({
      param: 'provider',
      message: expect.stringContaining('provider'),
    });
    const bad2 = await call(gw, 'POST', '/admin/deployments', {
      model_name: 'x',
      provider: 'openai',
      upstream_model: 'y',
      wieght: 3,
    });
    expect(bad2.status).toBe(400);
    expect(((await bad2.json()) as AdminErrorBody).error.message).toContain('wieght');
    const bad3 = await call(gw, 'POST', '/admin/deployments', {
      model_name: 'x',
      provider: 'openai',
      upstream_model: 'y',
      weight: -1,
    });
    expect(((await bad3.json()) as AdminErrorBody).error.param).toBe('weight');
    const bad4 = await call(gw, 'PUT', '/admin/router', { strategy: 'fastest' });
    expect(bad4.status).toBe(400);
    expect(((await bad4.json()) as AdminErrorBody).error.param).toBe('strategy');
    expect((await call(gw, 'GET', '/admin/deployments/00000000-0000-0000-0000-000000000000')).status).toBe(
      404,
    );
  });

  it('refuses providers this build cannot serve, on create and on update, naming provider', async () => {
    for (const provider of ['acme']) {
      const res = await call(gw, 'POST', '/admin/deployments', {
        model_name: `unserved-${provider}`,
        provider,
        upstream_model: 'x',
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as AdminErrorBody).error).toMatchObject({
        param: 'provider',
        message: expect.stringContaining(`unknown provider "${provider}"`),
      });
      expect(await prisma.model.findUnique({ where: { name: `unserved-${provider}` } })).toBeNull();
    }
    const created = (await (
      await call(gw, 'POST', '/admin/deployments', {
        model_name: 'served',
        provider: 'mock',
        upstream_model: 'm',
      })
    ).json()) as DeploymentResponse;
    const patch = await call(gw, 'PATCH', `/admin/deployments/${created.id}`, { provider: 'acme' });
    expect(patch.status).toBe(400);
    expect(((await patch.json()) as AdminErrorBody).error.param).toBe('provider');
    await call(gw, 'DELETE', `/admin/deployments/${created.id}`);
  });

  it('refuses callers without admin rights', async () => {
    const res = await fetch(`${gw.url}/admin/deployments`, {
      headers: { authorization: 'Bearer sk-sb-nope' },
    });
    expect(res.status).toBe(401);
  });

  it('pages deployments with cursors', async () => {
    for (let i = 0; i < 3; i++) {
      await call(gw, 'POST', '/admin/deployments', {
        model_name: 'paged',
        provider: 'mock',
        upstream_model: `m${i}`,
      });
    }
    const p1 = (await (
      await call(gw, 'GET', '/admin/deployments?model_name=paged&limit=2')
    ).json()) as DeploymentPage;
    expect(p1.data).toHaveLength(2);
    expect(p1.next_cursor).toEqual(expect.any(String));
    const p2 = (await (
      await call(gw, 'GET', `/admin/deployments?model_name=paged&limit=2&cursor=${p1.next_cursor}`)
    ).json()) as DeploymentPage;
    expect(p2.data).toHaveLength(1);
    expect(p2.next_cursor).toBeNull();
    expect(new Set([...p1.data, ...p2.data].map((d) => d.upstream_model))).toEqual(
      new Set(['m0', 'm1', 'm2']),
    );
    expect((await call(gw, 'GET', '/admin/deployments?cursor=garbage')).status).toBe(400);
  });

  it('sets pricing (merged), fallbacks and aliases on a model; aliases resolve', async () => {
    const p = (await (
      await call(gw, 'PUT', '/admin/models/api-model/pricing', {
        input_per_mtok: '0.20',
        output_per_mtok: 1.5,
      })
    ).json()) as ModelResponse;
    expect(p.pricing_overrides).toEqual({ input_per_mtok: '0.20', output_per_mtok: '1.5' });
    const p2 = (await (
      await call(gw, 'PUT', '/admin/models/api-model/pricing', { cached_input_per_mtok: '0.05' })
    ).json()) as ModelResponse;
    expect(p2.pricing_overrides).toEqual({
      input_per_mtok: '0.20',
      output_per_mtok: '1.5',
      cached_input_per_mtok: '0.05',
    });
    expect(p2.pricing).toMatchObject({ input_per_mtok: '0.20' });
    expect(
      (await call(gw, 'PUT', '/admin/models/api-model/pricing', { input_per_mtok: 'cheap' })).status,
    ).toBe(400);

    const f = (await (
      await call(gw, 'PUT', '/admin/models/api-model/fallbacks', {
        fallbacks: ['cfg-model'],
        context_window_fallbacks: ['cfg-model'],
        content_policy_fallbacks: [],
      })
    ).json()) as ModelResponse;
    expect(f).toMatchObject({
      fallbacks: ['cfg-model'],
      context_window_fallbacks: ['cfg-model'],
      content_policy_fallbacks: [],
    });
    const unknown = await call(gw, 'PUT', '/admin/models/api-model/fallbacks', { fallbacks: ['nope'] });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as AdminErrorBody).error.param).toBe('fallbacks[0]');

    const a = (await (
      await call(gw, 'PUT', '/admin/models/api-model/aliases', { aliases: ['my-alias'] })
    ).json()) as ModelResponse;
    expect(a.aliases).toEqual(['my-alias']);
    const viaAlias = await chat(gw, 'my-alias');
    expect(viaAlias.data.model).toBe('my-alias');
    const clash = await call(gw, 'PUT', '/admin/models/cfg-model/aliases', { aliases: ['my-alias'] });
    expect(clash.status).toBe(400);
    expect((await call(gw, 'PUT', '/admin/models/nope/aliases', { aliases: [] })).status).toBe(404);
  });

  it('creates a prefix/* wildcard model that passes the rest of the name upstream', async () => {
    const res = await call(gw, 'POST', '/admin/deployments', {
      model_name: 'openrouter/*',
      provider: 'openai-compatible',
      base_url: `${fake.baseUrl}/v1`,
      api_key: SECRET,
    });
    expect(res.status).toBe(201);
    const r = await chat(gw, 'openrouter/meta-llama/llama-3-70b');
    expect(r.data.model).toBe('openrouter/meta-llama/llama-3-70b');
    expect(r.response.headers.get('x-switchboard-upstream-model')).toBe('meta-llama/llama-3-70b');
    expect(fake.chatRequests().at(-1)!.body).toMatchObject({ model: 'meta-llama/llama-3-70b' });
    const m = (await (await call(gw, 'GET', '/admin/models/openrouter/*')).json()) as ModelResponse;
    expect(m).toMatchObject({ name: 'openrouter/*', wildcard: true });
  });

  it('reads and writes router settings (YAML is the boot default)', async () => {
    expect(await (await call(gw, 'GET', '/admin/router')).json()).toEqual({
      strategy: 'least-busy',
      retries: 1,
      cooldown: { failures: 3, window_seconds: 60, cooldown_seconds: 30 },
    });
    const put = await call(gw, 'PUT', '/admin/router', {
      strategy: 'usage-based',
      cooldown: { cooldown_seconds: 10 },
    });
    expect(await put.json()).toEqual({
      strategy: 'usage-based',
      retries: 1,
      cooldown: { failures: 3, window_seconds: 60, cooldown_seconds: 10 },
    });
    const row = await prisma.routerSettings.findUnique({ where: { id: 1 } });
    expect((row!.settings as { effective: { strategy: string } }).effective.strategy).toBe('usage-based');
    await waitFor(
      async () =>
        ((await (await call(gw2, 'GET', '/admin/router')).json()) as RouterSettingsResponse).strategy ===
        'usage-based',
      1000,
    );
  });

  it('a deployment added or disabled through the API takes effect on a second instance within a second', async () => {
    const created = (await (
      await call(gw, 'POST', '/admin/deployments', {
        model_name: 'replica-model',
        provider: 'openai',
        upstream_model: 'gpt-4o-mini',
        base_url: `${fake.baseUrl}/v1`,
        api_key: SECRET,
      })
    ).json()) as DeploymentResponse;
    const t0 = Date.now();
    await waitFor(
      async () =>
        await chat(gw2, 'replica-model').then(
          () => true,
          () => false,
        ),
      1000,
    );
    expect(Date.now() - t0).toBeLessThan(1000);

    await call(gw, 'PATCH', `/admin/deployments/${created.id}`, { enabled: false });
    const t1 = Date.now();
    await waitFor(
      async () =>
        await chat(gw2, 'replica-model').then(
          () => false,
          (e: { status?: number }) => e.status === 503,
        ),
      1000,
    );
    expect(Date.now() - t1).toBeLessThan(1000);

    await call(gw, 'DELETE', `/admin/deployments/${created.id}`);
    expect((await call(gw2, 'GET', `/admin/deployments/${created.id}`)).status).toBe(404);
  });

  it('audits every catalog write without the credential', async () => {
    const rows = await prisma.auditLog.findMany({
      where: { targetType: { in: ['deployment', 'model', 'router'] } },
    });
    const actions = new Set(rows.map((r) => r.action));
    for (const a of [
      'deployment.create',
      'deployment.update',
      'deployment.delete',
      'model.pricing',
      'model.fallbacks',
      'model.aliases',
      'router.update',
    ])
      expect(actions).toContain(a);
    expect(JSON.stringify(rows.map((r) => [r.before, r.after]))).not.toContain(SECRET);
  });

  it('never logged a credential', () => {
    expect(gw.logs.join('\n')).not.toContain(SECRET);
    expect(gw2.logs.join('\n')).not.toContain(SECRET);
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}
