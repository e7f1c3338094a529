import { connect } from 'node:net';
import { startGateway, type TestGateway } from './support/gateway';

/** An error answer in the OpenAI/admin, Anthropic or Google shape. */
interface DialectErrorBody {
  type?: string;
  error: { message: string; type?: string; param?: string | null; code?: string | number; status?: string };
}

const MAX_BODY_BYTES = 65_536;
/** One JSON body per route (the value under test goes in `probe`), the caller's dialect by its prefix. */
const ROUTES: Array<[path: string, body: (probe: string) => string]> = [
  ['/v1/chat/completions', (p) => `{"model":"demo","messages":[{"role":"user","content":${p}}]}`],
  ['/v1/embeddings', (p) => `{"model":"demo","input":${p}}`],
  ['/v1/messages', (p) => `{"model":"demo","max_tokens":5,"messages":[{"role":"user","content":${p}}]}`],
  ['/v1beta/models/demo:generateContent', (p) => `{"contents":[{"parts":[{"text":${p}}]}]}`],
  ['/admin/keys', (p) => `{"name":${p}}`],
  ['/admin/teams', (p) => `{"name":${p}}`],
];

/** The 400 every dialect gives, with `message` in it. */
function expectBadRequest(path: string, status: number, body: DialectErrorBody, message: string): void {
  expect({ path, status }).toEqual({ path, status: 400 });
  if (path.startsWith('/v1beta'))
    expect(body.error).toEqual({
      code: 400,
      status: 'INVALID_ARGUMENT',
      message: expect.stringContaining(message),
    });
  else if (path.startsWith('/v1/messages'))
    expect(body).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error', message: expect.stringContaining(message) },
    });
  else
    expect(body.error).toEqual({
      type: 'invalid_request_error',
      param: null,
      code: 'invalid_json',
      message: expect.stringContaining(message),
    });
}

/** What a raw HTTP/1.1 exchange read back: the whole answer as text and whether the socket was reset. */
interface RawExchange {
  answer: string;
  error?: string;
  closedAfterMs: number;
}

/**
 * Sends `head` then `chunks`, `gapMs` apart, reading nothing until it is done sending (as simple
 * clients do): an answer the server sent and then reset the connection on is lost. With
 * `readWhileSending` it reads at once and keeps sending after the answer's end (half-open), then ends.
 */
function rawExchange(
  url: string,
  head: string,
  chunks: Buffer[],
  gapMs: number,
  readWhileSending = false,
): Promise<RawExchange> {
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = connect({
      port: Number(new URL(url).port),
      host: '127.0.0.1',
      allowHalfOpen: readWhileSending,
    });
    let answer = '';
    let error: string | undefined;
    if (!readWhileSending) socket.pause();
    socket.on('data', (d: Buffer) => (answer += d.toString('latin1')));
    socket.on('error', (e: NodeJS.ErrnoException) => (error = e.code ?? e.message));
    socket.on('close', () => resolve({ answer, error, closedAfterMs: Date.now() - started }));
    socket.write(head);
    let i = 0;
    const next = (): void => {
      if (i >= chunks.length || socket.destroyed) {
        if (readWhileSending) socket.end();
        return void socket.resume();
      }
      socket.write(chunks[i++], () => setTimeout(next, gapMs));
    };
    next();
  });
}

/** The status and body of a complete HTTP/1.1 answer with a content-length. */
function parseAnswer(raw: string): { status: number; headers: string; body: string } {
  const end = raw.indexOf('\r\n\r\n');
  const headers = raw.slice(0, end).toLowerCase();
  const length = Number(/content-length: (\d+)/.exec(headers)?.[1]);
  const body = raw.slice(end + 4);
  expect(body.length).toBe(length);
  return { status: Number(raw.split(' ')[1]), headers, body };
}

