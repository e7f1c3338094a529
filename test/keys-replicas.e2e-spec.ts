import { AdminClient } from './support/admin-client';
import { startGateway, type TestGateway } from './support/gateway';

describe('virtual keys across replicas', () => {
  let a: TestGateway;
  let b: TestGateway;

  beforeAll(async () => {
    a = await startGateway();
    b = await startGateway({ databaseUrl: a.config.databaseUrl, redisPrefix: a.config.redisPrefix });
  });

  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  const call = async (gw: TestGateway, key: string, model = 'demo') =>
    (
      await fetch(`${gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
      })
    ).status;

  /** Polls every 25 ms until `check` holds; returns the elapsed ms, or fails after `limitMs`. */
  async function within(limitMs: number, check: () => Promise<boolean>): Promise<number> {
    const start = Date.now();
    while (!(await check())) {
      if (Date.now() - start > limitMs) throw new Error(`not within ${limitMs} ms`);
      await new Promise((r) => setTimeout(r, 25));
    }
    return Date.now() - start;
  }

  it('a key revoked on replica A stops working on replica B within one second', async () => {
    const adminA = new AdminClient(a.url, a.masterKey);
    const k = await adminA.createKey({ name: 'replicated' });
    expect(await call(b, k.key)).toBe(200); // B has it cached now
    expect(await call(b, k.key)).toBe(200);
    await adminA.revokeKey(k.id);
    const ms = await within(1000, async () => (await call(b, k.key)) === 401);
    expect(ms).toBeLessThan(1000);
    expect(await call(a, k.key)).toBe(401);
  });

  it('a rotation and a patch on A are seen by B at once', async () => {
    const adminA = new AdminClient(a.url, a.masterKey);
    const k = await adminA.createKey();
    expect(await call(b, k.key)).toBe(200);
    const fresh = await adminA.rotateKey(k.id);
    await within(1000, async () => (await call(b, k.key)) === 401);
    expect(await call(b, fresh.key)).toBe(200);
    await adminA.request('PATCH', `/admin/keys/${k.id}`, { allowed_models: ['something-else'] });
    await within(1000, async () => (await call(b, fresh.key)) === 403);
  });

  it('a team change on A reaches B for every key of the team', async () => {
    const adminA = new AdminClient(a.url, a.masterKey);
    const team = await adminA.createTeam();
    const k = await adminA.createKey({ team_id: team.id });
    expect(await call(b, k.key)).toBe(200);
    await adminA.request('DELETE', `/admin/teams/${team.id}`);
    await within(1000, async () => (await call(b, k.key)) === 401);
  });
});
