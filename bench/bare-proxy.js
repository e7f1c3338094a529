'use strict';
/**
 * The "physical limit" reference: the thinnest useful reverse proxy in node:http.
 * Streams every request to UPSTREAM (a keep-alive agent) and the answer back, chunk by chunk.
 * Usage: node bench/bare-proxy.js --upstream=http://127.0.0.1:PORT [--port=N]
 * Prints `LISTENING <port>` on stdout once ready.
 */
const http = require('node:http');

const arg = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const upstream = new URL(arg('upstream') || process.env.UPSTREAM || 'http://127.0.0.1:8080');
const agent = new http.Agent({ keepAlive: true, maxSockets: 1024, maxFreeSockets: 1024 });

const HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te']);

const server = http.createServer((req, res) => {
  const headers = {};
  for (const [k, v] of Object.entries(req.headers)) if (!HOP.has(k)) headers[k] = v;
  headers.host = upstream.host;
  const up = http.request(
    { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent },
    (upRes) => {
      const out = {};
      for (const [k, v] of Object.entries(upRes.headers)) if (!HOP.has(k)) out[k] = v;
      res.writeHead(upRes.statusCode || 502, out);
      upRes.pipe(res);
    },
  );
  up.on('error', () => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
  req.pipe(up);
});
server.keepAliveTimeout = 60_000;
server.listen(Number(arg('port') || 0), '127.0.0.1', () => console.log(`LISTENING ${server.address().port}`));
