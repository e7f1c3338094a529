import type { ServerResponse } from 'node:http';
import busboy from 'busboy';
import { fakeOpenAiAudio } from './fake-openai-audio';
import { fakeOpenAiResponses } from './fake-openai-responses';
import { sendJson, sleep, startFakeServer, type CapturedRequest, type FakeServer } from './fake-http';

/** Usage figures a scripted reply answers with (default {@link DEFAULT_USAGE}). */
export interface FakeOpenAiUsage {
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens?: number;
  reasoning_tokens?: number;
}

/**
 * DeepSeek's extras on the OpenAI wire: `reasoning_content` on the message (and in stream deltas,
 * before the answer), and cache hits told as `prompt_cache_hit_tokens` / `prompt_cache_miss_tokens`
 * (no `prompt_tokens_details`).
 */
export interface FakeDeepSeekStyle {
  reasoning?: string;
  deepseekUsage?: boolean;
}

/** A scripted reply for the next request(s); unscripted requests get the default answer. */
export type FakeOpenAiReply =
  | { kind: 'error'; status: number; body?: unknown; headers?: Record<string, string> }
  | { kind: 'reset' }
  | ({ kind: 'text'; text: string; usage?: FakeOpenAiUsage } & FakeDeepSeekStyle)
  | ({
      kind: 'tool_call';
      name: string;
      arguments: string;
      /** The call's id (default `call_<n>`, n counting the fake's answers). */
      id?: string;
      usage?: FakeOpenAiUsage;
    } & FakeDeepSeekStyle)
  | { kind: 'slow'; delayMs: number }
  | { kind: 'broken_stream'; afterChunks: number }
  /** A stream with `delayMs` before each piece of `text` (6 characters a piece; default the usual answer). */
  | { kind: 'stream_chunk_delay'; delayMs: number; text?: string };

export interface FakeOpenAi extends FakeServer {
  /** Queue replies, consumed one per request in order. */
  script(...replies: FakeOpenAiReply[]): void;
  /** Drop the replies queued by `script` and not yet used. */
  clearScripts(): void;
  /** Requests to chat completions only. */
  chatRequests(): CapturedRequest[];
  /** Requests to legacy completions (`/v1/completions`) only. */
  completionRequests(): CapturedRequest[];
  /** Requests to `/images/generations` and `/images/edits`. */
  imageRequests(): CapturedRequest[];
  /** Requests to `/responses` (the Responses API, answered by fake-openai-responses.ts). */
  responsesRequests(): CapturedRequest[];
}

/** A 1×1 transparent PNG, base64: what the fake's images answers carry. */
export const TINY_PNG_B64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

/** The gpt-image usage the fake's images answers report, per image. */
export const IMAGE_USAGE_PER_IMAGE = { input_tokens: 20, output_tokens: 272 };

/** One part of an edit's form, as the fake read it. */
export interface FakeFormPart {
  field: string;
  /** Text fields: the value; files: undefined. */
  value?: string;
  filename?: string;
  contentType?: string;
  bytes?: number;
}

export const DEFAULT_USAGE = { prompt_tokens: 11, completion_tokens: 7 };

/**
 * Fake OpenAI upstream speaking the exact wire format (providers.md §6): chat completions JSON and SSE
 * (`data:` frames, usage chunk with `choices: []` before `[DONE]` when `stream_options.include_usage`),
 * legacy completions (`text_completion`, JSON and SSE alike), embeddings, audio (fake-openai-audio.ts),
 * images (generations JSON, edits multipart), models, Bearer auth, OpenAI error bodies, 429 with
 * retry-after, resets, slow and broken streams.
 */
