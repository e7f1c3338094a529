import OpenAI from 'openai';
import { startFakeOpenAi, type FakeOpenAi } from './fakes/fake-openai';
import { AdminClient, type KeyResponse, type TeamResponse } from './support/admin-client';
import { fakeOpenAiCatalogYaml } from './support/catalog-yaml';
import { startGateway, type TestGateway } from './support/gateway';

describe('spend_usd in the key and team views follows the metered cost exactly', () => {
  let fake: FakeOpenAi;
  let gw: TestGateway;
  let admin: AdminClient;

  beforeAll(async () => {
    fake = await startFakeOpenAi({ apiKey: 'sk-upstream' });
    gw = await startGateway({ yaml: fakeOpenAiCatalogYaml(fake.baseUrl) });
    admin = new AdminClient(gw.url, gw.masterKey);
  });
  afterAll(async () => {
    await gw?.close();
    await fake?.close();
  });

  it('sums the current period of the key and of its team', async () => {
    const team = await admin.createTeam({ name: 'spenders', max_budget_usd: '10', budget_duration: '30d' });
    const created = await admin.createKey({ name: 'spender', team_id: team.id });
    const client = new OpenAI({ apiKey: created.key, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    for (let i = 0; i < 2; i++) {
      fake.script({ kind: 'text', text: 'priced', usage: { prompt_tokens: 1000, completion_tokens: 2000 } });
      await client.chat.completions.create({ model: 'gpt-fake', messages: [{ role: 'user', content: 'x' }] });
    }
    // 2 × (1000 × 0.15 + 2000 × 0.60) / 1M = 0.0027
    let key: KeyResponse | undefined;
    for (let i = 0; i < 60; i++) {
      key = (await admin.request<KeyResponse>('GET', `/admin/keys/${created.id}`)).body;
      if (key.spend_usd === '0.0027') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(key?.spend_usd).toBe('0.0027');
    expect((await admin.request<TeamResponse>('GET', `/admin/teams/${team.id}`)).body.spend_usd).toBe(
      '0.0027',
    );
    const self = await fetch(`${gw.url}/v1/key`, { headers: { authorization: `Bearer ${created.key}` } });
    expect(((await self.json()) as KeyResponse).spend_usd).toBe('0.0027');
  });
});
