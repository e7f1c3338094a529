import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { Agent, setGlobalDispatcher } from 'undici';
import { asksForSpeech, fakeTtsAnswer, unknownVoice } from './fake-gemini-tts';
import { sendJson, sleep, startFakeServer, type CapturedRequest, type FakeServer } from './fake-http';

export type { CapturedRequest } from './fake-http';

/** The key the fake accepts unless `startFakeGemini({ apiKey })` says otherwise. */
export const FAKE_GEMINI_API_KEY = 'fake-gemini-key';

type Json = Record<string, unknown>;

/**
 * One scripted reply, consumed by the next model call (generateContent, streamGenerateContent,
 * countTokens, embedContent, batchEmbedContents); unscripted calls get the default answer: the text
 * `Echo: <last user text>` with usage figures computed from the request (≈ 4 characters a token).
 */
export interface FakeReply {
  /** Answer with this HTTP status and body (default body: Google's error shape for the status). */
  error?: { status: number; body?: unknown; headers?: Record<string, string> };
  /** Destroy the socket without answering. */
  reset?: boolean;
  /** Response parts; a stream sends one part per chunk. */
  parts?: Json[];
  finishReason?: string;
  /** Overrides the computed usageMetadata; it is sent on the last chunk only. */
  usageMetadata?: Json;
  /** Extra candidate fields (groundingMetadata, urlContextMetadata, safetyRatings, …), on the last chunk. */
  candidate?: Json;
  /** A blocked prompt: `promptFeedback` and no candidates. */
  promptFeedback?: Json;
  /** Wait this long before the response headers (slow first byte). */
  delayMs?: number;
  /** Wait this long between stream chunks. */
  chunkDelayMs?: number;
  /** Close the connection after this many stream chunks (a stream broken mid-way). */
  breakAfterChunks?: number;
}

export interface FakeGemini extends FakeServer {
  apiKey: string;
  script(...next: FakeReply[]): void;
  /** Drop the replies queued by `script` and not yet used. */
  clearScripts(): void;
  /** Requests to one operation (`generateContent`, `streamGenerateContent`, …). */
  requestsFor(operation: string): CapturedRequest[];
  /** Holds every cachedContents creation this long before answering (0: answer at once). */
  delayCacheCreates(ms: number): void;
  /** Overrides `hideCacheExpireTime` from now on: cachedContents answers carry `expireTime` or not. */
  showCacheExpireTime(show: boolean): void;
}

/**
 * `@google/genai` 2.x dispatches through `globalThis[Symbol.for('undici.globalDispatcher.1')]`, which
 * Node sets on its own global, not on Jest's sandbox global ("Undici globalDispatcher is not
 * available"). Call this once in a Jest file that uses the SDK.
 */
export function ensureUndiciGlobalDispatcher(): void {
  if (!(globalThis as Record<symbol, unknown>)[Symbol.for('undici.globalDispatcher.1')])
    setGlobalDispatcher(new Agent());
}

/** `{"error":{"code","message","status"}}`, Google's error shape. */
export function googleError(
  code: number,
  message: string,
  status = STATUS_NAMES[code] ?? 'INTERNAL',
  details?: Json[],
): Json {
  return { error: { code, message, status, ...(details ? { details } : {}) } };
}