export async function startFakeOpenAi(opts: { apiKey?: string } = {}): Promise<FakeOpenAi> {
  const queue: FakeOpenAiReply[] = [];
  let counter = 0;
  const fake = await startFakeServer(async (req, res) => {
    if (opts.apiKey && req.headers.authorization !== `Bearer ${opts.apiKey}`) {
      return sendJson(res, 401, {
        error: {
          message: 'Incorrect API key provided',
          type: 'invalid_request_error',
          param: null,
          code: 'invalid_api_key',
        },
      });
    }
    if (req.path.endsWith('/models') && req.method === 'GET') {
      return sendJson(res, 200, {
        object: 'list',
        data: [{ id: 'gpt-4o-mini', object: 'model', created: 1, owned_by: 'openai' }],
      });
    }
    if (req.path.endsWith('/embeddings')) return embeddings(req, res);
    if (req.path.endsWith('/responses') && req.method === 'POST') {
      const reply = queue.shift();
      if (reply?.kind === 'error')
        return sendJson(res, reply.status, reply.body ?? errorBody(reply.status), reply.headers);
      if (reply?.kind === 'reset') return void res.socket?.destroy();
      const scripted = reply?.kind === 'text' || reply?.kind === 'tool_call' ? reply : undefined;
      return fakeOpenAiResponses(req, res, ++counter, scripted);
    }
    if (req.path.includes('/audio/')) {
      const head = queue[0];
      if (head?.kind === 'slow') {
        queue.shift();
        await sleep(head.delayMs);
      }
      if (await fakeOpenAiAudio(req, res)) return;
    }
    if (req.path.endsWith('/images/generations') || req.path.endsWith('/images/edits'))
      return images(req, res, queue.shift());
    if (req.path.endsWith('/completions') && !req.path.endsWith('/chat/completions'))
      return legacyCompletion(req, res, queue.shift(), `cmpl-fake${++counter}`);
    if (!req.path.endsWith('/chat/completions')) {
      return sendJson(res, 404, {
        error: {
          message: `Unknown path ${req.path}`,
          type: 'invalid_request_error',
          param: null,
          code: 'unknown_url',
        },
      });
    }
    const reply = queue.shift();
    const id = `chatcmpl-fake${++counter}`;
    if (reply?.kind === 'error')
      return sendJson(res, reply.status, reply.body ?? errorBody(reply.status), reply.headers);
    if (reply?.kind === 'reset') {
      res.socket?.destroy();
      return;
    }
    if (reply?.kind === 'slow') await sleep(reply.delayMs);
    const body = req.body as {
      model: string;
      stream?: boolean;
      stream_options?: { include_usage?: boolean };
      messages: Array<{ content: unknown }>;
    };
    const callId = reply?.kind === 'tool_call' ? (reply.id ?? `call_${counter}`) : '';
    if (body.stream) return stream(res, id, body, reply, callId);
    return sendJson(res, 200, completion(id, body.model, reply, callId));
  });
  return {
    ...fake,
    script: (...replies) => queue.push(...replies),
    clearScripts: () => void queue.splice(0),
    chatRequests: () => fake.requests.filter((r) => r.path.endsWith('/chat/completions')),
    imageRequests: () => fake.requests.filter((r) => r.path.includes('/images/')),
    responsesRequests: () => fake.requests.filter((r) => r.path.endsWith('/responses')),
    completionRequests: () =>
      fake.requests.filter((r) => r.path.endsWith('/completions') && !r.path.endsWith('/chat/completions')),
  };
}

/**
 * `/images/generations` (JSON) and `/images/edits` (multipart: `image` or `image[]` files, optional
 * `mask`, text fields): `n` images of a tiny PNG as `b64_json` (or a `url` when dall-e asks), gpt-image
 * `usage` when the model is a gpt-image one; 400 `invalid_request_error` naming a missing `prompt` or
 * `image`, as OpenAI answers.
 */
