import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isPrivateAddress, SafeHttpClient } from './safe-fetch';

describe('isPrivateAddress', () => {
  it.each([
    '127.0.0.1',
    '127.255.255.254',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::',
    '::1',
    'fe80::1',
    'fe80::1%eth0',
    'fc00::1',
    'fd12:3456:789a::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.0.0.1',
    '64:ff9b::a00:1',
    '2002:c0a8:101::1',
    '::127.0.0.1',
    'not-an-ip',
  ])('refuses %s', (ip) => expect(isPrivateAddress(ip)).toBe(true));

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '172.32.0.1',
    '100.128.0.1',
    '2001:4860:4860::8888',
    '::ffff:8.8.8.8',
    '2606:4700::1111',
  ])('allows %s', (ip) => expect(isPrivateAddress(ip)).toBe(false));
});

describe('SafeHttpClient', () => {
  let server: Server;
  let base: string;
  const big = Buffer.alloc(64 * 1024, 7);

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/img') {
        res.writeHead(200, { 'content-type': 'image/png' });
        res.end(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
      } else if (req.url === '/redirect-local') {
        res.writeHead(302, { location: `http://127.0.0.2:${(server.address() as AddressInfo).port}/img` });
        res.end();
      } else if (req.url === '/redirect-same') {
        res.writeHead(302, { location: '/img' });
        res.end();
      } else if (req.url === '/loop') {
        res.writeHead(302, { location: '/loop' });
        res.end();
      } else if (req.url === '/big-chunked') {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.write(big);
        res.end(big);
      } else if (req.url === '/slow') {
        setTimeout(() => res.end('late'), 2000).unref();
      } else {
        res.writeHead(404);
        res.end('nope');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('fetches when private URLs are allowed, following redirects', async () => {
    const client = new SafeHttpClient({ allowPrivate: true });
    const res = await client.fetch(`${base}/redirect-same`, { maxBytes: 1024 });
    expect(res.status).toBe(200);
    expect(res.url).toBe(`${base}/img`);
    expect(res.body).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    await client.close();
  });

  it('refuses loopback literals and names resolving to loopback (every address checked)', async () => {
    const client = new SafeHttpClient({ allowPrivate: false });
    await expect(client.fetch(`${base}/img`, { maxBytes: 1024 })).rejects.toMatchObject({ kind: 'refused' });
    const port = (server.address() as AddressInfo).port;
    await expect(client.fetch(`http://localhost:${port}/img`, { maxBytes: 1024 })).rejects.toMatchObject({
      kind: 'refused',
      message: expect.stringContaining('"localhost" resolves to'),
    });
    await expect(client.fetch(`http://[::1]:${port}/img`, { maxBytes: 1024 })).rejects.toMatchObject({
      kind: 'refused',
    });
    await client.close();
  });

  it('checks every redirect hop', async () => {
    // 127.0.0.1 is let through, everything else is "private": the redirect to 127.0.0.2 is refused.
    const client = new SafeHttpClient({ allowPrivate: false, isBlockedAddress: (ip) => ip !== '127.0.0.1' });
    await expect(client.fetch(`${base}/img`, { maxBytes: 1024 })).resolves.toMatchObject({ status: 200 });
    await expect(client.fetch(`${base}/redirect-local`, { maxBytes: 1024 })).rejects.toMatchObject({
      kind: 'refused',
    });
    await client.close();
  });

  it('caps bodies, redirects and time', async () => {
    const client = new SafeHttpClient({ allowPrivate: true });
    await expect(client.fetch(`${base}/big-chunked`, { maxBytes: 100_000 })).rejects.toMatchObject({
      kind: 'too_large',
    });
    await expect(client.fetch(`${base}/big-chunked`, { maxBytes: 200_000 })).resolves.toMatchObject({
      status: 200,
    });
    await expect(client.fetch(`${base}/loop`, { maxBytes: 1024 })).rejects.toMatchObject({
      kind: 'redirects',
    });
    await expect(client.fetch(`${base}/slow`, { maxBytes: 1024, timeoutMs: 200 })).rejects.toMatchObject({
      kind: 'timeout',
    });
    await expect(client.fetch('ftp://example.com/x', { maxBytes: 1024 })).rejects.toMatchObject({
      kind: 'invalid_url',
    });
    await expect(client.fetch(`${base}/missing`, { maxBytes: 1024 })).resolves.toMatchObject({ status: 404 });
    await client.close();
  });
});
