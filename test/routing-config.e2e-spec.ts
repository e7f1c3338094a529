import OpenAI from 'openai';
import { randomBytes } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../src/generated/prisma/client';
import { SecretBox } from '../src/common/crypto/secret-box';
import { startFakeOpenAi, type FakeOpenAi } from './fakes/fake-openai';
import {
  AdminClient,
  type AdminErrorBody,
  type AuditLogPage,
  type DeploymentResponse,
  type ModelPage,
  type ModelResponse,
} from './support/admin-client';
import { startGateway, type GatewayOptions, type TestGateway } from './support/gateway';
import { databaseUrl } from './support/test-databases';

describe('routing config: YAML sync across restarts, the demo model, LiteLLM proxy configs, key rotation', () => {
  let fake: FakeOpenAi;
  const gws: TestGateway[] = [];

  beforeAll(async () => {
    fake = await startFakeOpenAi({ apiKey: 'sk-openai-upstream' });
  });
  afterAll(async () => {
    for (const g of gws.reverse()) await g.close();
    await fake?.close();
  });

  const boot = async (opts: GatewayOptions) => {
    const gw = await startGateway(opts);
    gws.push(gw);
    return gw;
  };
  /** Stops an instance (a restart follows on the same database). */
  const stop = async (gw: TestGateway) => {
    gws.splice(gws.indexOf(gw), 1);
    await gw.close();
  };
  const chatStatus = async (gw: TestGateway, model: string) => {
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.masterKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
    });
    const body = (await res.json()) as Partial<AdminErrorBody>;
    return { status: res.status, code: body.error?.code };
  };
  const publicModels = async (gw: TestGateway) =>
    (
      (await (
        await fetch(`${gw.url}/v1/models`, { headers: { authorization: `Bearer ${gw.masterKey}` } })
      ).json()) as { data: OpenAI.Models.Model[] }
    ).data.map((m) => m.id);
  const catalogYaml = (models: Array<{ name: string; extra?: string }>) =>
    'models:\n' +
    models
      .map(
        (m) =>
          `  - model_name: ${m.name}\n    deployments:\n      - provider: openai\n        upstream_model: gpt-4o-mini\n` +
          `        api_key: sk-openai-upstream\n        base_url: ${fake.baseUrl}/v1\n${m.extra ?? ''}`,
      )
      .join('');

  it('removes at boot (audited) the YAML models that left the file: their names answer 404; API models stay', async () => {
    const first = await boot({
      yaml: catalogYaml([
        { name: 'stays' },
        { name: 'gone', extra: '    fallbacks: [stays]\n' },
        { name: 'adopted' },
      ]),
    });
    const admin = new AdminClient(first.url, first.masterKey);
    for (const model_name of ['api-made', 'adopted'])
      expect(
        (
          await admin.request('POST', '/admin/deployments', {
            model_name,
            provider: 'mock',
            upstream_model: 'm',
          })
        ).status,
      ).toBe(201);
    expect((await chatStatus(first, 'gone')).status).toBe(200);
    await stop(first);

    // Restarted with a file that keeps only `stays`.
    const second = await boot({
      databaseUrl: first.config.databaseUrl,
      yaml: catalogYaml([{ name: 'stays' }]),
    });
    const admin2 = new AdminClient(second.url, second.masterKey);
    expect(await chatStatus(second, 'gone')).toEqual({ status: 404, code: 'model_not_found' });
    expect((await admin2.request('GET', '/admin/models/gone')).status).toBe(404);
    for (const model of ['stays', 'api-made', 'adopted'])
      expect((await chatStatus(second, model)).status).toBe(200);
    // `adopted` had a deployment of its own from the admin API: it stays, as an API model with that deployment.
    expect((await admin2.request<ModelResponse>('GET', '/admin/models/adopted')).body).toMatchObject({
      source: 'api',
      deployments: [{ provider: 'mock', source: 'api' }],
    });
    expect(await publicModels(second)).toEqual(expect.arrayContaining(['stays', 'api-made', 'adopted']));
    expect(await publicModels(second)).not.toContain('gone');
    const audit = (await admin2.request<AuditLogPage>('GET', '/admin/audit-logs?limit=100')).body.data.filter(
      (e) => e.actor.type === 'config',
    );
    expect(
      audit
        .map((e) => `${e.action} ${e.target_type === 'model' ? e.target_id : e.before?.model_name}`)
        .sort(),
    ).toEqual([
      'deployment.delete adopted',
      'deployment.delete gone',
      'model.delete gone',
      'model.update adopted',
    ]);
    expect(JSON.stringify(audit)).not.toContain('sk-openai-upstream');
    // The boot log names what the file declared, without credentials or URLs.
    const bootLog = second.logs.find((l) => l.includes('YAML catalog loaded'))!;
    expect(JSON.parse(bootLog)).toMatchObject({
      models: ['stays'],
      deployments: ['stays#0 (openai gpt-4o-mini)'],
    });
    expect(bootLog).not.toContain('sk-openai-upstream');
    expect(bootLog).not.toContain(fake.baseUrl);
  });

  it('does not seed `demo` again once an admin deleted it; SWITCHBOARD_DEMO_MODEL=false turns it off', async () => {
    const first = await boot({});
    expect((await chatStatus(first, 'demo')).status).toBe(200);
    const admin = new AdminClient(first.url, first.masterKey);
    expect((await admin.request('DELETE', '/admin/models/demo')).status).toBe(204);
    expect(await chatStatus(first, 'demo')).toEqual({ status: 404, code: 'model_not_found' });
    await stop(first);
    const second = await boot({ databaseUrl: first.config.databaseUrl });
    expect(await chatStatus(second, 'demo')).toEqual({ status: 404, code: 'model_not_found' });
    expect(
      (await new AdminClient(second.url, second.masterKey).request('GET', '/admin/models/demo')).status,
    ).toBe(404);

    // Turned off: a seeded demo goes at boot, and is seeded again once turned back on.
    const seeded = await boot({});
    expect((await chatStatus(seeded, 'demo')).status).toBe(200);
    await stop(seeded);
    const off = await boot({
      databaseUrl: seeded.config.databaseUrl,
      env: { SWITCHBOARD_DEMO_MODEL: 'false' },
    });
    expect(await chatStatus(off, 'demo')).toEqual({ status: 404, code: 'model_not_found' });
    await stop(off);
    const on = await boot({ databaseUrl: seeded.config.databaseUrl });
    expect((await chatStatus(on, 'demo')).status).toBe(200);
  });

  it('refuses to delete a YAML model through the admin API (the file owns it)', async () => {
    const gw = await boot({ yaml: catalogYaml([{ name: 'from-file' }]) });
    const res = await new AdminClient(gw.url, gw.masterKey).request<AdminErrorBody>(
      'DELETE',
      '/admin/models/from-file',
    );
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('YAML');
    expect((await chatStatus(gw, 'from-file')).status).toBe(200);
  });

  it('boots a LiteLLM proxy config.yaml unchanged (seed 002 model_list entries, os.environ/ keys)', async () => {
    // The proxy configs from the seed document, as written there (trailing spaces included), plus an
    // OpenAI entry pointed at the fake upstream.
    const yaml = [
      'model_list:  ',
      '  - model_name: gemini-2.5-flash  ',
      '    litellm_params:  ',
      '      model: gemini/gemini-2.5-flash-preview-04-17  ',
      '      api_key: os.environ/GEMINI_API_KEY  ',
      '  - model_name: gemini-tts-flash  ',
      '    litellm_params:  ',
      '      model: gemini/gemini-2.5-flash-preview-tts  ',
      '      api_key: os.environ/GEMINI_API_KEY  ',
      '  - model_name: gemini-pro  ',
      '    litellm_params:  ',
      '      model: gemini/gemini-1.5-pro  ',
      '      api_key: os.environ/GEMINI_API_KEY  ',
      '  - model_name: gemini-2.0-flash-exp-image-generation  ',
      '    litellm_params:  ',
      '      model: gemini/gemini-2.0-flash-exp-image-generation  ',
      '      api_key: os.environ/GEMINI_API_KEY  ',
      '  - model_name: gpt-4o  ',
      '    litellm_params:  ',
      '      model: openai/gpt-4o-mini',
      '      api_key: os.environ/OPENAI_API_KEY',
      `      api_base: ${fake.baseUrl}/v1`,
      '      rpm: 100',
      '  - model_name: openrouter/*',
      '    litellm_params:',
      '      model: openrouter/*',
      '      api_key: os.environ/OPENAI_API_KEY',
      `      api_base: ${fake.baseUrl}/v1`,
      'router_settings:',
      '  routing_strategy: latency-based-routing',
      '  num_retries: 1',
      'litellm_settings:',
      '  fallbacks: [{"gemini-pro": ["gpt-4o"]}]',
      '',
    ].join('\n');
    const gw = await startGateway({
      yaml,
      env: { GEMINI_API_KEY: 'g-secret-key-123', OPENAI_API_KEY: 'sk-openai-upstream' },
    });
    gws.push(gw);
    const headers = { authorization: `Bearer ${gw.masterKey}` };
    const models = (await (
      await fetch(`${gw.url}/admin/models?limit=1000`, { headers })
    ).json()) as ModelPage;
    const byName = new Map(models.data.map((m) => [m.name, m]));
    expect(byName.get('gemini-2.5-flash')?.deployments[0]).toMatchObject({
      provider: 'gemini',
      upstream_model: 'gemini-2.5-flash-preview-04-17',
      has_api_key: true,
      source: 'config',
    });
    expect(byName.get('gemini-pro')?.fallbacks).toEqual(['gpt-4o']);
    expect(byName.get('gpt-4o')?.deployments[0]).toMatchObject({
      provider: 'openai',
      upstream_model: 'gpt-4o-mini',
      rpm_limit: 100,
    });
    expect(await (await fetch(`${gw.url}/admin/router`, { headers })).json()).toMatchObject({
      strategy: 'lowest-latency',
      retries: 1,
    });
    const client = new OpenAI({ apiKey: gw.masterKey, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    const r = await client.chat.completions
      .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    expect(r.data.model).toBe('gpt-4o');
    expect(r.response.headers.get('x-switchboard-upstream-model')).toBe('gpt-4o-mini');
    const w = await client.chat.completions
      .create({
        model: 'openrouter/anthropic/claude-3.5-sonnet',
        messages: [{ role: 'user', content: 'hi' }],
      })
      .withResponse();
    expect(w.response.headers.get('x-switchboard-upstream-model')).toBe('anthropic/claude-3.5-sonnet');
    expect(gw.logs.join('\n')).not.toContain('g-secret-key-123');
  });

  it('re-encrypts credentials sealed with SWITCHBOARD_ENCRYPTION_KEY_PREVIOUS after a key rotation', async () => {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const first = await startGateway({ env: { SWITCHBOARD_ENCRYPTION_KEY: oldKey.toString('base64') } });
    gws.push(first);
    const created = (await (
      await fetch(`${first.url}/admin/deployments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${first.masterKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          model_name: 'rotated',
          provider: 'openai',
          upstream_model: 'gpt-4o-mini',
          base_url: `${fake.baseUrl}/v1`,
          api_key: 'sk-openai-upstream',
        }),
      })
    ).json()) as DeploymentResponse;
    const prisma = new PrismaClient({
      adapter: new PrismaPg({ connectionString: first.config.databaseUrl }),
    });
    try {
      const before = (await prisma.deployment.findUniqueOrThrow({ where: { id: created.id } })).apiKeyEnc!;
      expect(new SecretBox(oldKey).open(before).plaintext).toBe('sk-openai-upstream');
      // A replica restarted with the rotated keys.
      const second = await startGateway({
        databaseUrl: first.config.databaseUrl,
        env: {
          SWITCHBOARD_ENCRYPTION_KEY: newKey.toString('base64'),
          SWITCHBOARD_ENCRYPTION_KEY_PREVIOUS: oldKey.toString('base64'),
        },
      });
      gws.push(second);
      let after = before;
      for (let i = 0; i < 40 && after === before; i++) {
        await new Promise((r) => setTimeout(r, 50));
        after = (await prisma.deployment.findUniqueOrThrow({ where: { id: created.id } })).apiKeyEnc!;
      }
      expect(after).not.toBe(before);
      expect(new SecretBox(newKey).open(after)).toEqual({
        plaintext: 'sk-openai-upstream',
        needsReseal: false,
      });
      const client = new OpenAI({ apiKey: second.masterKey, baseURL: `${second.url}/v1`, maxRetries: 0 });
      const r = await client.chat.completions.create({
        model: 'rotated',
        messages: [{ role: 'user', content: 'hi' }],
      });
      expect(r.choices[0].message.content).toBe('Hello from the fake upstream!');
    } finally {
      await prisma.$disconnect();
    }
  });
});

describe('boot config: SWITCHBOARD_METERING=off', () => {
  let gw: TestGateway | undefined;
  afterAll(async () => {
    await gw?.close();
  });

  it('logs a warning at boot outside production (and production refuses it: see env unit tests)', async () => {
    gw = await startGateway({ env: { SWITCHBOARD_METERING: 'off' } });
    const warning = gw.logs.map((l) => JSON.parse(l)).find((l) => l.env === 'SWITCHBOARD_METERING');
    expect(warning).toMatchObject({ level: 'warn', msg: expect.stringContaining('metering is off') });
  });
});

describe('boot failure', () => {
  /** Sockets of this process to Redis (the gateway's clients, subscriber, limits connection). */
  const redisSockets = () =>
    (process as unknown as { _getActiveHandles(): Array<{ remotePort?: number }> })
      ._getActiveHandles()
      .filter((h) => h.remotePort === 6379).length;

  it('a gateway whose start fails closes the connections it had opened (the process can exit)', async () => {
    const before = redisSockets();
    await expect(
      startGateway({ databaseUrl: databaseUrl(`sbtest_missing_${randomBytes(4).toString('hex')}`) }),
    ).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 200));
    expect(redisSockets()).toBeLessThanOrEqual(before);
  });
});