async function images(req: CapturedRequest, res: ServerResponse, reply: FakeOpenAiReply | undefined) {
  if (reply?.kind === 'error')
    return sendJson(res, reply.status, reply.body ?? errorBody(reply.status), reply.headers);
  const edit = req.path.endsWith('/edits');
  let fields: Record<string, unknown>;
  let files: FakeFormPart[] = [];
  if (edit) {
    const parts = await parseForm(req);
    if (!parts) return sendJson(res, 400, invalidRequest('Expected a multipart form', null));
    fields = Object.fromEntries(parts.filter((p) => p.value !== undefined).map((p) => [p.field, p.value]));
    files = parts.filter((p) => p.value === undefined);
    if (!files.some((f) => f.field === 'image' || f.field === 'image[]'))
      return sendJson(res, 400, invalidRequest("Missing required parameter: 'image'.", 'image'));
  } else fields = (req.body ?? {}) as Record<string, unknown>;
  if (typeof fields.prompt !== 'string' || !fields.prompt)
    return sendJson(res, 400, invalidRequest("Missing required parameter: 'prompt'.", 'prompt'));
  const n = Number(fields.n ?? 1);
  const model = String(fields.model ?? 'dall-e-2');
  const url = fields.response_format === 'url' || (model === 'dall-e-2' && !fields.response_format);
  const data = Array.from({ length: n }, () =>
    url ? { url: 'https://fake.openai.test/image.png' } : { b64_json: TINY_PNG_B64 },
  );
  const body: Record<string, unknown> = { created: Math.floor(Date.now() / 1000), data };
  if (model.startsWith('gpt-image')) {
    const input = IMAGE_USAGE_PER_IMAGE.input_tokens;
    const output = IMAGE_USAGE_PER_IMAGE.output_tokens * n;
    body.usage = {
      input_tokens: input,
      output_tokens: output,
      total_tokens: input + output,
      input_tokens_details: { text_tokens: input, image_tokens: 0 },
    };
  }
  sendJson(res, 200, body);
}

/** The form of a captured multipart request, or undefined when it is not one. */
function parseForm(req: CapturedRequest): Promise<FakeFormPart[] | undefined> {
  const type = req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data/i.test(type)) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const parts: FakeFormPart[] = [];
    const parser = busboy({ headers: req.headers });
    parser.on('field', (field, value) => parts.push({ field, value }));
    parser.on('file', (field, stream, info) => {
      let bytes = 0;
      stream.on('data', (c: Buffer) => (bytes += c.length));
      stream.on('end', () =>
        parts.push({ field, filename: info.filename, contentType: info.mimeType, bytes }),
      );
    });
    parser.on('close', () => resolve(parts));
    parser.on('error', () => resolve(undefined));
    parser.end(req.raw);
  });
}

/** The captured form of an edit request (for assertions). */
export function formOf(req: CapturedRequest): Promise<FakeFormPart[] | undefined> {
  return parseForm(req);
}

function invalidRequest(message: string, param: string | null) {
  return { error: { message, type: 'invalid_request_error', param, code: null } };
}

function errorBody(status: number) {
  const type =
    status === 429 ? 'rate_limit_exceeded' : status >= 500 ? 'server_error' : 'invalid_request_error';
  return {
    error: {
      message: `fake upstream error ${status}`,
      type,
      param: null,
      code: status === 429 ? 'rate_limit_exceeded' : null,
    },
  };
}

function usageOf(reply?: FakeOpenAiReply) {
  const u: FakeOpenAiUsage =
    (reply?.kind === 'text' || reply?.kind === 'tool_call') && reply.usage ? reply.usage : DEFAULT_USAGE;
  if ((reply?.kind === 'text' || reply?.kind === 'tool_call') && reply.deepseekUsage) {
    const hit = u.cached_tokens ?? 0;
    return {
      prompt_tokens: u.prompt_tokens,
      completion_tokens: u.completion_tokens,
      total_tokens: u.prompt_tokens + u.completion_tokens,
      prompt_cache_hit_tokens: hit,
      prompt_cache_miss_tokens: u.prompt_tokens - hit,
      ...(u.reasoning_tokens ? { completion_tokens_details: { reasoning_tokens: u.reasoning_tokens } } : {}),
    };
  }
  return {
    prompt_tokens: u.prompt_tokens,
    completion_tokens: u.completion_tokens,
    total_tokens: u.prompt_tokens + u.completion_tokens,
    prompt_tokens_details: {
      cached_tokens: 'cached_tokens' in u ? (u.cached_tokens ?? 0) : 0,
      audio_tokens: 0,
    },
    completion_tokens_details: {
      reasoning_tokens: 'reasoning_tokens' in u ? (u.reasoning_tokens ?? 0) : 0,
      audio_tokens: 0,
    },
  };
}