/** A 429 RESOURCE_EXHAUSTED with `retry-after` and a RetryInfo detail, as the quota errors carry. */
export function rateLimited(retrySeconds: number): FakeReply {
  const body = googleError(429, 'Resource has been exhausted (e.g. check quota).', 'RESOURCE_EXHAUSTED', [
    { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${retrySeconds}s` },
  ]);
  return { error: { status: 429, body, headers: { 'retry-after': String(retrySeconds) } } };
}

export const thoughtPart = (text: string): Json => ({ text, thought: true });
export const functionCallPart = (name: string, args: Json, thoughtSignature?: string): Json => ({
  functionCall: { name, args },
  ...(thoughtSignature ? { thoughtSignature } : {}),
});
export const inlineDataPart = (mimeType: string, data: string): Json => ({ inlineData: { mimeType, data } });

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

const API_KEY_INVALID = googleError(
  400,
  'API key not valid. Please pass a valid API key.',
  'INVALID_ARGUMENT',
  [
    {
      '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
      reason: 'API_KEY_INVALID',
      domain: 'googleapis.com',
      metadata: { service: 'generativelanguage.googleapis.com' },
    },
  ],
);

const MODELS = [
  {
    name: 'models/gemini-2.5-flash',
    displayName: 'Gemini 2.5 Flash',
    inputTokenLimit: 1048576,
    outputTokenLimit: 65536,
    supportedGenerationMethods: ['generateContent', 'countTokens', 'createCachedContent'],
    thinking: true,
  },
  {
    name: 'models/gemini-2.5-pro',
    displayName: 'Gemini 2.5 Pro',
    inputTokenLimit: 1048576,
    outputTokenLimit: 65536,
    supportedGenerationMethods: ['generateContent', 'countTokens', 'createCachedContent'],
    thinking: true,
  },
  {
    name: 'models/gemini-embedding-001',
    displayName: 'Gemini Embedding 001',
    inputTokenLimit: 2048,
    outputTokenLimit: 1,
    supportedGenerationMethods: ['embedContent', 'countTokens'],
  },
];

const MODEL_OP = /\/v1beta\/((?:models|tunedModels)\/[^/:]+):(\w+)$/;
const CACHE = /\/v1beta\/(cachedContents\/[^/:]+)$/;

/**
 * A faithful fake of the Gemini API (providers.md §1) on 127.0.0.1: generateContent,
 * streamGenerateContent (`alt=sse`: data-only SSE frames separated by CRLF CRLF, usage on the last
 * chunk, the connection closed to end it; without `alt` a JSON array), countTokens, embedContent,
 * batchEmbedContents, cachedContents (in memory), models, TTS (audio out: fake-gemini-tts.ts); `x-goog-api-key` or `?key=` checked
 * (400 API_KEY_INVALID otherwise). Every request is recorded for assertions.
 */
export async function startFakeGemini(
  opts: {
    apiKey?: string;
    /**
     * Gemini refuses to cache less than a model-dependent minimum (1,024 tokens on 2.5 Flash) with
     * 400 "Cached content is too small…". Off (0) unless set.
     */
    minCacheTokens?: number;
    /** Answer cachedContents calls without `expireTime` (the gateway must then keep the requested TTL). */
    hideCacheExpireTime?: boolean;
  } = {},
): Promise<FakeGemini> {
  const apiKey = opts.apiKey ?? FAKE_GEMINI_API_KEY;
  const queue: FakeReply[] = [];
  const caches = new Map<string, Json>();
  let counter = 0;
  let cacheCreateDelayMs = 0;
  let hideExpireTime = opts.hideCacheExpireTime === true;

  const shown = (entry: Json): Json => {
    if (!hideExpireTime) return entry;
    const { expireTime: _hidden, ...rest } = entry;
    return rest;
  };

  const fake = await startFakeServer(async (req, res) => {
    const key = req.headers['x-goog-api-key'] ?? req.query.get('key');
    if (key !== apiKey) return sendJson(res, 400, API_KEY_INVALID);
    if (typeof req.body === 'string' && req.body.length > 0) {
      return sendJson(
        res,
        400,
        googleError(400, `Invalid JSON payload received. Unexpected token.\n${req.body.slice(0, 40)}`),
      );
    }
    const body = (req.body ?? {}) as Json;
    const op = MODEL_OP.exec(req.path);
    if (op && req.method === 'POST') {
      const reply = queue.shift();
      if (reply?.delayMs) await sleep(reply.delayMs);
      if (reply?.reset) return void res.socket?.destroy();
      if (reply?.error)
        return sendJson(
          res,
          reply.error.status,
          reply.error.body ?? googleError(reply.error.status, `scripted ${reply.error.status}`),
          reply.error.headers,
        );
      if (
        body.cachedContent !== undefined &&
        (op[2] === 'generateContent' || op[2] === 'streamGenerateContent')
      ) {
        const refused = cachedContentError(op[1], body, caches);
        if (refused) return sendJson(res, refused.code as number, { error: refused });
      }
      return modelCall(op[1], op[2], body, req, res, reply, `fake-${++counter}`, caches);
    }
    if (req.path.endsWith('/v1beta/models') && req.method === 'GET')
      return sendJson(res, 200, { models: MODELS });
    const model = /\/v1beta\/(models\/[^/:]+)$/.exec(req.path);
    if (model && req.method === 'GET') {
      const found = MODELS.find((m) => m.name === model[1]);
      return found
        ? sendJson(res, 200, found)
        : sendJson(res, 404, googleError(404, `${model[1]} is not found for API version v1beta`));
    }
    if (req.path.endsWith('/v1beta/cachedContents')) {
      if (req.method === 'GET') return sendJson(res, 200, { cachedContents: [...caches.values()] });
      if (req.method === 'POST') {
        if (cacheCreateDelayMs > 0) await sleep(cacheCreateDelayMs);
        const size = cacheTokens(body);
        if (opts.minCacheTokens && size < opts.minCacheTokens)
          return sendJson(
            res,
            400,
            googleError(
              400,
              `Cached content is too small. total_token_count=${size}, min_total_token_count=${opts.minCacheTokens}`,
            ),
          );
        return sendJson(res, 200, shown(createCache(body, caches, ++counter)));
      }
    }
    const cache = CACHE.exec(req.path);
    if (cache && (req.method === 'GET' || req.method === 'DELETE' || req.method === 'PATCH')) {
      const entry = liveCache(caches, cache[1]);
      if (!entry)
        return sendJson(res, 404, googleError(404, `CachedContent not found (or permission denied)`));
      if (req.method === 'PATCH')
        return sendJson(res, 200, shown(updateCache(entry, body, req.query.get('updateMask'))));
      if (req.method === 'DELETE') caches.delete(cache[1]);
      return sendJson(res, 200, req.method === 'DELETE' ? {} : shown(entry));
    }
    return sendJson(res, 404, googleError(404, `Method not found: ${req.method} ${req.path}`));
  });

  return {
    ...fake,
    apiKey,
    script: (...next) => void queue.push(...next),
    clearScripts: () => void queue.splice(0),
    requestsFor: (operation) => fake.requests.filter((r) => r.path.endsWith(`:${operation}`)),
    delayCacheCreates: (ms) => void (cacheCreateDelayMs = ms),
    showCacheExpireTime: (show) => void (hideExpireTime = !show),
  };
}

async function modelCall(
  model: string,
  op: string,
  body: Json,
  req: CapturedRequest,
  res: ServerResponse,
  reply: FakeReply | undefined,
  id: string,
  caches: Map<string, Json> = new Map(),
) {
  if (op === 'countTokens') {
    const gcr = body.generateContentRequest as Json | undefined;
    if (gcr && body.contents)
      return sendJson(
        res,
        400,
        googleError(400, 'contents and generateContentRequest are mutually exclusive'),
      );
    const n = tokens(JSON.stringify(gcr?.contents ?? body.contents ?? []));
    return sendJson(res, 200, { totalTokens: n, promptTokensDetails: [{ modality: 'TEXT', tokenCount: n }] });
  }
  if (op === 'embedContent')
    return sendJson(res, 200, { embedding: { values: vector(body.content, body.outputDimensionality) } });
  if (op === 'batchEmbedContents') {
    const requests = (body.requests ?? []) as Json[];
    const bad = requests.findIndex((r) => r.model !== model);
    if (bad >= 0)
      return sendJson(
        res,
        400,
        googleError(
          400,
          `* BatchEmbedContentsRequest.requests[${bad}].model: model must match the URL (${model})`,
        ),
      );
    return sendJson(res, 200, {
      embeddings: requests.map((r) => ({ values: vector(r.content, r.outputDimensionality) })),
    });
  }
  if (op !== 'generateContent' && op !== 'streamGenerateContent')
    return sendJson(res, 404, googleError(404, `Method not found: ${op}`));
  if (!Array.isArray(body.contents) || body.contents.length === 0) {
    return sendJson(
      res,
      400,
      googleError(400, '* GenerateContentRequest.contents: contents is not specified'),
    );
  }
  if (asksForSpeech(body)) {
    const refused = unknownVoice(body);
    if (refused) return sendJson(res, 400, googleError(400, refused));
    if (!reply?.parts) reply = { ...reply, ...fakeTtsAnswer(body, tokens(JSON.stringify(body.contents))) };
  }
  const cached = typeof body.cachedContent === 'string' ? caches.get(body.cachedContent) : undefined;
  const cachedTokens = Number((cached?.usageMetadata as Json | undefined)?.totalTokenCount ?? 0);
  const chunks = answerChunks(model, body, reply, id, cachedTokens);
  if (op === 'generateContent') return sendJson(res, 200, merge(chunks));
  if (req.query.get('alt') !== 'sse') return sendJson(res, 200, chunks);
  // Gemini ends a stream by closing the connection; a broken stream must look broken (chunked, no close).
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    ...(reply?.breakAfterChunks === undefined ? { connection: 'close' } : {}),
  });
  for (const [i, chunk] of chunks.entries()) {
    if (reply?.breakAfterChunks !== undefined && i >= reply.breakAfterChunks) {
      await sleep(20); // let the client read what was sent before the connection drops
      return void res.socket?.destroy();
    }
    if (i > 0 && reply?.chunkDelayMs) await sleep(reply.chunkDelayMs);
    await new Promise<void>((resolve) =>
      res.write(`data: ${JSON.stringify(chunk)}\r\n\r\n`, () => resolve()),
    );
  }
  res.end();
}

/** The answer as stream chunks: one part each, finishReason + usage + candidate extras on the last. */
function answerChunks(
  model: string,
  body: Json,
  reply: FakeReply | undefined,
  responseId: string,
  cachedTokens = 0,
): Json[] {
  const modelVersion = model.replace(/^models\//, '');
  // promptTokenCount includes the tokens read from a cachedContent, also reported on their own.
  const promptTokens = tokens(JSON.stringify([body.systemInstruction ?? '', body.contents])) + cachedTokens;
  if (reply?.promptFeedback) {
    return [
      {
        promptFeedback: reply.promptFeedback,
        usageMetadata: reply.usageMetadata ?? {
          promptTokenCount: promptTokens,
          totalTokenCount: promptTokens,
        },
        modelVersion,
        responseId,
      },
    ];
  }
  const parts = reply?.parts ?? defaultParts(body);
  const answered = parts
    .filter((p) => !p.thought)
    .map((p) => (typeof p.text === 'string' ? p.text : JSON.stringify(p)))
    .join('');
  const thoughts = parts
    .filter((p) => p.thought)
    .map((p) => String(p.text))
    .join('');
  const candidatesTokens = tokens(answered);
  const usage = reply?.usageMetadata ?? {
    promptTokenCount: promptTokens,
    ...(cachedTokens ? { cachedContentTokenCount: cachedTokens } : {}),
    candidatesTokenCount: candidatesTokens,
    ...(thoughts ? { thoughtsTokenCount: tokens(thoughts) } : {}),
    totalTokenCount: promptTokens + candidatesTokens + (thoughts ? tokens(thoughts) : 0),
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: promptTokens }],
  };
  const pieces = parts.length > 0 ? parts.map((p) => [p]) : [[]];
  return pieces.map((ps, i) => {
    const last = i === pieces.length - 1;
    const candidate: Json = {
      content: ps.length > 0 ? { parts: ps, role: 'model' } : { role: 'model' },
      index: 0,
    };
    if (last)
      Object.assign(candidate, { finishReason: reply?.finishReason ?? 'STOP' }, reply?.candidate ?? {});
    return { candidates: [candidate], ...(last ? { usageMetadata: usage } : {}), modelVersion, responseId };
  });
}

/** `Echo: <last user text>` in up to three text parts (so a default stream has several chunks), a thought first when asked for. */
function defaultParts(body: Json): Json[] {
  const contents = body.contents as Array<{ role?: string; parts?: Array<{ text?: string }> }>;
  const lastUser = [...contents].reverse().find((c) => (c.role ?? 'user') === 'user');
  const text = `Echo: ${(lastUser?.parts ?? []).map((p) => p.text ?? '').join('')}`;
  const words = text.split(/(?<= )/);
  const third = Math.ceil(words.length / 3);
  const parts: Json[] = [0, 1, 2]
    .map((k) => words.slice(k * third, (k + 1) * third).join(''))
    .filter((t) => t)
    .map((t) => ({ text: t }));
  const thinking =
    ((body.generationConfig as Json | undefined)?.thinkingConfig as Json | undefined)?.includeThoughts ===
    true;
  return thinking ? [thoughtPart('Thinking about the echo.'), ...parts] : parts;
}

/** A whole generateContent answer from the stream chunks (parts joined, last chunk's metadata). */
function merge(chunks: Json[]): Json {
  const last = chunks[chunks.length - 1];
  const candidates = last.candidates as Json[] | undefined;
  if (!candidates) return last;
  const parts = chunks.flatMap(
    (c) => (((c.candidates as Json[])[0].content as Json).parts as Json[] | undefined) ?? [],
  );
  const merged: Json = {
    ...candidates[0],
    content: parts.length > 0 ? { parts, role: 'model' } : { role: 'model' },
  };
  return { ...last, candidates: [merged] };
}

function createCache(body: Json, caches: Map<string, Json>, n: number): Json {
  const now = new Date();
  const ttl = typeof body.ttl === 'string' ? Number.parseFloat(body.ttl) : 3600;
  const name = `cachedContents/fakecache${n}`;
  const entry: Json = {
    name,
    model: body.model,
    ...(body.displayName ? { displayName: body.displayName } : {}),
    createTime: now.toISOString(),
    updateTime: now.toISOString(),
    expireTime:
      typeof expireTimeOf(body) === 'string'
        ? expireTimeOf(body)
        : new Date(now.getTime() + ttl * 1000).toISOString(),
    usageMetadata: { totalTokenCount: cacheTokens(body) },
  };
  caches.set(name, entry);
  return entry;
}

function cacheTokens(body: Json): number {
  const system = body.systemInstruction ?? body.system_instruction ?? '';
  return tokens(JSON.stringify([system, body.contents ?? [], body.tools ?? []]));
}

/** An expired cache is gone, as on Gemini. */
function liveCache(caches: Map<string, Json>, name: string): Json | undefined {
  const entry = caches.get(name);
  if (entry && Date.parse(String(entry.expireTime)) <= Date.now()) {
    caches.delete(name);
    return undefined;
  }
  return entry;
}

/** Google reads both spellings of a field: `expireTime` and `expire_time`. */
function expireTimeOf(body: Json): unknown {
  return body.expireTime ?? body.expire_time;
}

/** PATCH cachedContents/{id}: only `ttl` or `expireTime` can change, and only those `updateMask` names. */
function updateCache(entry: Json, body: Json, updateMask: string | null): Json {
  const now = new Date();
  const masked = updateMask?.split(',').map((f) => f.trim());
  const may = (...fields: string[]) => !masked || fields.some((f) => masked.includes(f));
  if (typeof expireTimeOf(body) === 'string' && may('expireTime', 'expire_time'))
    entry.expireTime = expireTimeOf(body);
  else if (typeof body.ttl === 'string' && may('ttl'))
    entry.expireTime = new Date(now.getTime() + Number.parseFloat(body.ttl) * 1000).toISOString();
  entry.updateTime = now.toISOString();
  return entry;
}

/**
 * What Gemini says to a generateContent naming a `cachedContent`: it must exist (403, its wording),
 * be of the same model, and the request must not also set systemInstruction, tools or toolConfig.
 */
function cachedContentError(model: string, body: Json, caches: Map<string, Json>): Json | undefined {
  const entry = typeof body.cachedContent === 'string' ? liveCache(caches, body.cachedContent) : undefined;
  if (!entry)
    return googleError(403, 'CachedContent not found (or permission denied)', 'PERMISSION_DENIED')
      .error as Json;
  if (entry.model !== model)
    return googleError(
      400,
      `Model used by GenerateContent request (${model}) and CachedContent (${String(entry.model)}) has to be the same.`,
    ).error as Json;
  if (body.systemInstruction !== undefined || body.tools !== undefined || body.toolConfig !== undefined)
    return googleError(
      400,
      'CachedContent can not be used with GenerateContent request setting system_instruction, tools or tool_config.\n\nProposed fix: move those values to CachedContent from GenerateContent request.',
    ).error as Json;
  return undefined;
}

function tokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

/** A deterministic vector from the text (same text, same vector; different texts differ). */
function vector(content: unknown, dims: unknown): number[] {
  const n = typeof dims === 'number' && dims > 0 ? dims : 8;
  const out: number[] = [];
  for (let i = 0; out.length < n; i++) {
    const digest = createHash('sha256')
      .update(`${i}:${JSON.stringify(content ?? '')}`)
      .digest();
    for (const byte of digest) if (out.length < n) out.push(Number((byte / 255 - 0.5).toFixed(6)));
  }
  return out;
}
