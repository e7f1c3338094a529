import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { queueHeader, writeHeadWithQueued } from './response-headers';

function fetchHeaders(handler: Parameters<typeof createServer>[1]): Promise<IncomingHttpHeaders> {
  const server = createServer(handler);
  return new Promise((resolve, reject) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      request({ port, host: '127.0.0.1' }, (res) => {
        res.resume();
        res.on('end', () => server.close(() => resolve(res.headers)));
      })
        .on('error', reject)
        .end();
    });
  });
}

describe('queued response headers', () => {
  it('go out with the status line, before the extra headers', async () => {
    const headers = await fetchHeaders((_req, res) => {
      queueHeader(res, 'x-request-id', 'req-1');
      queueHeader(res, 'x-ratelimit-limit-requests', '10');
      writeHeadWithQueued(res, 200, ['content-type', 'text/plain']);
      res.end('ok');
    });
    expect(headers).toMatchObject({
      'x-request-id': 'req-1',
      'x-ratelimit-limit-requests': '10',
      'content-type': 'text/plain',
    });
  });

  it('merge with headers already set the usual way', async () => {
    const headers = await fetchHeaders((_req, res) => {
      res.setHeader('retry-after', '3');
      queueHeader(res, 'x-request-id', 'req-2');
      writeHeadWithQueued(res, 429, []);
      res.end();
    });
    expect(headers).toMatchObject({ 'retry-after': '3', 'x-request-id': 'req-2' });
  });
});
