import Decimal from 'decimal.js';
import type { CachedContent } from '@google/genai';
import OpenAI from 'openai';
import type {
  ChatCompletionContentPartText,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import { ensureUndiciGlobalDispatcher, startFakeGemini, type FakeGemini } from './fakes/fake-gemini';
import type { Identity } from '../src/modules/auth/identity';
import { GeminiCacheRegistry } from '../src/modules/inference/preparation/gemini-cache-registry';
import {
  AdminClient,
  type ModelResponse,
  type UsageLogPage,
  type UsageLogResponse,
} from './support/admin-client';
import { startGateway, type TestGateway } from './support/gateway';

/** A Google-dialect error. */
interface GoogleErrorBody {
  error: { code: number; message: string; status: string };
}

/** A cachedContents answer of the gateway: `name`, `expireTime` and `usageMetadata` are always there. */
type GatewayCache = CachedContent & Required<Pick<CachedContent, 'name' | 'expireTime' | 'usageMetadata'>>;

/** `GET cachedContents`. */
interface CachedContentList {
  cachedContents: GatewayCache[];
}

const DOC = 'A long document about cookies. '.repeat(400);
const AGREEMENT = 'Here is the full text of a complex legal agreement'.repeat(4000);
/** The YAML's prices: creation at the input price, storage per 1M tokens per hour. */
const INPUT = '0.30';
const STORAGE = '1.50';

/** One Gemini deployment of `gemini-flash` at the YAML's prices. */
const catalog = (gemini: FakeGemini) => `
models:
  - model_name: gemini-flash
    pricing: { input_per_mtok: "${INPUT}", cache_storage_per_mtok_hour: "${STORAGE}" }
    deployments:
      - { provider: gemini, upstream_model: gemini-2.5-flash, api_key: ${gemini.apiKey}, base_url: "${gemini.baseUrl}" }
`;

describe('Gemini cachedContents: owned by their key, admitted and metered (issue 14 item 2)', () => {
  let gemini: FakeGemini;
  let gw: TestGateway;
  let admin: AdminClient;
  let alice: { id: string; key: string };
  let bob: { id: string; key: string };
  let adminKey: { id: string; key: string };

  beforeAll(async () => {
    ensureUndiciGlobalDispatcher();
    // Gemini's answers carry no expireTime: the gateway must keep the TTL the caller asked for.
    gemini = await startFakeGemini({ hideCacheExpireTime: true });
    gw = await startGateway({ yaml: catalog(gemini) });
    admin = new AdminClient(gw.url, gw.masterKey);
    const teamA = await admin.createTeam();
    const teamB = await admin.createTeam();
    alice = await admin.createKey({
      name: 'alice',
      team_id: teamA.id,
      max_budget_usd: '100',
      rpm_limit: 1000,
    });
    bob = await admin.createKey({ name: 'bob', team_id: teamB.id });
    adminKey = await admin.createKey({ name: 'ops', role: 'admin' });
  });

  afterAll(async () => {
    await gw?.close();
    await gemini?.close();
  });

  const google = (key: string, method: string, path: string, body?: unknown, base = gw.url) =>
    fetch(`${base}/v1beta/${path}`, {
      method,
      headers: { 'x-goog-api-key': key, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
  const createCache = (key: string, extra: Record<string, unknown> = {}) =>
    google(key, 'POST', 'cachedContents', {
      model: 'models/gemini-flash',
      contents: [{ role: 'user', parts: [{ text: DOC }] }],
      ttl: '7200s',
      displayName: 'cookies',
      ...extra,
    });
  const upstreamCreates = () =>
    gemini.requests.filter((r) => r.method === 'POST' && r.path === '/v1beta/cachedContents').length;
  const usageOf = async (keyId: string, endpoint: string, count = 1): Promise<UsageLogResponse[]> => {
    for (let i = 0; i < 100; i++) {
      const page = (await admin.request<UsageLogPage>('GET', `/admin/usage/logs?key_id=${keyId}`)).body;
      const rows = page.data.filter((r) => r.endpoint === endpoint);
      if (rows.length >= count) return rows;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no ${endpoint} usage record for ${keyId}`);
  };
  /** tokens × USD per 1M tokens per hour × seconds / 3600, rounded up to the records' 10 places. */
  const storage = (tokens: number, seconds: number) =>
    new Decimal(tokens).mul(STORAGE).mul(seconds).div(3_600_000_000).toDecimalPlaces(10, Decimal.ROUND_UP);

  it('a key with a budget of 0 gets the 429 it gets on chat, and nothing reaches Gemini', async () => {
    const broke = await admin.createKey({ name: 'broke', max_budget_usd: '0' });
    const before = upstreamCreates();
    const res = await createCache(broke.key, { ttl: '86400s' });
    expect(res.status).toBe(429);
    expect(((await res.json()) as GoogleErrorBody).error).toMatchObject({
      code: 429,
      status: 'RESOURCE_EXHAUSTED',
    });
    expect(upstreamCreates()).toBe(before);
    const chat = await google(broke.key, 'POST', 'models/gemini-flash:generateContent', {
      contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
    });
    expect(chat.status).toBe(429);
  });

  it('the reservation counts the content under either spelling: while a creation with a large system_instruction is in flight, a small budget admits no other', async () => {
    const thrifty = await admin.createKey({ name: 'thrifty', max_budget_usd: '0.001' });
    // ~100k tokens: about 0.03 to write and 0.3 to keep two hours, far over the budget.
    const big = () =>
      createCache(thrifty.key, {
        contents: [{ role: 'user', parts: [{ text: 'Summarise.' }] }],
        system_instruction: { parts: [{ text: 'All the terms. '.repeat(26_000) }] },
      });
    const before = upstreamCreates();
    gemini.delayCacheCreates(1500);
    try {
      const first = big();
      while (upstreamCreates() === before) await new Promise((r) => setTimeout(r, 20));
      const second = await big();
      expect(second.status).toBe(429);
      expect((await first).status).toBe(200);
    } finally {
      gemini.delayCacheCreates(0);
    }
  });

  it('creation writes one usage record at the exact cost (write + storage for the TTL) and the cache expires at the requested TTL', async () => {
    const started = Date.now();
    const res = await createCache(alice.key);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-ratelimit-limit-requests')).toBe('1000');
    const cache = (await res.json()) as GatewayCache;
    const tokens = cache.usageMetadata.totalTokenCount as number;
    expect(tokens).toBeGreaterThan(1000);
    // Not Gemini's default hour: the two hours asked for.
    const expiry = Date.parse(cache.expireTime);
    expect(expiry).toBeGreaterThanOrEqual(started + 7_200_000);
    expect(expiry).toBeLessThan(Date.now() + 7_200_000 + 1000);

    const [record] = await usageOf(alice.id, 'cache_create');
    const write = new Decimal(tokens).mul(INPUT).div(1_000_000);
    expect(record).toMatchObject({
      model: 'gemini-flash',
      provider: 'gemini',
      upstream_model: 'gemini-2.5-flash',
      status_code: 200,
      prompt_tokens: tokens,
      cost_usd: write.plus(storage(tokens, 7200)).toFixed(),
    });

    const listed = ((await (await google(alice.key, 'GET', 'cachedContents')).json()) as CachedContentList)
      .cachedContents;
    expect(listed).toEqual([
      expect.objectContaining({
        name: cache.name,
        model: 'models/gemini-flash',
        displayName: 'cookies',
        expireTime: cache.expireTime,
        usageMetadata: { totalTokenCount: tokens },
      }),
    ]);
  });

  it("another team's key gets 404 on get, patch, delete and use, and its list leaves the cache out; an admin sees it", async () => {
    const cache = (await (await createCache(alice.key, { displayName: 'private' })).json()) as GatewayCache;
    const id = cache.name.replace('cachedContents/', '');
    const notFound = async (res: Response) => {
      expect(res.status).toBe(404);
      expect(((await res.json()) as GoogleErrorBody).error).toMatchObject({ code: 404, status: 'NOT_FOUND' });
    };
    const generates = gemini.requestsFor('generateContent').length;
    await notFound(await google(bob.key, 'GET', `cachedContents/${id}`));
    await notFound(await google(bob.key, 'PATCH', `cachedContents/${id}`, { ttl: '60000s' }));
    await notFound(await google(bob.key, 'DELETE', `cachedContents/${id}`));
    await notFound(
      await google(bob.key, 'POST', 'models/gemini-flash:generateContent', {
        contents: [{ role: 'user', parts: [{ text: 'What does the document say?' }] }],
        cachedContent: cache.name,
      }),
    );
    await notFound(
      await google(bob.key, 'POST', 'models/gemini-flash:countTokens', {
        generateContentRequest: {
          model: 'models/gemini-flash',
          contents: [{ role: 'user', parts: [{ text: 'x' }] }],
          cachedContent: cache.name,
        },
      }),
    );
    const viaOpenAi = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bob.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'gemini-flash',
        messages: [{ role: 'user', content: 'What does the document say?' }],
        cached_content: id,
      }),
    });
    expect(viaOpenAi.status).toBe(404);
    // The field the caller used is the one named.
    expect(((await viaOpenAi.json()) as { error: OpenAI.ErrorObject }).error).toMatchObject({
      param: 'cached_content',
    });
    expect(gemini.requestsFor('generateContent')).toHaveLength(generates);
    const bobs = ((await (await google(bob.key, 'GET', 'cachedContents')).json()) as CachedContentList)
      .cachedContents;
    expect(bobs).toEqual([]);

    // The owner still has it, and can use it; an admin key and the master key see it too.
    expect((await google(alice.key, 'GET', `cachedContents/${id}`)).status).toBe(200);
    const used = await google(alice.key, 'POST', 'models/gemini-flash:generateContent', {
      contents: [{ role: 'user', parts: [{ text: 'Which cookies?' }] }],
      cachedContent: cache.name,
    });
    expect(used.status).toBe(200);
    expect((await google(adminKey.key, 'GET', `cachedContents/${id}`)).status).toBe(200);
    const all = ((await (await google(gw.masterKey, 'GET', 'cachedContents')).json()) as CachedContentList)
      .cachedContents;
    expect(all.map((c) => c.name)).toContain(cache.name);
    expect((await google(adminKey.key, 'DELETE', `cachedContents/${id}`)).status).toBe(200);
    await notFound(await google(alice.key, 'GET', `cachedContents/${id}`));
  });

  it('extending the TTL meters the added hours (tokens × hours × storage price)', async () => {
    const cache = (await (await createCache(alice.key, { displayName: 'extend' })).json()) as GatewayCache;
    const tokens = cache.usageMetadata.totalTokenCount as number;
    const later = new Date(Date.parse(cache.expireTime) + 3_600_000).toISOString();
    const res = await google(alice.key, 'PATCH', cache.name, { expireTime: later });
    expect(res.status).toBe(200);
    expect(((await res.json()) as GatewayCache).expireTime).toBe(later);
    const [record] = await usageOf(alice.id, 'cache_extend');
    expect(record).toMatchObject({ status_code: 200, cost_usd: storage(tokens, 3600).toFixed() });
    // Shortening it adds nothing to pay.
    const sooner = new Date(Date.now() + 60_000).toISOString();
    expect((await google(alice.key, 'PATCH', cache.name, { expireTime: sooner })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(await usageOf(alice.id, 'cache_extend')).toHaveLength(1);
  });

  it('a PATCH is billed for the expiry Gemini applied: not for one its updateMask leaves out, and two concurrent extensions pay for the added hour once', async () => {
    const ivy = await admin.createKey({ name: 'ivy' });
    const cache = (await (await createCache(ivy.key, { displayName: 'masked' })).json()) as GatewayCache;
    const tokens = cache.usageMetadata.totalTokenCount as number;
    const path = (mask: string) => `${cache.name}?updateMask=${mask}`;
    // A mask without the expiry: Gemini keeps it (its answer here carries no expireTime).
    expect((await google(ivy.key, 'PATCH', path('displayName'), { ttl: '90000s' })).status).toBe(200);
    // The mask names the expiry but the body gives ttl: Gemini's answer reports the expiry it kept.
    gemini.showCacheExpireTime(true);
    try {
      const res = await google(ivy.key, 'PATCH', path('expireTime'), { ttl: '90000s' });
      expect(res.status).toBe(200);
      // (the fake's clock made it a few ms from the gateway's)
      const kept = Date.parse(((await res.json()) as GatewayCache).expireTime);
      expect(Math.abs(kept - Date.parse(cache.expireTime))).toBeLessThan(1000);
    } finally {
      gemini.showCacheExpireTime(false);
    }
    const later = new Date(Date.parse(cache.expireTime) + 3_600_000).toISOString();
    const both = await Promise.all(
      [1, 2].map(() => google(ivy.key, 'PATCH', path('expireTime'), { expireTime: later })),
    );
    expect(both.map((r) => r.status)).toEqual([200, 200]);
    // The masked ttl patch was admitted (the mask names the expiry) and billed what Gemini applied.
    const records = await usageOf(ivy.id, 'cache_extend', 3);
    await new Promise((r) => setTimeout(r, 300));
    expect(await usageOf(ivy.id, 'cache_extend')).toHaveLength(3);
    const billed = records.reduce((sum: Decimal, r) => sum.plus(r.cost_usd), new Decimal(0));
    // One added hour in all (each record rounds up at 10 places; the fake's ms of clock skew cost less).
    expect(billed.minus(storage(tokens, 3600)).abs().lte('0.000000001')).toBe(true);
  });

  it('a cache named under the other spellings Google reads (cached_content, generate_content_request) is checked too; a field given twice is a 400', async () => {
    const cache = (await (await createCache(alice.key, { displayName: 'spellings' })).json()) as GatewayCache;
    const own = (await (await createCache(bob.key, { displayName: 'bobs' })).json()) as GatewayCache;
    const counts = gemini.requestsFor('countTokens').length;
    const generates = gemini.requestsFor('generateContent').length;
    const contents = [{ role: 'user', parts: [{ text: 'x' }] }];
    for (const body of [
      { generate_content_request: { model: 'models/gemini-flash', contents, cached_content: cache.name } },
      { generateContentRequest: { model: 'models/gemini-flash', contents, cached_content: cache.name } },
    ]) {
      const res = await google(bob.key, 'POST', 'models/gemini-flash:countTokens', body);
      expect(res.status).toBe(404);
      expect(((await res.json()) as GoogleErrorBody).error).toMatchObject({ code: 404, status: 'NOT_FOUND' });
    }
    for (const body of [
      { contents, cachedContent: null, cached_content: cache.name },
      { contents, cachedContent: own.name, cached_content: cache.name },
    ]) {
      const res = await google(bob.key, 'POST', 'models/gemini-flash:generateContent', body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as GoogleErrorBody).error.message).toContain('cachedContent');
    }
    const twice = await google(bob.key, 'POST', 'models/gemini-flash:countTokens', {
      generateContentRequest: { contents, cachedContent: own.name },
      generate_content_request: { contents, cachedContent: cache.name },
    });
    expect(twice.status).toBe(400);
    expect(gemini.requestsFor('countTokens')).toHaveLength(counts);
    expect(gemini.requestsFor('generateContent')).toHaveLength(generates);
  });

  it("expire_time (Google's other spelling) is the lifetime billed, on create and on patch", async () => {
    const frank = await admin.createKey({ name: 'frank' });
    const asked = new Date(Date.now() + 10 * 3_600_000).toISOString();
    const res = await createCache(frank.key, { ttl: undefined, expire_time: asked });
    expect(res.status).toBe(200);
    const cache = (await res.json()) as GatewayCache;
    expect(cache.expireTime).toBe(asked);
    const tokens = cache.usageMetadata.totalTokenCount as number;
    const [created] = await usageOf(frank.id, 'cache_create');
    const stored = new Decimal(created.cost_usd).minus(new Decimal(tokens).mul(INPUT).div(1_000_000));
    expect(stored.gt(storage(tokens, 10 * 3600 - 60))).toBe(true);
    expect(stored.lte(storage(tokens, 10 * 3600))).toBe(true);

    const later = new Date(Date.parse(asked) + 3_600_000).toISOString();
    expect((await google(frank.key, 'PATCH', cache.name, { expire_time: later })).status).toBe(200);
    const [extended] = await usageOf(frank.id, 'cache_extend');
    expect(extended).toMatchObject({ status_code: 200, cost_usd: storage(tokens, 3600).toFixed() });
  });

  it('requests naming an unknown cache are rate limited, and Postgres is asked once per name for a few seconds (concurrent checks share it); creating the name forgets that', async () => {
    const registry = gw.app.get(GeminiCacheRegistry);
    const lookups = jest.spyOn(registry, 'ownerOf');
    const lookupsOf = (name: string) => lookups.mock.calls.filter(([n]) => n === name).length;
    try {
      const gina = await admin.createKey({ name: 'gina', rpm_limit: 3 });
      const ask = () =>
        google(gina.key, 'POST', 'models/gemini-flash:generateContent', {
          contents: [{ role: 'user', parts: [{ text: 'x' }] }],
          cachedContent: 'cachedContents/madeup1',
        });
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await ask()).status);
      expect(statuses).toEqual([404, 404, 404, 429]);
      expect(lookupsOf('cachedContents/madeup1')).toBe(1);

      const ginaIdentity: Identity = { kind: 'key', keyId: gina.id, role: 'member', allowedModels: [] };
      const checks = await Promise.all(
        Array.from({ length: 5 }, () => registry.mayUse(ginaIdentity, 'cachedContents/madeup2')),
      );
      expect(checks).toEqual([false, false, false, false, false]);
      expect(lookupsOf('cachedContents/madeup2')).toBe(1);
      expect(await registry.mayUse(ginaIdentity, 'not a cache name')).toBe(false);
      expect(lookupsOf('not a cache name')).toBe(0);
      await registry.save({
        deploymentId: 'gemini-flash-0',
        contentHash: 'api:cachedContents/madeup2',
        upstreamName: 'cachedContents/madeup2',
        expiresAt: new Date(Date.now() + 3_600_000),
        keyId: gina.id,
        teamId: null,
        model: 'models/gemini-flash',
        displayName: null,
        tokens: 1,
      });
      expect(await registry.mayUse(ginaIdentity, 'cachedContents/madeup2')).toBe(true);
    } finally {
      lookups.mockRestore();
    }
  });

  it('bad ttl / expireTime / pageToken are 400s naming the field', async () => {
    const badTtl = await createCache(alice.key, { ttl: 'forever' });
    expect(badTtl.status).toBe(400);
    expect(((await badTtl.json()) as GoogleErrorBody).error.message).toContain('ttl');
    const past = await createCache(alice.key, { ttl: undefined, expireTime: '2001-01-01T00:00:00Z' });
    expect(past.status).toBe(400);
    expect(((await past.json()) as GoogleErrorBody).error.message).toContain('expireTime');
    const badToken = await google(alice.key, 'GET', 'cachedContents?pageToken=nope');
    expect(badToken.status).toBe(400);
  });

  it('cache_control caches are never shared across keys: each key gets, and pays for, its own', async () => {
    const carol = await admin.createKey({ name: 'carol' });
    const dave = await admin.createKey({ name: 'dave' });
    const messages: ChatCompletionMessageParam[] = [
      {
        role: 'system',
        content: [
          {
            type: 'text',
            text: AGREEMENT,
            cache_control: { type: 'ephemeral', ttl: '3600s' }, // the gateway's extension
          } as ChatCompletionContentPartText,
        ],
      },
      { role: 'user', content: 'What are the key terms?' },
    ];
    const before = upstreamCreates();
    const named: string[] = [];
    for (const key of [carol.key, dave.key, carol.key]) {
      const client = new OpenAI({ apiKey: key, baseURL: `${gw.url}/v1`, maxRetries: 0 });
      await client.chat.completions.create({ model: 'gemini-flash', messages });
      named.push(
        (gemini.requestsFor('generateContent').at(-1)!.body as { cachedContent: string }).cachedContent,
      );
    }
    expect(upstreamCreates()).toBe(before + 2);
    expect(named[0]).toMatch(/^cachedContents\//);
    expect(named[1]).not.toBe(named[0]);
    expect(named[2]).toBe(named[0]);
    for (const key of [carol, dave]) {
      const [record] = await usageOf(key.id, 'cache_create');
      expect(record).toMatchObject({ status_code: 200, model: 'gemini-flash' });
      expect(new Decimal(record.cost_usd).gt(0)).toBe(true);
    }
    // Dave cannot use Carol's cache by name either.
    const stolen = await google(dave.key, 'POST', 'models/gemini-flash:generateContent', {
      contents: [{ role: 'user', parts: [{ text: 'x' }] }],
      cachedContent: named[0],
    });
    expect(stolen.status).toBe(404);
  });

  it('a cache_control cache deleted or shortened through the API (on another replica too) is not used again: the next request makes a new one', async () => {
    const replica = await startGateway({
      yaml: catalog(gemini),
      databaseUrl: gw.config.databaseUrl,
      redisPrefix: gw.config.redisPrefix,
    });
    try {
      const hana = await admin.createKey({ name: 'hana' });
      const client = new OpenAI({ apiKey: hana.key, baseURL: `${gw.url}/v1`, maxRetries: 0 });
      const chat = async (): Promise<string> => {
        await client.chat.completions.create({
          model: 'gemini-flash',
          messages: [
            {
              role: 'system',
              content: [{ type: 'text', text: AGREEMENT, cache_control: { type: 'ephemeral' } }],
            },
            { role: 'user', content: 'What are the key terms?' },
          ] as ChatCompletionMessageParam[],
        });
        return (gemini.requestsFor('generateContent').at(-1)!.body as { cachedContent: string })
          .cachedContent;
      };
      const first = await chat();
      expect(first).toMatch(/^cachedContents\//);
      expect(await chat()).toBe(first);
      expect((await google(hana.key, 'DELETE', first, undefined, replica.url)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 200));
      const second = await chat();
      expect(second).toMatch(/^cachedContents\//);
      expect(second).not.toBe(first);
      const soon = new Date(Date.now() + 5000).toISOString();
      expect((await google(hana.key, 'PATCH', second, { expireTime: soon }, replica.url)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 200));
      const third = await chat();
      expect(third).toMatch(/^cachedContents\//);
      expect(third).not.toBe(second);
    } finally {
      await replica.close();
    }
  });

  it('the admin pricing API takes cache_storage_per_mtok_hour, and the next creation is billed with it', async () => {
    const put = await admin.request<ModelResponse>('PUT', '/admin/models/gemini-flash/pricing', {
      cache_storage_per_mtok_hour: '3.00',
    });
    expect(put.status).toBe(200);
    expect(put.body.pricing).toMatchObject({ input_per_mtok: INPUT, cache_storage_per_mtok_hour: '3.00' });
    const erin = await admin.createKey({ name: 'erin' });
    const cache = (await (await createCache(erin.key, { ttl: '3600s' })).json()) as GatewayCache;
    const tokens = cache.usageMetadata.totalTokenCount as number;
    const [record] = await usageOf(erin.id, 'cache_create');
    expect(record.cost_usd).toBe(
      new Decimal(tokens).mul(INPUT).plus(new Decimal(tokens).mul('3.00')).div(1_000_000).toFixed(),
    );
  });
});