describe('HTTP bodies: strict JSON, admin content type, 413 read by the client', () => {
  let gw: TestGateway;
  const auth = () => ({ authorization: `Bearer ${gw.masterKey}` });
  const post = (path: string, body: string | Buffer, type = 'application/json', method = 'POST') =>
    fetch(`${gw.url}${path}`, { method, headers: { ...auth(), 'content-type': type }, body });

  beforeAll(async () => {
    gw = await startGateway({ env: { SWITCHBOARD_MAX_BODY_BYTES: String(MAX_BODY_BYTES) } });
  });

  afterAll(async () => {
    await gw?.close();
  });

  it('refuses invalid UTF-8 inside a string with a 400 in the caller’s dialect, on every route', async () => {
    const invalid = Buffer.from([0x22, 0x61, 0xff, 0xfe, 0x22]); // "a\xff\xfe"
    for (const [path, body] of ROUTES) {
      const [before, after] = body('@').split('@');
      const res = await post(path, Buffer.concat([Buffer.from(before), invalid, Buffer.from(after)]));
      expectBadRequest(path, res.status, (await res.json()) as DialectErrorBody, 'not valid UTF-8');
    }
    // Valid UTF-8 beyond ASCII still goes through.
    const ok = await post('/admin/teams', JSON.stringify({ name: 'équipe 東京 🚀' }));
    expect(ok.status).toBe(201);
    expect(await ok.json()).toMatchObject({ name: 'équipe 東京 🚀' });
  });

  it('refuses a 10,000-deep value with a 400 on every route, admin and tool schemas included', async () => {
    const deepArray = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    const deepObject = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
    const bodies: Array<[string, string]> = [
      ...ROUTES.map(([path, body]): [string, string] => [path, body(deepArray)]),
      ['/admin/keys', `{"metadata":{"a":${deepObject}}}`],
      ['/admin/teams', `{"a":${deepArray}}`],
      [
        '/v1/chat/completions',
        `{"model":"demo","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":${deepObject}}}]}`,
      ],
      [
        '/v1/messages',
        `{"model":"demo","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"tools":[{"name":"f","input_schema":${deepObject}}]}`,
      ],
    ];
    for (const [path, body] of bodies) {
      const res = await post(path, body);
      expectBadRequest(path, res.status, (await res.json()) as DialectErrorBody, 'deeper than 128 levels');
    }
  });

  it('answers 415 naming the content type for an admin write not sent as application/json', async () => {
    const created = await post(
      '/admin/keys',
      JSON.stringify({ name: 'typed' }),
      'application/json; charset=utf-8',
    );
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const writes: Array<[string, string, string, string]> = [
      ['POST', '/admin/keys', 'name=x', 'application/x-www-form-urlencoded'],
      ['POST', '/admin/teams', 'name=x', 'application/x-www-form-urlencoded'],
      ['POST', '/admin/teams', '{"name":"x"}', 'text/plain'],
      ['POST', '/admin/keys', '{"name":"x"}', 'application/vnd.api+json'],
      ['PATCH', `/admin/keys/${id}`, 'name=y', 'application/x-www-form-urlencoded'],
      ['POST', `/admin/keys/${id}/rotate`, 'grace_period_seconds=5', 'application/x-www-form-urlencoded'],
      ['PUT', '/admin/router', 'strategy=x', 'multipart/form-data; boundary=b'],
    ];
    for (const [method, path, body, type] of writes) {
      const res = await post(path, body, type, method);
      expect({ path, type, status: res.status }).toEqual({ path, type, status: 415 });
      expect(((await res.json()) as DialectErrorBody).error).toEqual({
        type: 'invalid_request_error',
        param: 'content-type',
        code: 'unsupported_content_type',
        message: expect.stringContaining(`'content-type: ${type}'`),
      });
    }
    const untyped = await fetch(`${gw.url}/admin/teams`, {
      method: 'POST',
      headers: auth(),
      body: new Uint8Array(Buffer.from('{"name":"x"}')),
    });
    expect(untyped.status).toBe(415);
    expect(((await untyped.json()) as DialectErrorBody).error.message).toContain('no content-type');
    // Body-less writes keep working, with or without a content type.
    const rotate = await fetch(`${gw.url}/admin/keys/${id}/rotate`, { method: 'POST', headers: auth() });
    expect(rotate.status).toBe(200);
    const revoke = await fetch(`${gw.url}/admin/keys/${id}/revoke`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'text/plain' },
    });
    expect(revoke.status).toBe(200);
    // Inference routes keep their 400 for a body not sent as JSON.
    expect((await post('/v1/chat/completions', 'a=1', 'application/x-www-form-urlencoded')).status).toBe(400);
  });

  describe('a body over the limit: the client reads the whole 413 before the connection closes', () => {
    const chunk = Buffer.alloc(16_384, 0x20);
    const chunks = Array.from({ length: 32 }, () => chunk); // 512 KiB, 8× the limit
    const chunked = [
      ...chunks.map((c) => Buffer.concat([Buffer.from('4000\r\n'), c, Buffer.from('\r\n')])),
      Buffer.from('0\r\n\r\n'),
    ];
    const head = (path: string, framing: string, connection: string) =>
      `POST ${path} HTTP/1.1\r\nhost: gw\r\nauthorization: Bearer ${gw.masterKey}\r\n` +
      `content-type: ${path.includes('audio') ? 'multipart/form-data; boundary=b' : 'application/json'}\r\n` +
      `${framing}\r\nconnection: ${connection}\r\n\r\n`;

    const cases: Array<[string, string, string]> = [];
    for (const path of ['/v1/chat/completions', '/admin/keys', '/v1/audio/transcriptions'])
      for (const framing of [`content-length: ${32 * 16_384}`, 'transfer-encoding: chunked'])
        for (const connection of ['close', 'keep-alive']) cases.push([path, framing, connection]);

    it.each(cases)('%s, %s, connection: %s (three times)', async (path, framing, connection) => {
      const body = framing.startsWith('transfer') ? chunked : chunks;
      for (let round = 0; round < 3; round++) {
        const { answer, error } = await rawExchange(gw.url, head(path, framing, connection), body, 1);
        expect({ round, error, start: answer.slice(0, 12) }).toEqual({
          round,
          error: undefined,
          start: 'HTTP/1.1 413',
        });
        const parsed = parseAnswer(answer);
        expect(parsed.headers).toContain('connection: close');
        expect(JSON.parse(parsed.body)).toMatchObject({ error: { code: 'request_too_large' } });
      }
    });

    it('stops reading a body that does not end, after a bounded time', async () => {
      const slow = Array.from({ length: 400 }, () => Buffer.alloc(1024, 0x20));
      const exchange = await rawExchange(
        gw.url,
        head('/v1/chat/completions', 'content-length: 100000000', 'close'),
        slow,
        10,
        true,
      );
      expect(exchange.answer.slice(0, 12)).toBe('HTTP/1.1 413');
      expect(exchange.closedAfterMs).toBeGreaterThan(1_500);
      expect(exchange.closedAfterMs).toBeLessThan(3_500);
    });
  });
});
