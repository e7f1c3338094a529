import type { LookupAddress } from 'node:dns';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SafeHttpClient } from './safe-fetch';

/** A resolver (node's `dns.lookup` signature) answering `answers[i]` on its i-th call, the last one after. */
function scriptedLookup(answers: string[]) {
  const calls: string[] = [];
  const lookup = ((host: string, _opts: unknown, cb: (e: Error | null, a: LookupAddress[]) => void) => {
    calls.push(host);
    const ip = answers[Math.min(calls.length - 1, answers.length - 1)];
    cb(null, [{ address: ip, family: ip.includes(':') ? 6 : 4 }]);
  }) as unknown as typeof import('node:dns').lookup;
  return { lookup, calls };
}

describe('SafeHttpClient: SSRF refusals (issue 18)', () => {
  let server: Server;
  let port: number;
  let hits = 0;

  beforeAll(async () => {
    server = createServer((_req, res) => {
      hits++;
      res.end('secret metadata');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const guarded = () => new SafeHttpClient({ allowPrivate: false });

  it.each([
    ['loopback', 'http://127.0.0.1:PORT/'],
    ['loopback, other address', 'http://127.1.2.3:PORT/'],
    ['private 10/8', 'http://10.0.0.5:PORT/'],
    ['private 172.16/12', 'http://172.20.1.1:PORT/'],
    ['private 192.168/16', 'http://192.168.0.1:PORT/'],
    ['cloud metadata (link-local)', 'http://169.254.169.254:PORT/latest/meta-data/'],
    ['IPv6 loopback', 'http://[::1]:PORT/'],
    ['IPv6 unique-local', 'http://[fd00::1]:PORT/'],
    ['IPv6 link-local', 'http://[fe80::1]:PORT/'],
    ['IPv4-mapped IPv6', 'http://[::ffff:127.0.0.1]:PORT/'],
    ['IPv4-mapped IPv6, hex', 'http://[::ffff:7f00:1]:PORT/'],
    ['IPv4-mapped metadata', 'http://[::ffff:169.254.169.254]:PORT/'],
    ['decimal IPv4', 'http://2130706433:PORT/'],
    ['octal IPv4', 'http://0177.0.0.1:PORT/'],
    ['hex IPv4', 'http://0x7f.0.0.1:PORT/'],
    ['short IPv4', 'http://127.1:PORT/'],
    ['unspecified', 'http://0.0.0.0:PORT/'],
    ['localhost by name', 'http://localhost:PORT/'],
  ])('refuses %s (%s)', async (_what, url) => {
    const client = guarded();
    const before = hits;
    await expect(client.fetch(url.replace('PORT', String(port)), { maxBytes: 1024 })).rejects.toMatchObject({
      kind: 'refused',
    });
    expect(hits).toBe(before);
    await client.close();
  });

  it('DNS rebinding: a name that resolves public first and private at connect time is refused', async () => {
    // First answer (the pre-check) is public, every later one (the socket's own lookup) is loopback.
    const { lookup, calls } = scriptedLookup(['93.184.216.34', '127.0.0.1']);
    const client = new SafeHttpClient({ allowPrivate: false, lookup });
    const before = hits;
    await expect(client.fetch(`http://rebind.example:${port}/`, { maxBytes: 1024 })).rejects.toMatchObject({
      kind: 'refused',
      message: expect.stringContaining('127.0.0.1'),
    });
    expect(calls.length).toBeGreaterThanOrEqual(2);
    expect(hits).toBe(before);
    await client.close();
  });

  it('a name resolving to a private address is refused before any connection', async () => {
    const { lookup } = scriptedLookup(['10.1.2.3']);
    const client = new SafeHttpClient({ allowPrivate: false, lookup });
    await expect(client.fetch('http://internal.example/', { maxBytes: 1024 })).rejects.toMatchObject({
      kind: 'refused',
      message: expect.stringContaining('"internal.example" resolves to 10.1.2.3'),
    });
    await client.close();
  });

  it('streams (open) through the same guard, and follows redirects hop by hop', async () => {
    const refused = guarded();
    await expect(refused.open(`http://127.0.0.1:${port}/video.mp4`)).rejects.toMatchObject({
      kind: 'refused',
    });
    await refused.close();
    const allowed = new SafeHttpClient({ allowPrivate: true });
    const res = await allowed.open(`http://127.0.0.1:${port}/video.mp4`);
    const chunks: Buffer[] = [];
    for await (const c of res.body) chunks.push(c);
    expect({ status: res.status, body: Buffer.concat(chunks).toString() }).toEqual({
      status: 200,
      body: 'secret metadata',
    });
    await allowed.close();
  });
});
