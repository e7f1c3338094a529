'use strict';
/**
 * Fake AI upstream for the benchmark: answers instantly, in the exact wire format of
 *   - OpenAI  POST …/chat/completions                         (JSON, or SSE when "stream": true)
 *   - Gemini  POST …/models/<model>:generateContent            (JSON)
 *             POST …/models/<model>:streamGenerateContent?alt=sse (SSE, \r\n\r\n frames, no [DONE])
 * Anything else answers 404. Usage: node bench/fake-upstream.js [--port=N]
 * Prints `LISTENING <port>` on stdout once ready. FAKE_CHUNK_DELAY_MS (default 0) spaces stream chunks.
 */
const http = require('node:http');
const crypto = require('node:crypto');

const TEXT = 'Hello! How can I help you today?';
const PIECES = ['Hello', '!', ' How', ' can', ' I', ' help', ' you', ' today', '?'];
const USAGE = { prompt_tokens: 9, completion_tokens: 9, total_tokens: 18 };
const DELAY = Number(process.env.FAKE_CHUNK_DELAY_MS || 0);

const id = () => crypto.randomBytes(12).toString('hex');
const now = () => Math.floor(Date.now() / 1000);

function openaiJson(model) {
  return {
    id: `chatcmpl-${id()}`,
    object: 'chat.completion',
    created: now(),
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: TEXT, refusal: null },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: {
      ...USAGE,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    },
  };
}

function openaiChunks(model, includeUsage) {
  const base = { id: `chatcmpl-${id()}`, object: 'chat.completion.chunk', created: now(), model };
  const choice = (delta, finish) => ({ index: 0, delta, logprobs: null, finish_reason: finish });
  const chunks = [{ ...base, choices: [choice({ role: 'assistant', content: '', refusal: null }, null)] }];
  for (const p of PIECES) chunks.push({ ...base, choices: [choice({ content: p }, null)] });
  chunks.push({ ...base, choices: [choice({}, 'stop')] });
  if (includeUsage) {
    chunks.push({
      ...base,
      choices: [],
      usage: {
        ...USAGE,
        prompt_tokens_details: { cached_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0 },
      },
    });
  }
  return chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).concat('data: [DONE]\n\n');
}

function geminiJson(text, last, responseId) {
  const content = { role: 'model', parts: [{ text }] };
  const cand = last ? { content, finishReason: 'STOP', index: 0 } : { content, index: 0 };
  const out = { candidates: [cand] };
  if (last) {
    out.usageMetadata = { promptTokenCount: 9, candidatesTokenCount: 9, totalTokenCount: 18 };
  }
  out.modelVersion = 'gemini-2.5-flash';
  out.responseId = responseId;
  return out;
}

function geminiChunks() {
  const rid = id();
  const parts = ['Hello! How', ' can I help', ' you today?'];
  return parts.map((t, i) => `data: ${JSON.stringify(geminiJson(t, i === parts.length - 1, rid))}\r\n\r\n`);
}

function sendStream(res, frames) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  let i = 0;
  const next = () => {
    if (i >= frames.length) return res.end();
    res.write(frames[i++]);
    if (DELAY > 0) setTimeout(next, DELAY);
    else setImmediate(next); // separate writes, so a buffering proxy shows up in first-byte time
  };
  next();
}

function sendJson(res, status, obj) {
  const body = JSON.stringify(obj);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function handle(req, res, raw) {
  let body = {};
  try {
    body = raw.length ? JSON.parse(raw) : {};
  } catch {
    return sendJson(res, 400, { error: { message: 'invalid JSON', type: 'invalid_request_error' } });
  }
  const url = req.url || '';
  if (req.method === 'POST' && /\/chat\/completions(\?|$)/.test(url)) {
    const model = body.model || 'gpt-4o-mini';
    if (body.stream) return sendStream(res, openaiChunks(model, !!body.stream_options?.include_usage));
    return sendJson(res, 200, openaiJson(model));
  }
  if (req.method === 'POST' && url.includes(':streamGenerateContent')) return sendStream(res, geminiChunks());
  if (req.method === 'POST' && url.includes(':generateContent')) {
    return sendJson(res, 200, geminiJson(TEXT, true, id()));
  }
  return sendJson(res, 404, { error: { message: `no route ${req.method} ${url}` } });
}

function start(port = 0) {
  const server = http.createServer((req, res) => {
    const parts = [];
    req.on('data', (c) => parts.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(parts).toString('utf8')));
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

if (require.main === module) {
  const arg = process.argv.find((a) => a.startsWith('--port='));
  start(arg ? Number(arg.slice(7)) : 0).then((s) => console.log(`LISTENING ${s.address().port}`));
}

module.exports = { start };
