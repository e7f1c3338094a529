/* eslint-disable @typescript-eslint/no-explicit-any */
import OpenAI from 'openai';
import { randomBytes } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../src/generated/prisma/client';
import { SecretBox } from '../src/common/crypto/secret-box';
import { startFakeOpenAi, type FakeOpenAi } from './fakes/fake-openai';
import { startGateway, type TestGateway } from './support/gateway';

describe('routing config: LiteLLM proxy configs from the seed documents, key rotation', () => {
  let fake: FakeOpenAi;
  const gws: TestGateway[] = [];

  beforeAll(async () => {
    fake = await startFakeOpenAi({ apiKey: 'sk-openai-upstream' });
  });
  afterAll(async () => {
    for (const g of gws.reverse()) await g.close();
    await fake?.close();
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
    const models = (await (await fetch(`${gw.url}/admin/models?limit=1000`, { headers })).json()) as any;
    const byName = new Map<string, any>(models.data.map((m: any) => [m.name, m]));
    expect(byName.get('gemini-2.5-flash').deployments[0]).toMatchObject({
      provider: 'gemini',
      upstream_model: 'gemini-2.5-flash-preview-04-17',
      has_api_key: true,
      source: 'config',
    });
    expect(byName.get('gemini-pro').fallbacks).toEqual(['gpt-4o']);
    expect(byName.get('gpt-4o').deployments[0]).toMatchObject({
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
    ).json()) as any;
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
