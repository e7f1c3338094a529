import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { startFakeOpenAi, type FakeOpenAi } from './fakes/fake-openai';
import { AdminClient } from './support/admin-client';
import { fakeOpenAiCatalogYaml } from './support/catalog-yaml';
import { startGateway, type TestGateway } from './support/gateway';
import { startPrivateRedis, type PrivateRedis } from './support/redis-server';

/**
 * A Redis the limits cannot run on is not an outage to serve through. Each case runs a private
 * redis-server (never the shared one): a Cluster node, and a server whose Lua is disabled.
 */
describe('redis topology: a Redis the limits cannot run on', () => {
  let fake: FakeOpenAi;
  let redis: PrivateRedis | undefined;
  let gw: TestGateway | undefined;

  beforeAll(async () => {
    fake = await startFakeOpenAi({ apiKey: 'sk-upstream' });
  });

  afterEach(async () => {
    await gw?.close();
    await redis?.stop();
    gw = redis = undefined;
  });

  afterAll(async () => {
    await fake?.close();
  });

  it('a Redis Cluster node in REDIS_URL stops the boot with a message saying why', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-cluster-'));
    redis = await startPrivateRedis([
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      join(dir, 'nodes.conf'),
    ]);
    await expect(
      startGateway({
        yaml: fakeOpenAiCatalogYaml(fake.baseUrl),
        env: { REDIS_URL: redis.url, SWITCHBOARD_LIMITS_ON_REDIS_FAILURE: 'open' },
      }),
    ).rejects.toThrow(/REDIS_URL points at a Redis Cluster node/);
  });

  it('scripts the server refuses: 503 even when limits fail open, and readiness turns not-ready', async () => {
    // Some managed Redis offerings disable Lua: every limits script is answered with an error.
    redis = await startPrivateRedis(['--rename-command', 'EVALSHA', '', '--rename-command', 'EVAL', '']);
    gw = await startGateway({
      yaml: fakeOpenAiCatalogYaml(fake.baseUrl),
      env: { REDIS_URL: redis.url, SWITCHBOARD_LIMITS_ON_REDIS_FAILURE: 'open' },
    });
    const ready = async () =>
      (await fetch(`${gw!.url}/health/ready`)).json() as Promise<Record<string, unknown>>;
    expect(await ready()).toMatchObject({ status: 'ok', limits: true });
    // The master key runs no limits; a virtual key with a limit needs the script.
    const key = (await new AdminClient(gw.url, gw.masterKey).createKey({ name: 'limited', rpm_limit: 5 }))
      .key;
    const client = new OpenAI({ apiKey: key, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    const before = fake.chatRequests().length;
    await expect(
      client.chat.completions.create({ model: 'gpt-fake', messages: [{ role: 'user', content: 'hi' }] }),
    ).rejects.toMatchObject({ status: 503 });
    expect(fake.chatRequests().length).toBe(before);
    const res = await fetch(`${gw.url}/health/ready`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'unavailable', redis: true, limits: false });
  });
});