function reasoningOf(reply?: FakeOpenAiReply): string | undefined {
  return reply?.kind === 'text' || reply?.kind === 'tool_call' ? reply.reasoning : undefined;
}

function completion(id: string, model: string, reply: FakeOpenAiReply | undefined, callId: string) {
  const reasoning = reasoningOf(reply);
  const message = {
    ...(reply?.kind === 'tool_call'
      ? {
          role: 'assistant',
          content: null,
          refusal: null,
          tool_calls: [
            { id: callId, type: 'function', function: { name: reply.name, arguments: reply.arguments } },
          ],
        }
      : {
          role: 'assistant',
          content: reply?.kind === 'text' ? reply.text : 'Hello from the fake upstream!',
          refusal: null,
        }),
    ...(reasoning ? { reasoning_content: reasoning } : {}),
  };
  return {
    id,
    object: 'chat.completion',
    created: 1_700_000_000,
    model,
    choices: [
      {
        index: 0,
        message,
        logprobs: null,
        finish_reason: reply?.kind === 'tool_call' ? 'tool_calls' : 'stop',
      },
    ],
    usage: usageOf(reply),
    service_tier: 'default',
    system_fingerprint: 'fp_fake',
  };
}

async function stream(
  res: ServerResponse,
  id: string,
  body: { model: string; stream_options?: { include_usage?: boolean } },
  reply: FakeOpenAiReply | undefined,
  callId: string,
) {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  const includeUsage = body.stream_options?.include_usage === true;
  const base = {
    id,
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model: body.model,
    system_fingerprint: 'fp_fake',
  };
  const frame = (choices: unknown[], usage: unknown = null) =>
    `data: ${JSON.stringify({ ...base, choices, ...(includeUsage ? { usage } : {}) })}\n\n`;
  const text =
    reply?.kind === 'text' || (reply?.kind === 'stream_chunk_delay' && reply.text)
      ? reply.text!
      : 'Hello from the fake upstream!';
  const pieces = text.match(/.{1,6}/g) ?? [''];
  const delay = reply?.kind === 'stream_chunk_delay' ? reply.delayMs : 0;
  res.write(
    frame([
      {
        index: 0,
        // A tool call's stream opens with `content: null`, a text answer's with ''.
        delta: { role: 'assistant', content: reply?.kind === 'tool_call' ? null : '', refusal: null },
        logprobs: null,
        finish_reason: null,
      },
    ]),
  );
  for (const r of (reasoningOf(reply) ?? '').match(/.{1,6}/g) ?? [])
    res.write(frame([{ index: 0, delta: { reasoning_content: r }, logprobs: null, finish_reason: null }]));
  if (reply?.kind === 'tool_call') {
    // OpenAI streams a call as its id and name first, then the arguments in pieces (by `index`).
    const call = { index: 0, id: callId, type: 'function', function: { name: reply.name, arguments: '' } };
    res.write(frame([{ index: 0, delta: { tool_calls: [call] }, logprobs: null, finish_reason: null }]));
    for (const a of reply.arguments.match(/.{1,5}/g) ?? []) {
      const delta = { tool_calls: [{ index: 0, function: { arguments: a } }] };
      res.write(frame([{ index: 0, delta, logprobs: null, finish_reason: null }]));
    }
    res.write(frame([{ index: 0, delta: {}, logprobs: null, finish_reason: 'tool_calls' }]));
    if (includeUsage) res.write(frame([], usageOf(reply)));
    return void res.end('data: [DONE]\n\n');
  }
  for (const [i, p] of pieces.entries()) {
    if (reply?.kind === 'broken_stream' && i >= reply.afterChunks) {
      res.socket?.destroy();
      return;
    }
    if (delay) await sleep(delay);
    if (res.destroyed) return;
    res.write(frame([{ index: 0, delta: { content: p }, logprobs: null, finish_reason: null }]));
  }
  res.write(frame([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }]));
  if (includeUsage) res.write(frame([], usageOf(reply)));
  res.end('data: [DONE]\n\n');
}

