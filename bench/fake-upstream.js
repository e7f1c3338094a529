'use strict';
/**
 * Fake AI upstream for the benchmark: answers instantly, in the exact wire format of
 *   - OpenAI  POST …/chat/completions                         (JSON, or SSE when "stream": true)
 *   - Gemini  POST …/models/<model>:generateContent            (JSON)
 *             POST …/models/<model>:streamGenerateContent?alt=sse (SSE, \r\n\r\n frames, no [DONE])
 *   - Anthropic POST …/v1/messages                             (JSON, or SSE when "stream": true: message_start,
 *             content_block_start, ping, content_block_delta × 9, content_block_stop, message_delta, message_stop;
 *             `x-api-key` and `anthropic-version` required, as Anthropic does)
 * Fault modes for the soak, on the OpenAI chat route only, picked by the upstream model name `fault-<mode>`
 * (or an `x-fake-fault: <mode>` header); any other model answers as above, so the normal bench is unchanged:
 *   500     → 500 in OpenAI's error shape          429 → 429 rate_limit_exceeded (no retry-after)
 *   broken  → stream: 200, three chunks, then the socket is destroyed (no [DONE]); JSON: half a body, destroyed
 *   slow    → the normal answer with 50 ms between stream chunks (for clients that abort mid-stream)
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

/** Anthropic's usage of the answer (providers.md §7.2): input excludes cache reads and writes. */
const ANTHROPIC_INPUT_USAGE = {
  input_tokens: USAGE.prompt_tokens,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 0,
  cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
};

/** A Messages API answer (`type: "message"`), as `POST /v1/messages` returns it without `stream`. */
function anthropicJson(model) {
  return {
    id: `msg_${id()}`,
    type: 'message',
    role: 'assistant',
    model,
    content: [{ type: 'text', text: TEXT }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { ...ANTHROPIC_INPUT_USAGE, output_tokens: USAGE.completion_tokens, service_tier: 'standard' },
  };
}

/**
 * The same answer as Anthropic streams it (providers.md §7.3): `event: <type>` + `data: {"type":<type>,…}`
 * frames, ping after the first content_block_start, cumulative output_tokens in message_delta, no [DONE].
 */
function anthropicChunks(model) {
  const { cache_creation: _split, ...startUsage } = ANTHROPIC_INPUT_USAGE;
  const events = [
    {
      type: 'message_start',
      message: {
        id: `msg_${id()}`,
        type: 'message',
        role: 'assistant',
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...startUsage, output_tokens: 1, service_tier: 'standard' },
      },
    },
    { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
    { type: 'ping' },
    ...PIECES.map((text) => ({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } })),
    { type: 'content_block_stop', index: 0 },
    {
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: USAGE.completion_tokens },
    },
    { type: 'message_stop' },
  ];
  return events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
}

/** Anthropic's error body (providers.md §7.4). */
const anthropicError = (type, message) => ({
  type: 'error',
  error: { type, message },
  request_id: `req_${id()}`,
});

function sendStream(res, frames, headers = {}, delay = DELAY) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...headers });
  let i = 0;
  const next = () => {
    if (res.destroyed) return; // the gateway cancelled the upstream request
    if (i >= frames.length) return res.end();
    res.write(frames[i++]);
    if (delay > 0) setTimeout(next, delay);
    else setImmediate(next); // separate writes, so a buffering proxy shows up in first-byte time
  };
  next();
}

function sendJson(res, status, obj, headers = {}) {
  const body = JSON.stringify(obj);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
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
    const mode = req.headers['x-fake-fault'] || (FAULT_MODEL.exec(model) || [])[1];
    if (mode) return fault(res, mode, model, body);
    if (body.stream) return sendStream(res, openaiChunks(model, !!body.stream_options?.include_usage));
    return sendJson(res, 200, openaiJson(model));
  }
  if (req.method === 'POST' && /\/v1\/messages(\?|$)/.test(url)) return anthropic(req, res, body);
  if (req.method === 'POST' && url.includes(':streamGenerateContent')) return sendStream(res, geminiChunks());
  if (req.method === 'POST' && url.includes(':generateContent')) {
    return sendJson(res, 200, geminiJson(TEXT, true, id()));
  }
  return sendJson(res, 404, { error: { message: `no route ${req.method} ${url}` } });
}

const FAULT_MODEL = /^fault-(\w+)$/;
const SLOW_CHUNK_MS = 50;

/** The soak's fault modes (see the header comment). */
function fault(res, mode, model, body) {
  const stream = !!body.stream;
  const usage = !!body.stream_options?.include_usage;
  if (mode === '500') {
    return sendJson(res, 500, {
      error: { message: 'The server had an error', type: 'server_error', code: null },
    });
  }
  if (mode === '429') {
    const error = { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' };
    return sendJson(res, 429, { error });
  }
  if (mode === 'slow') {
    return stream
      ? sendStream(res, openaiChunks(model, usage), {}, SLOW_CHUNK_MS)
      : sendJson(res, 200, openaiJson(model));
  }
  if (mode === 'broken') {
    if (!stream) {
      const text = JSON.stringify(openaiJson(model));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.write(text.slice(0, text.length >> 1));
      return setImmediate(() => res.socket?.destroy());
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write(openaiChunks(model, usage).slice(0, 3).join(''));
    return setImmediate(() => res.socket?.destroy());
  }
  return sendJson(res, 400, {
    error: { message: `unknown fault mode ${mode}`, type: 'invalid_request_error' },
  });
}

/** `POST /v1/messages`: the key and version headers checked as Anthropic does, then the answer. */
function anthropic(req, res, body) {
  const headers = { 'request-id': `req_${id()}` };
  if (!req.headers['x-api-key']) {
    return sendJson(
      res,
      401,
      anthropicError('authentication_error', 'x-api-key header is required'),
      headers,
    );
  }
  if (!req.headers['anthropic-version']) {
    return sendJson(
      res,
      400,
      anthropicError('invalid_request_error', 'anthropic-version: header is required'),
      headers,
    );
  }
  const model = body.model || 'claude-sonnet-4-5';
  if (body.stream) {
    const sse = { ...headers, 'content-type': 'text/event-stream; charset=utf-8' };
    return sendStream(res, anthropicChunks(model), sse);
  }
  return sendJson(res, 200, anthropicJson(model), headers);
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
