import { request } from 'node:http';
import OpenAI from 'openai';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../src/generated/prisma/client';
import { startFakeOpenAi, type FakeOpenAi } from './fakes/fake-openai';
import { startGateway, type TestGateway } from './support/gateway';

/** An error answer in any dialect's shape (OpenAI, Anthropic, Google, Kling). */
interface DialectErrorBody {
  type?: string;
  code?: number;
  request_id?: string;
  error: {
    message: string;
    type?: string;
    param?: string | null;
    code?: string | number | null;
    status?: string;
  };
}

describe('foundation: the OpenAI dialect end to end', () => {
  let fake: FakeOpenAi;
  let gw: TestGateway;
  let client: OpenAI;

  beforeAll(async () => {
    fake = await startFakeOpenAi({ apiKey: 'sk-upstream-secret' });
    gw = await startGateway({
      yaml: `
models:
  - model_name: gpt-fake
    deployments:
      - provider: openai
        upstream_model: gpt-4o-mini
        api_key: sk-upstream-secret
        base_url: ${fake.baseUrl}/v1
    pricing: { input_per_mtok: "0.15", output_per_mtok: "0.60" }
`,
    });
    client = new OpenAI({ apiKey: gw.masterKey, baseURL: `${gw.url}/v1`, maxRetries: 0 });
  });

  afterAll(async () => {
    await gw?.close();
    await fake?.close();
  });

  it('answers the seeded demo model through the SDK', async () => {
    const res = await client.chat.completions.create({
      model: 'demo',
      messages: [{ role: 'user', content: 'hello there' }],
    });
    expect(res.model).toBe('demo');
    expect(res.choices[0].message.content).toBe('This is a mock response to: hello there');
    expect(res.usage).toMatchObject({ prompt_tokens: expect.any(Number), completion_tokens: 8 });
  });

  it('streams content chunks and a final usage chunk from the demo model', async () => {
    const stream = await client.chat.completions.create({
      model: 'demo',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'hi' }],
    });
    let text = '';
    let usageChunks = 0;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.usage) {
        usageChunks++;
        expect(chunk.choices).toEqual([]);
        expect(chunk.usage.completion_tokens).toBe(7);
      }
    }
    expect(text).toBe('This is a mock response to: hi');
    expect(usageChunks).toBe(1);
  });

  it('passes OpenAI-dialect calls through to an OpenAI deployment, keeping unknown fields and renaming the model', async () => {
    const raw = await client.chat.completions
      .create({
        model: 'gpt-fake',
        messages: [{ role: 'user', content: 'x' }],
        max_tokens: 5,
        ...({ custom_field: 42 } as object),
      })
      .withResponse();
    expect(raw.data.model).toBe('gpt-fake');
    expect(raw.data.choices[0].message.content).toBe('Hello from the fake upstream!');
    expect(raw.response.headers.get('x-switchboard-upstream-model')).toBe('gpt-4o-mini');
    expect(raw.response.headers.get('x-switchboard-provider')).toBe('openai');
    const sent = fake.chatRequests().at(-1)!;
    expect(sent.body).toMatchObject({ model: 'gpt-4o-mini', custom_field: 42, max_tokens: 5 });
    expect(sent.headers.authorization).toBe('Bearer sk-upstream-secret');
  });

  it('streams a passthrough call, asking upstream for usage but hiding it when the client did not', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-fake',
      stream: true,
      messages: [{ role: 'user', content: 'x' }],
    });
    let text = '';
    for await (const chunk of stream) {
      expect(chunk.model).toBe('gpt-fake');
      expect(chunk.usage ?? null).toBeNull();
      text += chunk.choices[0]?.delta?.content ?? '';
    }
    expect(text).toBe('Hello from the fake upstream!');
    expect(fake.chatRequests().at(-1)!.body).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('maps upstream errors: 400 keeps status and message, 500 becomes 502, 401 becomes 502', async () => {
    fake.script({
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
    await expect(
      client.chat.completions.create({ model: 'gpt-fake', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('bad temperature'),
    });
    fake.script(
      { kind: 'error', status: 500 },
      { kind: 'error', status: 500 },
      { kind: 'error', status: 500 },
    );
    await expect(
      client.chat.completions.create({ model: 'gpt-fake', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toMatchObject({
      status: 502,
      type: 'api_error',
      code: 'upstream_error',
    });
    fake.script({ kind: 'error', status: 401 });
    await expect(
      client.chat.completions.create({ model: 'gpt-fake', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toMatchObject({ status: 502 });
  });

  it('rejects a wrong key, a missing model and an unknown model with OpenAI-shaped errors', async () => {
    const bad = new OpenAI({ apiKey: 'sk-sb-wrong', baseURL: `${gw.url}/v1`, maxRetries: 0 });
    await expect(
      bad.chat.completions.create({ model: 'demo', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toMatchObject({
      status: 401,
      code: 'invalid_api_key',
      type: 'authentication_error',
    });
    await expect(
      client.chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toMatchObject({
      status: 404,
      code: 'model_not_found',
    });
    const res = await post('/v1/chat/completions', { messages: [{ role: 'user', content: 'x' }] });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: {
        message: "Missing required parameter: 'model'",
        type: 'invalid_request_error',
        param: 'model',
        code: 'invalid_request_error',
      },
    });
  });

  it('names the field in validation errors and rejects invalid JSON', async () => {
    const res = await post('/v1/chat/completions', {
      model: 'demo',
      messages: [{ role: 'wizard', content: 'x' }],
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as DialectErrorBody).error.param).toBe('messages[0].role');
    const invalid = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: auth(),
      body: '{"model":',
    });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as DialectErrorBody).error).toMatchObject({
      code: 'invalid_json',
      type: 'invalid_request_error',
    });
  });

  /** Both HTTP stacks: the fast listener (chat, embeddings, generateContent) and Nest/Express (the rest). */
  const BODY_ROUTES = [
    '/v1/chat/completions',
    '/v1/embeddings',
    '/v1beta/models/demo:generateContent',
    '/v1beta/cachedContents',
    '/admin/keys',
    '/v1/messages',
  ];
  const send = (path: string, headers: Record<string, string>, body: string | Uint8Array) =>
    fetch(`${gw.url}${path}`, { method: 'POST', headers, body });

  it('answers a request without a valid key 401 before anything about its body, on both stacks', async () => {
    const bodies: Array<[Record<string, string>, string]> = [
      [{ 'content-type': 'application/json' }, '{"model":'],
      [{ 'content-type': 'text/plain' }, 'hello'],
      [{ 'content-type': 'application/json', authorization: 'Bearer sk-sb-wrong' }, '{"model":'],
      [{ 'content-type': 'text/plain', 'x-goog-api-key': 'sk-sb-wrong' }, '{}'],
    ];
    const got: string[] = [];
    for (const path of BODY_ROUTES)
      for (const [headers, body] of bodies) {
        const res = await send(path, headers, body);
        const { error } = (await res.json()) as DialectErrorBody;
        got.push(`${path} ${res.status} ${error.status ?? error.type}`);
      }
    const want = BODY_ROUTES.flatMap((path) =>
      bodies.map(
        () => `${path} 401 ${path.startsWith('/v1beta') ? 'UNAUTHENTICATED' : 'authentication_error'}`,
      ),
    );
    expect(got).toEqual(want);
    // A body announced above the size limit: refused before it is read, still 401 first.
    for (const path of ['/v1/chat/completions', '/admin/keys'])
      expect(await announceHugeBody(path)).toBe(401);
  });

  /** Sends only the headers of a body declared over SWITCHBOARD_MAX_BODY_BYTES; the answer's status. */
  function announceHugeBody(path: string): Promise<number | undefined> {
    return new Promise((resolve, reject) => {
      const req = request(`${gw.url}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': String(gw.config.maxBodyBytes + 1),
        },
      });
      req.on('response', (res) => {
        resolve(res.statusCode);
        req.destroy();
      });
      req.on('error', reject);
      req.flushHeaders();
    });
  }

  it('names the content type of a body not sent as JSON, in the caller’s dialect', async () => {
    for (const path of BODY_ROUTES) {
      const res = await send(
        path,
        { authorization: `Bearer ${gw.masterKey}`, 'content-type': 'text/plain;charset=UTF-8' },
        JSON.stringify({ model: 'demo', messages: [{ role: 'user', content: 'x' }] }),
      );
      // The admin API takes application/json only: 415 there, 400 on the dialect routes.
      const status = path.startsWith('/admin') ? 415 : 400;
      expect({ path, status: res.status }).toEqual({ path, status });
      const body = (await res.json()) as DialectErrorBody;
      const message = "'content-type: text/plain;charset=UTF-8'";
      if (path.startsWith('/v1beta'))
        expect(body.error).toEqual({
          code: 400,
          status: 'INVALID_ARGUMENT',
          message: expect.stringContaining(message),
        });
      else if (path === '/v1/messages')
        expect(body.error).toEqual({
          type: 'invalid_request_error',
          message: expect.stringContaining(message),
        });
      else
        expect(body.error).toEqual({
          type: 'invalid_request_error',
          code: 'unsupported_content_type',
          param: 'content-type',
          message: expect.stringContaining(message),
        });
      expect(body.error.message).toContain('application/json');
    }
    const bare = await send(
      '/v1/chat/completions',
      { authorization: `Bearer ${gw.masterKey}` },
      new Uint8Array([123, 125]),
    );
    expect(bare.status).toBe(400);
    expect(((await bare.json()) as DialectErrorBody).error.message).toContain('no content-type');
  });

  it('answers every dialect prefix in its own error shape, before its endpoints exist', async () => {
    const cases: Array<[string, Record<string, string>, (b: DialectErrorBody) => void]> = [
      [
        '/v1/messages',
        { 'x-api-key': 'bad' },
        (b) => expect(b).toMatchObject({ type: 'error', error: { type: 'authentication_error' } }),
      ],
      [
        '/v1beta/models/gemini-2.5-flash:generateContent',
        { 'x-goog-api-key': 'bad' },
        (b) =>
          expect(b).toEqual({ error: { code: 401, message: expect.any(String), status: 'UNAUTHENTICATED' } }),
      ],
      ['/gemini/v1beta/models/x:generateContent', {}, (b) => expect(b.error.status).toBe('UNAUTHENTICATED')],
      [
        '/kling/v1/videos/text2video',
        { authorization: 'Bearer bad' },
        (b) => expect(b).toMatchObject({ code: 1000, request_id: expect.any(String) }),
      ],
      [
        '/seedance/api/v3/contents/generations/tasks',
        {},
        (b) => expect(b).toMatchObject({ error: { code: 'AuthenticationError' } }),
      ],
    ];
    const messages = new Set<string>();
    for (const [path, headers, check] of cases) {
      const res = await fetch(`${gw.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: '{}',
      });
      expect(res.status).toBe(401);
      const body = (await res.json()) as DialectErrorBody;
      check(body);
      messages.add(JSON.stringify(body).includes('Invalid API key') ? 'same' : JSON.stringify(body));
    }
    expect(messages).toEqual(new Set(['same']));
  });

  it('echoes a valid x-request-id and replaces an invalid one', async () => {
    const ok = await fetch(`${gw.url}/v1/models`, {
      headers: { ...auth(), 'x-request-id': 'client-req.42' },
    });
    expect(ok.headers.get('x-request-id')).toBe('client-req.42');
    const bad = await fetch(`${gw.url}/v1/models`, {
      headers: { ...auth(), 'x-request-id': 'bad id with spaces' },
    });
    expect(bad.headers.get('x-request-id')).toMatch(/^req_/);
  });

  it('lists models, with and without the /v1 prefix, and serves health and docs', async () => {
    const list = await client.models.list();
    expect(list.data.map((m) => m.id).sort()).toEqual(['demo', 'gpt-fake']);
    const bare = await fetch(`${gw.url}/models`, { headers: auth() });
    expect(((await bare.json()) as { data: OpenAI.Models.Model[] }).data).toHaveLength(2);
    expect((await fetch(`${gw.url}/health/live`)).status).toBe(200);
    expect(await (await fetch(`${gw.url}/health/ready`)).json()).toEqual({
      status: 'ok',
      postgres: true,
      redis: true,
      limits: true,
    });
    expect((await fetch(`${gw.url}/docs`)).status).toBe(200);
    const spec = (await (await fetch(`${gw.url}/docs-json`)).json()) as {
      paths: Record<string, unknown>;
      components: { securitySchemes: Record<string, unknown> };
    };
    expect(Object.keys(spec.paths)).toContain('/v1/chat/completions');
    // The key is an opaque virtual API key, not a JWT.
    expect(spec.components.securitySchemes.bearer).toMatchObject({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'API key',
      description: expect.stringContaining('virtual API key'),
    });
    expect(JSON.stringify(spec)).not.toContain('JWT');
  });

  it('serves chat without the /v1 prefix', async () => {
    const noPrefix = new OpenAI({ apiKey: gw.masterKey, baseURL: gw.url, maxRetries: 0 });
    const res = await noPrefix.chat.completions.create({
      model: 'demo',
      messages: [{ role: 'user', content: 'a' }],
    });
    expect(res.choices[0].message.content).toContain('mock response');
  });

  it('writes one usage record per metered request, with exact cost', async () => {
    const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: gw.config.databaseUrl }) });
    try {
      fake.script({ kind: 'text', text: 'priced', usage: { prompt_tokens: 1000, completion_tokens: 2000 } });
      const res = await client.chat.completions
        .create({ model: 'gpt-fake', messages: [{ role: 'user', content: 'cost me' }] })
        .withResponse();
      const requestId = res.response.headers.get('x-request-id')!;
      let row = null;
      for (let i = 0; i < 50 && !row; i++) {
        row = await prisma.usageRecord.findFirst({ where: { requestId } });
        if (!row) await new Promise((r) => setTimeout(r, 100));
      }
      expect(row).toMatchObject({
        model: 'gpt-fake',
        provider: 'openai',
        upstreamModel: 'gpt-4o-mini',
        statusCode: 200,
        promptTokens: 1000,
        completionTokens: 2000,
      });
      // 1000 × 0.15/M + 2000 × 0.60/M = 0.00015 + 0.0012
      expect(row!.costUsd.toFixed()).toBe('0.00135');
    } finally {
      await prisma.$disconnect();
    }
  });

  it('never writes the upstream key or the master key to the logs', () => {
    const all = gw.logs.join('\n');
    expect(all).not.toContain('sk-upstream-secret');
    expect(all).not.toContain(gw.masterKey);
  });

  function auth() {
    return { authorization: `Bearer ${gw.masterKey}`, 'content-type': 'application/json' };
  }
  function post(path: string, body: unknown) {
    return fetch(`${gw.url}${path}`, { method: 'POST', headers: auth(), body: JSON.stringify(body) });
  }
});
