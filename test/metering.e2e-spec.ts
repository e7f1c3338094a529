import { randomUUID } from 'node:crypto';
import OpenAI from 'openai';
import { AuthService } from '../src/modules/auth/auth.service';
import type { Identity, LimitSettings } from '../src/modules/auth/identity';
import { inlineDataPart, startFakeGemini, type FakeGemini } from './fakes/fake-gemini';
import { startFakeOpenAi, type FakeOpenAi } from './fakes/fake-openai';
import { fakeOpenAiCatalogYaml } from './support/catalog-yaml';
import type {
  AdminErrorBody,
  ModelResponse,
  UsageLogPage,
  UsageSummaryResponse,
} from './support/admin-client';
import { startGateway, type TestGateway } from './support/gateway';

/**
 * Identities with budgets and rate limits, injected behind the real AuthService (the keys API is
 * built separately): a bearer token listed here authenticates as the given identity.
 */
/** The identity tables injected into each gateway's AuthService (a test may add to its table later). */
const injected = new WeakMap<AuthService, Array<Map<string, Identity>>>();

function injectIdentities(gw: TestGateway, identities: Map<string, Identity>): void {
  const auth = gw.app.get(AuthService);
  let tables = injected.get(auth);
  if (!tables) {
    const real = auth.authenticateSecret.bind(auth);
    const all: Array<Map<string, Identity>> = [];
    const find = (secret: string | undefined) => {
      for (const t of all) if (secret && t.has(secret)) return t.get(secret);
      return undefined;
    };
    jest.spyOn(auth, 'authenticateSecret').mockImplementation(async (secret) => find(secret) ?? real(secret));
    injected.set(auth, (tables = all));
  }
  tables.unshift(identities);
}

function keyIdentity(
  limits: Partial<LimitSettings>,
  team?: { id: string; limits: Partial<LimitSettings> },
): Identity {
  return {
    kind: 'key',
    keyId: randomUUID(),
    teamId: team?.id,
    role: 'member',
    allowedModels: [],
    keyLimits: { budgetPeriodStart: new Date(), ...limits },
    teamLimits: team ? { budgetPeriodStart: new Date(), ...team.limits } : undefined,
  };
}

const yamlFor = (fake: FakeOpenAi, pricing?: string) => fakeOpenAiCatalogYaml(fake.baseUrl, { pricing });

async function waitFor<T>(fn: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A chat completion on `gpt-fake` with the given bearer token; `body` overrides the defaults. */
function chat(gw: TestGateway, token: string, body: Record<string, unknown> = {}): Promise<Response> {
  return fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-fake', messages: [{ role: 'user', content: 'hello' }], ...body }),
  });
}

/** A request whose reservation and cost are its 10 output tokens (prompt `x`). */
const TEN_TOKENS_OUT = { max_tokens: 10, messages: [{ role: 'user', content: 'x' }] };

