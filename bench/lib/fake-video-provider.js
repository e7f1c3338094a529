'use strict';
/**
 * A fake Sora-compatible video provider for the video-task bench (plain node:http, answers instantly):
 *   POST /v1/videos       → a Video object `{ id: "video_…", object: "video", status: "queued", … }`
 *   GET  /v1/videos/{id}  → `queued` on the first poll, `in_progress` on the next POLLS-2, then
 *                            `completed` (with the task's `seconds`) from poll number POLLS on
 * Every call needs `Authorization: Bearer <FAKE_VIDEO_KEY>` (401 in OpenAI's error shape otherwise).
 * It records each task's creation time and the arrival time of every poll (ms, `performance.timeOrigin +
 * performance.now()`, the same clock as Date.now()), served to the bench at `GET /__bench/polls`
 * (`{ tasks: { [id]: { created, polls: [t, …] } }, unknown }`).
 *
 * Usage: node bench/lib/fake-video-provider.js   (env FAKE_VIDEO_KEY, FAKE_VIDEO_POLLS, default 10)
 * Prints `LISTENING <port>` on stdout once ready.
 */
const http = require('node:http');
const crypto = require('node:crypto');
const { performance } = require('node:perf_hooks');

const nowMs = () => performance.timeOrigin + performance.now();

/**
 * Starts the fake on `port` (0: any free port). Resolves with { port, tasks, stats(), close() };
 * `tasks` maps the upstream id to { created, seconds, model, prompt, polls: [arrival ms, …] }.
 */
function startFakeVideoProvider({ port = 0, apiKey = 'sk-fake-video', pollsToComplete = 10 } = {}) {
  const tasks = new Map();
  let unknown = 0;

  const send = (res, status, body) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  const openAiError = (res, status, message, type, code, param = null) =>
    send(res, status, { error: { message, type, param, code } });

  const view = (id, t, status, progress) => ({
    id,
    object: 'video',
    model: t.model,
    status,
    progress,
    created_at: Math.floor(t.created / 1000),
    completed_at: status === 'completed' ? Math.floor(nowMs() / 1000) : null,
    expires_at: status === 'completed' ? Math.floor(nowMs() / 1000) + 86_400 : null,
    prompt: t.prompt,
    seconds: t.seconds,
    size: t.size,
    remixed_from_video_id: null,
    error: null,
  });

  const server = http.createServer((req, res) => {
    const arrived = nowMs();
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const path = req.url.split('?')[0];
      if (path === '/__bench/polls' && req.method === 'GET') {
        return send(res, 200, { tasks: Object.fromEntries(tasks), unknown });
      }
      if (req.headers.authorization !== `Bearer ${apiKey}`) {
        return openAiError(
          res,
          401,
          'Incorrect API key provided.',
          'invalid_request_error',
          'invalid_api_key',
        );
      }
      if (path === '/v1/videos' && req.method === 'POST') {
        let body;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          return openAiError(
            res,
            400,
            'We could not parse the JSON body of your request.',
            'invalid_request_error',
            null,
          );
        }
        if (typeof body.prompt !== 'string' || body.prompt === '') {
          return openAiError(
            res,
            400,
            "Missing required parameter: 'prompt'.",
            'invalid_request_error',
            'missing_required_parameter',
            'prompt',
          );
        }
        const id = `video_${crypto.randomBytes(16).toString('hex')}`;
        const t = {
          created: arrived,
          model: typeof body.model === 'string' ? body.model : 'sora-2',
          prompt: body.prompt,
          seconds: typeof body.seconds === 'string' ? body.seconds : '4',
          size: typeof body.size === 'string' ? body.size : '720x1280',
          polls: [],
        };
        tasks.set(id, t);
        return send(res, 200, view(id, t, 'queued', 0));
      }
      const m = /^\/v1\/videos\/([^/]+)$/.exec(path);
      if (m && req.method === 'GET') {
        const t = tasks.get(decodeURIComponent(m[1]));
        if (!t) {
          unknown++;
          return openAiError(res, 404, `Video '${m[1]}' not found.`, 'invalid_request_error', 'not_found');
        }
        t.polls.push(arrived);
        const n = t.polls.length;
        if (n >= pollsToComplete) return send(res, 200, view(m[1], t, 'completed', 100));
        if (n === 1) return send(res, 200, view(m[1], t, 'queued', 0));
        return send(
          res,
          200,
          view(m[1], t, 'in_progress', Math.floor(((n - 1) * 100) / (pollsToComplete - 1))),
        );
      }
      return openAiError(res, 404, `Invalid URL (${req.method} ${path})`, 'invalid_request_error', null);
    });
  });
  server.keepAliveTimeout = 65_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () =>
      resolve({
        port: server.address().port,
        tasks,
        close: () => new Promise((r) => server.close(() => r())),
      }),
    );
  });
}

if (require.main === module) {
  startFakeVideoProvider({
    apiKey: process.env.FAKE_VIDEO_KEY || 'sk-fake-video',
    pollsToComplete: Number(process.env.FAKE_VIDEO_POLLS || 10),
  }).then(({ port }) => process.stdout.write(`LISTENING ${port}\n`));
}

module.exports = { startFakeVideoProvider };
