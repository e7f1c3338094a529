import OpenAI, { APIError } from 'openai';
import { startFakeOpenAi, type FakeOpenAi } from './fakes/fake-openai';
import { sleep, startFakeServer, type FakeServer } from './fakes/fake-http';
import { startGateway, type TestGateway } from './support/gateway';

/**
 * Routing end to end with several fake upstreams: weights, retries on another deployment, retry-after,
 * context-window fallbacks, cooldowns (cluster-wide), streams, timeouts and rpm limits.
 */
describe('routing: strategies, retries, fallbacks, cooldowns', () => {
  let a: FakeOpenAi;
  let b: FakeOpenAi;
  /** Streams a first chunk, waits, then cuts the connection (the first byte surely reached the client). */
  let cut: FakeServer;
  let gw: TestGateway;
  let gw2: TestGateway;
  let client: OpenAI;

  beforeAll(async () => {
    a = await startFakeOpenAi();
    b = await startFakeOpenAi();
    cut = await startFakeServer(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const frame = (delta: unknown) =>
        `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'cut', choices: [{ index: 0, delta, finish_reason: null }] })}\n\n`;
      res.write(frame({ role: 'assistant', content: '' }));
      await sleep(100);
      res.write(frame({ content: 'Hello ' }));
      await sleep(200);
      res.socket?.destroy();
    });
    const d = (fake: FakeOpenAi, upstream: string, more: Record<string, unknown> = {}) =>
      `      - { provider: openai, upstream_model: ${upstream}, base_url: "${fake.baseUrl}/v1", api_key: sk-fake${Object.entries(
        more,
      )
        .map(([k, v]) => `, ${k}: ${v}`)
        .join('')} }`;
    const yaml = `
models:
  - model_name: split
    deployments:
${d(a, 'split-a', { weight: 3 })}
${d(b, 'split-b', { weight: 1 })}
  - model_name: retry
    deployments:
${d(a, 'retry-a', { priority: 0 })}
${d(b, 'retry-b', { priority: 1 })}
  - model_name: single
    deployments:
${d(a, 'single-a')}
  - model_name: small
    context_window_fallbacks: [big]
    fallbacks: [single]
    deployments:
${d(a, 'small-a')}
  - model_name: big
    deployments:
${d(b, 'big-b')}
  - model_name: cool
    deployments:
${d(a, 'cool-a', { priority: 0 })}
${d(b, 'cool-b', { priority: 1 })}
  - model_name: stream
    deployments:
${d(a, 'stream-a', { priority: 0 })}
${d(b, 'stream-b', { priority: 1 })}
  - model_name: stream-cut
    deployments:
      - { provider: openai, upstream_model: cut, base_url: "${cut.baseUrl}/v1", api_key: sk-fake }
${d(b, 'stream-cut-b', { priority: 1 })}
  - model_name: slow
    deployments:
${d(a, 'slow-a', { priority: 0, timeout_ms: 300 })}
${d(b, 'slow-b', { priority: 1 })}
  - model_name: limited
    deployments:
${d(b, 'limited-b', { rpm_limit: 2 })}
router:
  strategy: weighted
  retries: 2
  cooldown: { failures: 3, window_seconds: 60, cooldown_seconds: 2 }
`;
    gw = await startGateway({ yaml });
    gw2 = await startGateway({
      yaml,
      databaseUrl: gw.config.databaseUrl,
      redisPrefix: gw.config.redisPrefix,
    });
    client = new OpenAI({ apiKey: gw.masterKey, baseURL: `${gw.url}/v1`, maxRetries: 0 });
  });

  afterAll(async () => {
    await gw2?.close();
    await gw?.close();
    await a?.close();
    await b?.close();
    await cut?.close();
  });

  const ask = (model: string, g: TestGateway = gw) =>
    new OpenAI({ apiKey: g.masterKey, baseURL: `${g.url}/v1`, maxRetries: 0 }).chat.completions
      .create({ model, messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
  const upstreamOf = (r: { response: Response }) => r.response.headers.get('x-switchboard-upstream-model');
  const sentTo = (fake: FakeOpenAi, upstream: string) =>
    fake.chatRequests().filter((r) => (r.body as { model?: string }).model === upstream).length;

  it('splits traffic 3:1 by weight: 400 requests land within 0.75 ± 0.075', async () => {
    const counts: Record<string, number> = {};
    let next = 0;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        while (next < 400) {
          next++;
          const res = await fetch(`${gw.url}/v1/chat/completions`, {
            method: 'POST',
            headers: { authorization: `Bearer ${gw.masterKey}`, 'content-type': 'application/json' },
            body: JSON.stringify({ model: 'split', messages: [{ role: 'user', content: 'x' }] }),
          });
          expect(res.status).toBe(200);
          await res.arrayBuffer();
          const up = res.headers.get('x-switchboard-upstream-model')!;
          counts[up] = (counts[up] ?? 0) + 1;
        }
      }),
    );
    const share = counts['split-a'] / (counts['split-a'] + counts['split-b']);
    expect(counts['split-a'] + counts['split-b']).toBe(400);
    expect(share).toBeGreaterThanOrEqual(0.675);
    expect(share).toBeLessThanOrEqual(0.825);
  });

  it('retries a 500 on another deployment, invisibly to the OpenAI SDK', async () => {
    a.script({ kind: 'error', status: 500 });
    const r = await ask('retry');
    expect(r.data.choices[0].message.content).toBe('Hello from the fake upstream!');
    expect(r.data.model).toBe('retry');
    expect(upstreamOf(r)).toBe('retry-b');
    expect(r.response.headers.get('x-switchboard-attempts')).toBe('2');
    expect(r.response.headers.get('x-switchboard-provider')).toBe('openai');
    expect(r.response.headers.get('x-switchboard-deployment')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('retries a connection reset on another deployment', async () => {
    a.script({ kind: 'reset' });
    const r = await ask('retry');
    expect(upstreamOf(r)).toBe('retry-b');
    expect(r.response.headers.get('x-switchboard-attempts')).toBe('2');
  });

  it('honours retry-after on a 429 before retrying the same deployment', async () => {
    a.script({ kind: 'error', status: 429, headers: { 'retry-after': '1' } });
    const t0 = Date.now();
    const r = await ask('single');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    expect(upstreamOf(r)).toBe('single-a');
    expect(r.response.headers.get('x-switchboard-attempts')).toBe('2');
  });

  it('returns the 429 with Retry-After when retries cannot help', async () => {
    a.script({ kind: 'error', status: 429, headers: { 'retry-after': '120' } });
    const err = (await ask('single').catch((e: unknown) => e)) as APIError;
    expect(err.status).toBe(429);
    expect(err.headers?.get('retry-after')).toBe('120');
  });

  it('sends a context-length error to the context-window fallback', async () => {
    a.script({
      kind: 'error',
      status: 400,
      body: {
        error: {
          message: 'maximum context length is 8192 tokens',
          type: 'invalid_request_error',
          param: 'messages',
          code: 'context_length_exceeded',
        },
      },
    });
    const r = await ask('small');
    expect(r.data.model).toBe('small');
    expect(upstreamOf(r)).toBe('big-b');
    expect(r.response.headers.get('x-switchboard-attempts')).toBe('2');
  });

  it('does not fall back on a plain 400', async () => {
    a.script({
      kind: 'error',
      status: 400,
      body: {
        error: {
          message: 'bad temperature',
          type: 'invalid_request_error',
          param: 'temperature',
          code: null,
        },
      },
    });
    await expect(ask('small')).rejects.toMatchObject({ status: 400 });
  });

  it('cools a failing deployment down cluster-wide, then probes it again', async () => {
    a.script({ kind: 'error', status: 500 }, { kind: 'error', status: 500 }, { kind: 'error', status: 500 });
    for (let i = 0; i < 3; i++) expect(upstreamOf(await ask('cool'))).toBe('cool-b');
    expect(sentTo(a, 'cool-a')).toBe(3);
    await new Promise((r) => setTimeout(r, 150));
    // Cooling down: neither replica sends to it.
    for (let i = 0; i < 3; i++) {
      const r = await ask('cool', i % 2 ? gw2 : gw);
      expect(upstreamOf(r)).toBe('cool-b');
      expect(r.response.headers.get('x-switchboard-attempts')).toBeNull();
    }
    expect(sentTo(a, 'cool-a')).toBe(3);
    await new Promise((r) => setTimeout(r, 2100));
    const probe = await ask('cool');
    expect(upstreamOf(probe)).toBe('cool-a');
    expect(sentTo(a, 'cool-a')).toBe(4);
  });

  it('retries a stream that fails before its first byte', async () => {
    a.script({ kind: 'error', status: 503 });
    const stream = await client.chat.completions.create({
      model: 'stream',
      stream: true,
      messages: [{ role: 'user', content: 'x' }],
    });
    let text = '';
    for await (const c of stream) text += c.choices[0]?.delta?.content ?? '';
    expect(text).toBe('Hello from the fake upstream!');
    expect(sentTo(b, 'stream-b')).toBe(1);
  });

  it('never retries a stream once its first byte went to the client', async () => {
    const stream = await client.chat.completions.create({
      model: 'stream-cut',
      stream: true,
      messages: [{ role: 'user', content: 'x' }],
    });
    let text = '';
    let finished = false;
    try {
      for await (const c of stream) {
        text += c.choices[0]?.delta?.content ?? '';
        if (c.choices[0]?.finish_reason) finished = true;
      }
    } catch {
      /* the connection is cut: the client sees a truncated stream */
    }
    expect(text).toBe('Hello ');
    expect(finished).toBe(false);
    expect(cut.requests).toHaveLength(1);
    expect(sentTo(b, 'stream-cut-b')).toBe(0);
  });

  it('times out a slow deployment (timeout_ms to the first byte) and retries elsewhere', async () => {
    a.script({ kind: 'slow', delayMs: 1500 });
    const t0 = Date.now();
    const r = await ask('slow');
    expect(upstreamOf(r)).toBe('slow-b');
    expect(Date.now() - t0).toBeLessThan(1200);
  });

  it('skips a deployment at its rpm limit: 429 with Retry-After when every one is at its limit', async () => {
    await ask('limited');
    await ask('limited');
    const err = (await ask('limited').catch((e: unknown) => e)) as APIError;
    expect(err.status).toBe(429);
    expect(Number(err.headers?.get('retry-after'))).toBeGreaterThan(0);
    expect(sentTo(b, 'limited-b')).toBe(2);
  });
});