function embeddings(req: CapturedRequest, res: ServerResponse) {
  const body = req.body as { model: string; input: string | string[]; encoding_format?: 'float' | 'base64' };
  const inputs = Array.isArray(body.input) ? body.input : [body.input];
  const vector = [0.1, 0.2, 0.3];
  // OpenAI answers little-endian float32 base64 when asked (the openai SDK asks by default).
  const encoded =
    body.encoding_format === 'base64'
      ? Buffer.from(new Float32Array(vector).buffer).toString('base64')
      : vector;
  sendJson(res, 200, {
    object: 'list',
    data: inputs.map((_, index) => ({ object: 'embedding', index, embedding: encoded })),
    model: body.model,
    usage: { prompt_tokens: inputs.length * 3, total_tokens: inputs.length * 3 },
  });
}

/**
 * Legacy `POST /v1/completions`: `text_completion` JSON, or the same object streamed with `text`
 * deltas (`finish_reason` null until the last choice chunk), `usage: null` on each chunk and a usage
 * chunk (`choices: []`) before `[DONE]` when `stream_options.include_usage`. Scripted `text`, `error`
 * and `reset` replies apply; one choice per prompt × `n`.
 */
async function legacyCompletion(
  req: CapturedRequest,
  res: ServerResponse,
  reply: FakeOpenAiReply | undefined,
  id: string,
) {
  if (reply?.kind === 'error')
    return sendJson(res, reply.status, reply.body ?? errorBody(reply.status), reply.headers);
  if (reply?.kind === 'reset') return void res.socket?.destroy();
  const body = req.body as {
    model?: unknown;
    prompt?: unknown;
    n?: number;
    stream?: boolean;
    stream_options?: { include_usage?: boolean };
  };
  if (typeof body.model !== 'string' || body.prompt === undefined) {
    return sendJson(res, 400, {
      error: {
        message: 'you must provide a model parameter and a prompt',
        type: 'invalid_request_error',
        param: null,
        code: null,
      },
    });
  }
  // Several prompts (strings or token-id arrays) get their own choices; one token-id array is one prompt.
  const several = Array.isArray(body.prompt) && body.prompt.length > 0 && typeof body.prompt[0] !== 'number';
  const prompts = several ? (body.prompt as unknown[]).length : 1;
  const choices = prompts * (body.n ?? 1);
  const text = reply?.kind === 'text' ? reply.text : ' there was a fake upstream.';
  const usage = usageOf(reply);
  const base = { id, object: 'text_completion', created: 1_700_000_000, model: body.model };
  if (!body.stream) {
    return sendJson(res, 200, {
      ...base,
      choices: Array.from({ length: choices }, (_, index) => ({
        text,
        index,
        logprobs: null,
        finish_reason: 'length',
      })),
      usage: {
        prompt_tokens: usage.prompt_tokens,
        completion_tokens: usage.completion_tokens,
        total_tokens: usage.total_tokens,
      },
    });
  }
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  const includeUsage = body.stream_options?.include_usage === true;
  const frame = (choice: Record<string, unknown> | undefined, u: unknown = null) =>
    `data: ${JSON.stringify({ ...base, choices: choice ? [choice] : [], ...(includeUsage ? { usage: u } : {}) })}\n\n`;
  for (const piece of text.match(/.{1,6}/g) ?? [''])
    res.write(frame({ text: piece, index: 0, logprobs: null, finish_reason: null }));
  res.write(frame({ text: '', index: 0, logprobs: null, finish_reason: 'length' }));
  if (includeUsage)
    res.write(
      frame(undefined, {
        prompt_tokens: usage.prompt_tokens,
        completion_tokens: usage.completion_tokens,
        total_tokens: usage.total_tokens,
      }),
    );
  res.end('data: [DONE]\n\n');
}