async function adminGet<T>(gw: TestGateway, path: string): Promise<T> {
  const res = await fetch(`${gw.url}${path}`, { headers: { authorization: `Bearer ${gw.masterKey}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

describe('metering: exact tokens and cost in the reports', () => {
  let fake: FakeOpenAi;
  let gw: TestGateway;
  let client: OpenAI;

  beforeAll(async () => {
    fake = await startFakeOpenAi({ apiKey: 'sk-upstream' });
    gw = await startGateway({ yaml: yamlFor(fake) });
    client = new OpenAI({ apiKey: gw.masterKey, baseURL: `${gw.url}/v1`, maxRetries: 0 });
  });
  afterAll(async () => {
    await gw?.close();
    await fake?.close();
  });

  it('non-stream, stream and aborted stream each yield one record, and the summary adds them up exactly', async () => {
    fake.script({ kind: 'text', text: 'priced', usage: { prompt_tokens: 1000, completion_tokens: 2000 } });
    await client.chat.completions.create({
      model: 'gpt-fake',
      messages: [{ role: 'user', content: 'cost me' }],
    });

    fake.script({
      kind: 'text',
      text: 'streamed answer',
      usage: { prompt_tokens: 500, completion_tokens: 100, cached_tokens: 200 },
    });
    const stream = await client.chat.completions.create({
      model: 'gpt-fake',
      stream: true,
      messages: [{ role: 'user', content: 's' }],
    });
    for await (const chunk of stream) expect(chunk.usage ?? null).toBeNull();

    // Aborted: slow chunks, the client hangs up after the first content arrives; the provider never sent usage.
    fake.script({ kind: 'stream_chunk_delay', delayMs: 150 });
    const ac = new AbortController();
    const aborted = await client.chat.completions.create(
      { model: 'gpt-fake', stream: true, messages: [{ role: 'user', content: 'abort me' }] },
      { signal: ac.signal },
    );
    try {
      for await (const chunk of aborted) {
        if (chunk.choices[0]?.delta?.content) ac.abort();
      }
    } catch {
      /* aborted */
    }

    const logs = await waitFor(async () => {
      const page = await adminGet<UsageLogPage>(gw, '/admin/usage/logs?model=gpt-fake');
      return page.data.length >= 3 ? page : undefined;
    });
    expect(logs.data).toHaveLength(3);
    const [abortedRow, streamRow, jsonRow] = logs.data;
    expect(jsonRow).toMatchObject({
      status_code: 200,
      prompt_tokens: 1000,
      completion_tokens: 2000,
      cost_usd: '0.00135',
      stream: false,
      estimated: false,
      provider: 'openai',
      upstream_model: 'gpt-4o-mini',
    });
    // (500 − 200) × 0.15 + 200 × 0.15 (no cached price: falls back to the shipped gpt-4o-mini 0.075) + 100 × 0.60
    // = 45 + 15 + 60 = 120 per M
    expect(streamRow).toMatchObject({
      status_code: 200,
      prompt_tokens: 500,
      completion_tokens: 100,
      cached_tokens: 200,
      cost_usd: '0.00012',
      stream: true,
      estimated: false,
    });
    expect(abortedRow).toMatchObject({ status_code: 499, stream: true, estimated: true, prompt_tokens: 6 });
    expect(abortedRow.completion_tokens).toBeGreaterThan(0);
    const abortedCost = (6 * 0.15 + abortedRow.completion_tokens * 0.6) / 1e6;
    expect(Number(abortedRow.cost_usd)).toBeCloseTo(abortedCost, 12);

    const summary = await adminGet<UsageSummaryResponse>(
      gw,
      '/admin/usage/summary?group_by=day,model,provider',
    );
    const row = summary.data.find((r) => r.model === 'gpt-fake');
    expect(row).toMatchObject({
      day: new Date().toISOString().slice(0, 10),
      provider: 'openai',
      requests: 3,
      errors: 1,
      prompt_tokens: 1506,
      completion_tokens: 2100 + abortedRow.completion_tokens,
      cached_tokens: 200,
    });
    const { default: Decimal } = await import('decimal.js');
    expect(row?.cost_usd).toBe(new Decimal('0.00135').plus('0.00012').plus(abortedRow.cost_usd).toFixed());
    expect(summary.totals.cost_usd).toBe(
      summary.data.reduce((s, r) => s.plus(r.cost_usd), new Decimal(0)).toFixed(),
    );

    // a partial-day range reads the raw table and agrees with the rollup
    const raw = await adminGet<UsageSummaryResponse>(
      gw,
      `/admin/usage/summary?group_by=model&from=${new Date(Date.now() - 3_600_000).toISOString()}`,
    );
    expect(raw.data.find((r) => r.model === 'gpt-fake')).toMatchObject({
      requests: 3,
      cost_usd: row?.cost_usd,
    });
  });

  it('serves logs as cursor pages and as CSV, and /v1/usage', async () => {
    const first = await adminGet<UsageLogPage>(gw, '/admin/usage/logs?limit=2');
    expect(first.data).toHaveLength(2);
    expect(first.next_cursor).toEqual(expect.any(String));
    const second = await adminGet<UsageLogPage>(gw, `/admin/usage/logs?limit=2&cursor=${first.next_cursor}`);
    expect(second.data[0].id).not.toBe(first.data[1].id);
    const csv = await fetch(`${gw.url}/admin/usage/logs?format=csv`, {
      headers: { authorization: `Bearer ${gw.masterKey}` },
    });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = (await csv.text()).trim().split('\n');
    expect(lines[0]).toMatch(/^id,request_id,created_at,/);
    expect(lines.length).toBeGreaterThanOrEqual(4);
    const mine = await adminGet<UsageSummaryResponse>(gw, '/v1/usage');
    expect(mine.totals.requests).toBeGreaterThanOrEqual(3);
    const bad = await fetch(`${gw.url}/admin/usage/summary?group_by=color`, {
      headers: { authorization: `Bearer ${gw.masterKey}` },
    });
    expect(bad.status).toBe(400);
  });

  it('filters logs and their CSV by provider and by status (a code, a class, error, success)', async () => {
    const statuses = async (query: string) =>
      (await adminGet<UsageLogPage>(gw, `/admin/usage/logs?${query}`)).data.map((r) => r.status_code);
    // The first test left three openai records: 200, 200 and the aborted stream's 499.
    expect(await statuses('provider=openai')).toEqual([499, 200, 200]);
    expect(await statuses('provider=anthropic')).toEqual([]);
    expect(await statuses('status=499')).toEqual([499]);
    expect(await statuses('status=4xx')).toEqual([499]);
    expect(await statuses('status=error&provider=openai&model=gpt-fake')).toEqual([499]);
    expect(await statuses('status=success')).toEqual([200, 200]);
    expect(await statuses('status=2xx&limit=1')).toEqual([200]);
    expect(await statuses('status=5xx')).toEqual([]);

    const csv = await fetch(`${gw.url}/admin/usage/logs?format=csv&provider=openai&status=error`, {
      headers: { authorization: `Bearer ${gw.masterKey}` },
    });
    const [header, ...rows] = (await csv.text()).trim().split('\n');
    const column = header.split(',').indexOf('status_code');
    expect(rows.map((r) => r.split(',')[column])).toEqual(['499']);

    const bad = await fetch(`${gw.url}/admin/usage/logs?status=teapot`, {
      headers: { authorization: `Bearer ${gw.masterKey}` },
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as AdminErrorBody).error).toMatchObject({ param: 'status' });
  });

  it('exposes Prometheus metrics: requests, latency, tokens and cost by model/provider/status, queue depth, write lag', async () => {
    await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-sb-nope', 'content-type': 'application/json' },
      body: '{}',
    });
    const text = await (await fetch(`${gw.url}/metrics`)).text();
    expect(text).toMatch(
      /switchboard_requests_total\{model="gpt-fake",provider="openai",endpoint="[^"]+",status="200"\} 2/,
    );
    expect(text).toMatch(
      /switchboard_request_duration_seconds_bucket\{le="[^"]+",model="gpt-fake",provider="openai",status="499"\}/,
    );
    expect(text).toMatch(
      /switchboard_tokens_total\{model="gpt-fake",provider="openai",status="200",type="prompt"\} 1500/,
    );
    expect(text).toMatch(
      /switchboard_cost_usd_total\{model="gpt-fake",provider="openai",status="200"\} 0\.00147/,
    );
    expect(text).toMatch(
      /switchboard_refused_requests_total\{endpoint="[^"]+",status="401",code="invalid_api_key"\} 1/,
    );
    expect(text).toMatch(/switchboard_usage_queue_depth \d+/);
    expect(text).toMatch(/switchboard_usage_write_lag_seconds [\d.e-]+/);
  });
});

describe('metering: budgets', () => {
  let fake: FakeOpenAi;
  let gw: TestGateway;

  beforeAll(async () => {
    fake = await startFakeOpenAi({ apiKey: 'sk-upstream' });
    // $0.001 per output token, input free: a max_tokens 10 request reserves exactly $0.01.
    gw = await startGateway({ yaml: yamlFor(fake, '{ input_per_mtok: "0", output_per_mtok: "1000" }') });
  });
  afterAll(async () => {
    await gw?.close();
    await fake?.close();
  });

  it('releases the reservation when the upstream fails (an error costs nothing and frees the budget)', async () => {
    const identity = keyIdentity({ maxBudgetUsd: '0.015' });
    injectIdentities(gw, new Map([['sk-sb-release', identity]]));
    const call = () => chat(gw, 'sk-sb-release', TEN_TOKENS_OUT);
    fake.script({ kind: 'error', status: 400 });
    expect((await call()).status).toBe(400);
    // spend 0 + nothing reserved: admitted; costs $0.01
    fake.script(
      { kind: 'text', text: 'ok', usage: { prompt_tokens: 1, completion_tokens: 10 } },
      { kind: 'text', text: 'ok', usage: { prompt_tokens: 1, completion_tokens: 10 } },
    );
    expect((await call()).status).toBe(200);
    // spend 0.01 < 0.015 (a leaked reservation of the failed call would make it 0.02): admitted
    expect((await call()).status).toBe(200);
    // spend 0.02 ≥ 0.015
    expect((await call()).status).toBe(429);
  });

  it('a 40-way concurrent burst against a $0.05 budget spends at most one estimate more, then 429 budget_exceeded', async () => {
    const identity = keyIdentity({ maxBudgetUsd: '0.05', budgetDuration: '1d' });
    injectIdentities(gw, new Map([['sk-sb-budget-key', identity]]));
    fake.script(
      ...Array.from({ length: 40 }, () => ({
        kind: 'text' as const,
        text: 'ok',
        usage: { prompt_tokens: 5, completion_tokens: 10 },
      })),
    );
    const results = await Promise.all(
      Array.from({ length: 40 }, () =>
        fetch(`${gw.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: 'Bearer sk-sb-budget-key', 'content-type': 'application/json' },
          body: JSON.stringify({
            model: 'gpt-fake',
            max_tokens: 10,
            messages: [{ role: 'user', content: 'x' }],
          }),
        }).then(async (r) => ({ status: r.status, body: (await r.json()) as AdminErrorBody })),
      ),
    );
    const ok = results.filter((r) => r.status === 200);
    const refused = results.filter((r) => r.status === 429);
    expect(ok.length + refused.length).toBe(40);
    expect(ok.length).toBe(5);
    expect(refused[0].body.error).toMatchObject({ type: 'insufficient_quota', code: 'budget_exceeded' });

    const summary = await waitFor(async () => {
      const s = await adminGet<UsageSummaryResponse>(gw, `/admin/usage/summary?key_id=${identity.keyId}`);
      return s.totals.requests === 5 ? s : undefined;
    });
    expect(summary.totals.cost_usd).toBe('0.05');
    // and the next request is refused too (spend counts at once)
    const again = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-sb-budget-key', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-fake', max_tokens: 1, messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(again.status).toBe(429);
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('metering: Gemini prices (long-context tier, cached audio) and budgets for costly outputs', () => {
  let gemini: FakeGemini;
  let gw: TestGateway;
  const identities = new Map<string, Identity>();

  beforeAll(async () => {
    gemini = await startFakeGemini();
    const on = (upstream: string) =>
      `[{ provider: gemini, upstream_model: ${upstream}, api_key: ${gemini.apiKey}, base_url: "${gemini.baseUrl}" }]`;
    gw = await startGateway({
      yaml: `
models:
  - { model_name: gemini-pro, deployments: ${on('gemini-2.5-pro')} }
  - model_name: gemini-pro-yaml
    deployments: ${on('gemini-2.5-pro')}
    pricing: { long_context: { threshold_tokens: 200000, input_per_mtok: "3.00" } }
  - { model_name: gemini-image, deployments: ${on('gemini-3-pro-image-preview')} }
  - { model_name: gemini-flash, deployments: ${on('gemini-2.5-flash')}, fallbacks: [gemini-image] }
`,
    });
    injectIdentities(gw, identities);
  });
  afterAll(async () => {
    await gw?.close();
    await gemini?.close();
  });

  /** A key with these limits; returns its token and id. */
  const newKey = (limits: Partial<LimitSettings> = {}) => {
    const identity = keyIdentity(limits);
    const token = `sk-sb-gemini-${identity.keyId}`;
    identities.set(token, identity);
    return { token, keyId: identity.keyId! };
  };
  const ask = (token: string, model: string, extra: Record<string, unknown> = {}) =>
    chat(gw, token, { model, messages: [{ role: 'user', content: 'draw' }], ...extra });
  const spent = (keyId: string, requests: number) =>
    waitFor(async () => {
      const s = await adminGet<UsageSummaryResponse>(gw, `/admin/usage/summary?key_id=${keyId}`);
      return s.totals.requests === requests ? (s.totals.cost_usd as string) : undefined;
    });
  /** Gemini's usage for a prompt of `prompt` tokens and 1,000 output tokens. */
  const usage = (prompt: number) => ({
    promptTokenCount: prompt,
    candidatesTokenCount: 1000,
    totalTokenCount: prompt + 1000,
  });
  const pricing = (body: unknown) =>
    fetch(`${gw.url}/admin/models/gemini-pro/pricing`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${gw.masterKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('item 3: a 300k-token prompt on 2.5 Pro bills the whole request at the upper tier; the tier is set through the admin API', async () => {
    const { token, keyId } = newKey();
    gemini.script({ parts: [{ text: 'long' }], usageMetadata: usage(300_000) });
    expect((await ask(token, 'gemini-pro')).status).toBe(200);
    // 300000 × 2.50 + 1000 × 15.00 per M (the ≤ 200k rates gave 0.385)
    expect(await spent(keyId, 1)).toBe('0.765');

    const bad = await pricing({ long_context: { threshold_tokens: '200k', input_per_mtok: '2.50' } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as AdminErrorBody).error).toMatchObject({
      param: 'long_context.threshold_tokens',
      message: expect.stringContaining('long_context.threshold_tokens must be a positive integer'),
    });
    const flat = await pricing({ long_context_threshold_tokens: 100_000 });
    expect(flat.status).toBe(400);
    // long_context replaces the shipped tier as a whole: no cached price given, none kept
    const put = await pricing({
      long_context: { threshold_tokens: 100_000, input_per_mtok: '2.50', output_per_mtok: '2e1' },
    });
    expect(put.status).toBe(200);
    expect(((await put.json()) as ModelResponse).pricing.long_context).toEqual({
      threshold_tokens: '100000',
      input_per_mtok: '2.50',
      output_per_mtok: '20',
    });
    gemini.script({ parts: [{ text: 'long' }], usageMetadata: usage(150_000) });
    expect((await ask(token, 'gemini-pro')).status).toBe(200);
    // + 150000 × 2.50 + 1000 × 20 per M = 0.395
    expect(await spent(keyId, 2)).toBe('1.16');

    // null drops the override: the shipped tier (above 200k) is back, so 150k is the lower tier
    const reset = await pricing({ long_context: null });
    expect(((await reset.json()) as ModelResponse).pricing.long_context?.threshold_tokens).toBe('200000');
    gemini.script({ parts: [{ text: 'long' }], usageMetadata: usage(150_000) });
    expect((await ask(token, 'gemini-pro')).status).toBe(200);
    // + 150000 × 1.25 + 1000 × 10 per M = 0.1975
    expect(await spent(keyId, 3)).toBe('1.3575');
  });

  it('item 3: a long_context tier from the YAML replaces the shipped one; its output defaults to the base output', async () => {
    const { token, keyId } = newKey();
    gemini.script({ parts: [{ text: 'long' }], usageMetadata: usage(300_000) });
    expect((await ask(token, 'gemini-pro-yaml')).status).toBe(200);
    // 300000 × 3.00 + 1000 × 10.00 per M
    expect(await spent(keyId, 1)).toBe('0.91');
  });

  it('item 7: cached audio tokens are billed once, each kind at its own rate', async () => {
    const { token, keyId } = newKey();
    gemini.script({
      parts: [{ text: 'heard' }],
      usageMetadata: {
        promptTokenCount: 1000,
        cachedContentTokenCount: 800,
        candidatesTokenCount: 10,
        totalTokenCount: 1010,
        promptTokensDetails: [
          { modality: 'TEXT', tokenCount: 100 },
          { modality: 'AUDIO', tokenCount: 900 },
        ],
        cacheTokensDetails: [
          { modality: 'TEXT', tokenCount: 100 },
          { modality: 'AUDIO', tokenCount: 700 },
        ],
      },
    });
    expect((await ask(token, 'gemini-flash')).status).toBe(200);
    // 100 cached text × 0.03 + 700 cached audio × 0.10 + 200 audio × 1.00 + 10 × 2.50 = 298 per M
    // (billed as 800 cached + 900 audio before: 949 per M)
    expect(await spent(keyId, 1)).toBe('0.000298');
  });

  it('item 4: the reservation covers the costliest model a request can fall back to', async () => {
    const { token } = newKey({ maxBudgetUsd: '0.10' });
    const arrived = gemini.requestsFor('generateContent').length + 1;
    // gemini-flash falls back to gemini-image: 5 × 2.00 + 1300 × 120 (image output) per M = $0.15601 is
    // reserved (the text rate of gemini-flash reserved $0.00325), so while the first call is upstream,
    // the budget of $0.10 has no room for a second one.
    gemini.script({ parts: [{ text: 'slow' }], delayMs: 1500 });
    const first = ask(token, 'gemini-flash', { max_tokens: 1300 });
    await waitFor(async () => (gemini.requestsFor('generateContent').length >= arrived ? true : undefined));
    const second = await ask(token, 'gemini-flash', { max_tokens: 1300 });
    expect(second.status).toBe(429);
    expect(((await second.json()) as AdminErrorBody).error.code).toBe('budget_exceeded');
    expect((await first).status).toBe(200);
  });

  // Last in this block: the replies of refused requests stay scripted.
  it('item 4: 20 concurrent image calls against a $1 budget end within one request of it', async () => {
    const { token, keyId } = newKey({ maxBudgetUsd: '1', budgetDuration: '1d' });
    const png = Buffer.from('not really a png').toString('base64');
    gemini.script(
      ...Array.from({ length: 20 }, () => ({
        parts: [inlineDataPart('image/png', png)],
        usageMetadata: {
          promptTokenCount: 10,
          candidatesTokenCount: 1290,
          totalTokenCount: 1300,
          candidatesTokensDetails: [{ modality: 'IMAGE', tokenCount: 1290 }],
        },
      })),
    );
    const statuses = await Promise.all(
      Array.from({ length: 20 }, () =>
        ask(token, 'gemini-image', { max_tokens: 1300, modalities: ['image', 'text'] }).then((r) => r.status),
      ),
    );
    // Each call costs 10 × 2.00 + 1290 × 120 = $0.15482 and reserves 5 × 2.00 + 1300 × 120 = $0.15601;
    // a call is admitted while spend + reservations < $1, so the 7th is the last (6 if a lease slot is
    // held unused at that moment). The text output rate reserved $0.01561: 11 to 20 went through.
    const ok = statuses.filter((s) => s === 200).length;
    expect(ok + statuses.filter((s) => s === 429).length).toBe(20);
    expect(ok).toBeGreaterThanOrEqual(6);
    expect(ok).toBeLessThanOrEqual(7);
    const cost = Number(await spent(keyId, ok));
    expect(cost).toBeLessThanOrEqual(1 + 0.15482);
    expect(cost).toBeCloseTo(ok * 0.15482, 10);
  });
});

/** A fake upstream and two gateway instances sharing one database and one Redis prefix. */
async function startTwoInstances(pricing?: string) {
  const fake = await startFakeOpenAi({ apiKey: 'sk-upstream' });
  const yaml = yamlFor(fake, pricing);
  const gw1 = await startGateway({ yaml });
  const gw2 = await startGateway({
    yaml,
    databaseUrl: gw1.config.databaseUrl,
    redisPrefix: gw1.config.redisPrefix,
  });
  const close = async () => {
    await gw2.close();
    await gw1.close();
    await fake.close();
  };
  return { fake, gw1, gw2, close };
}

/** Two instances for the tests of one describe block: started before them, closed after. */
function useTwoInstances(pricing?: string): Awaited<ReturnType<typeof startTwoInstances>> {
  const rig = {} as Awaited<ReturnType<typeof startTwoInstances>>;
  beforeAll(async () => {
    Object.assign(rig, await startTwoInstances(pricing));
  });
  afterAll(() => rig.close?.());
  return rig;
}

describe('metering: rate limits across two instances sharing Redis', () => {
  const rig = useTwoInstances();

  const call = (gw: TestGateway, token: string) => chat(gw, token);
  /** An `x-ratelimit-reset-*` value (`1m0s`, `59.5s`, `20ms`) in ms. */
  const durationMs = (v: string): number => {
    const m = /^(?:(\d+)m)?(\d+(?:\.\d+)?)s$|^(\d+)ms$/.exec(v);
    if (!m) throw new Error(`not an OpenAI duration: ${v}`);
    return m[3] !== undefined ? Number(m[3]) : Number(m[1] ?? 0) * 60_000 + Number(m[2]) * 1000;
  };

  it('rpm: the 4th request in a minute is refused with Retry-After and x-ratelimit-* headers, whichever instance serves it', async () => {
    const identities = new Map([['sk-sb-rpm', keyIdentity({ rpmLimit: 3 })]]);
    injectIdentities(rig.gw1, identities);
    injectIdentities(rig.gw2, identities);
    const r1 = await call(rig.gw1, 'sk-sb-rpm');
    const r2 = await call(rig.gw2, 'sk-sb-rpm');
    const r3 = await call(rig.gw1, 'sk-sb-rpm');
    expect([r1.status, r2.status, r3.status]).toEqual([200, 200, 200]);
    expect(r1.headers.get('x-ratelimit-limit-requests')).toBe('3');
    expect([r1, r2, r3].map((r) => r.headers.get('x-ratelimit-remaining-requests'))).toEqual(['2', '1', '0']);
    expect(r1.headers.get('x-ratelimit-reset-requests')).toMatch(/^(\d+m)?\d+(\.\d+)?s$|^\d+ms$/);
    expect(r1.headers.get('x-ratelimit-limit-tokens')).toBeNull();
    const r4 = await call(rig.gw2, 'sk-sb-rpm');
    expect(r4.status).toBe(429);
    expect(((await r4.json()) as AdminErrorBody).error).toMatchObject({
      type: 'rate_limit_error',
      code: 'rate_limit_exceeded',
    });
    // a sliding minute: room again once the 1st request is 60 s old, less than a second from now
    expect(r4.headers.get('retry-after')).toBe('60');
    expect(r4.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    const reset = durationMs(r4.headers.get('x-ratelimit-reset-requests')!);
    expect(reset).toBeGreaterThan(59_000);
    expect(reset).toBeLessThanOrEqual(60_000);
    for (const r of [r1, r2, r3])
      expect(durationMs(r.headers.get('x-ratelimit-reset-requests')!)).toBeLessThanOrEqual(60_000);
    // refused requests are not metered
    await new Promise((r) => setTimeout(r, 1500));
    const s = await adminGet<UsageSummaryResponse>(
      rig.gw1,
      `/admin/usage/summary?key_id=${identities.get('sk-sb-rpm')!.keyId}`,
    );
    expect(s.totals.requests).toBe(3);
  });

  it('tpm: counts the real tokens after each call and refuses once the window is full, with -tokens headers', async () => {
    const identities = new Map([['sk-sb-tpm', keyIdentity({ tpmLimit: 100 })]]);
    injectIdentities(rig.gw1, identities);
    injectIdentities(rig.gw2, identities);
    rig.fake.script(
      { kind: 'text', text: 'a', usage: { prompt_tokens: 50, completion_tokens: 10 } },
      { kind: 'text', text: 'b', usage: { prompt_tokens: 50, completion_tokens: 10 } },
    );
    const a = await call(rig.gw1, 'sk-sb-tpm');
    expect(a.status).toBe(200);
    expect(a.headers.get('x-ratelimit-limit-tokens')).toBe('100');
    expect(a.headers.get('x-ratelimit-limit-requests')).toBeNull();
    await new Promise((r) => setTimeout(r, 100));
    const b = await call(rig.gw2, 'sk-sb-tpm');
    expect(b.status).toBe(200);
    expect(Number(b.headers.get('x-ratelimit-remaining-tokens'))).toBeLessThanOrEqual(40);
    await new Promise((r) => setTimeout(r, 100));
    const c = await call(rig.gw1, 'sk-sb-tpm');
    expect(c.status).toBe(429);
    expect(c.headers.get('x-ratelimit-remaining-tokens')).toBe('0');
    expect(Number(c.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('team rpm is shared by the team keys', async () => {
    const team = { id: randomUUID(), limits: { rpmLimit: 2 } };
    const identities = new Map([
      ['sk-sb-team-a', keyIdentity({}, team)],
      ['sk-sb-team-b', keyIdentity({}, team)],
    ]);
    injectIdentities(rig.gw1, identities);
    injectIdentities(rig.gw2, identities);
    expect((await call(rig.gw1, 'sk-sb-team-a')).status).toBe(200);
    expect((await call(rig.gw2, 'sk-sb-team-b')).status).toBe(200);
    expect((await call(rig.gw1, 'sk-sb-team-b')).status).toBe(429);
  });
});

describe('metering: budget leases across two instances sharing Redis', () => {
  // $0.001 per output token, input free: a max_tokens 10 request reserves and costs exactly $0.01.
  const rig = useTwoInstances('{ input_per_mtok: "0", output_per_mtok: "1000" }');

  it('a budget far from its limit is admitted from leases on both instances, never overrun, and exact to the cent in the end', async () => {
    // $1.00 at $0.01 a request: far enough for leases at first (each takes at most 1/8 of the headroom),
    // admitted one by one near the end.
    const identities = new Map([['sk-sb-leased', keyIdentity({ maxBudgetUsd: '1', budgetDuration: '1d' })]]);
    injectIdentities(rig.gw1, identities);
    injectIdentities(rig.gw2, identities);
    const usage = { kind: 'text' as const, text: 'ok', usage: { prompt_tokens: 5, completion_tokens: 10 } };
    rig.fake.script(...Array.from({ length: 140 }, () => usage));
    const send = (gw: TestGateway) =>
      chat(gw, 'sk-sb-leased', TEN_TOKENS_OUT).then(async (r) => {
        await r.arrayBuffer();
        return r.status;
      });
    const burst: number[] = [];
    for (let wave = 0; wave < 6; wave++)
      burst.push(
        ...(await Promise.all(Array.from({ length: 20 }, (_, i) => send(i % 2 ? rig.gw1 : rig.gw2)))),
      );
    const okInBurst = burst.filter((s) => s === 200).length;
    expect(burst.every((s) => s === 200 || s === 429)).toBe(true);
    expect(okInBurst).toBeLessThanOrEqual(100);
    expect(okInBurst).toBeGreaterThanOrEqual(80);
    // Once the leases ended (LEASE_MS), what they held is back: one by one, exactly up to the budget.
    await new Promise((r) => setTimeout(r, 2_500));
    let more = 0;
    while ((await send(more % 2 ? rig.gw1 : rig.gw2)) === 200) more++;
    expect(okInBurst + more).toBe(100);
    const keyId = identities.get('sk-sb-leased')!.keyId;
    const summary = await waitFor(async () => {
      const s = await adminGet<UsageSummaryResponse>(rig.gw1, `/admin/usage/summary?key_id=${keyId}`);
      return s.totals.requests === 100 ? s : undefined;
    });
    expect(summary.totals.cost_usd).toBe('1');
  });
});
