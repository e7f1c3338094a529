import type { ServerResponse } from 'node:http';
import {
  FakePromptCache,
  breakpointCount,
  promptTokens,
  tokens,
  type InputUsage,
} from './fake-anthropic-cache';
import {
  readMessages,
  redactedThinkingData,
  requestError,
  signThinking,
  thinkingEnabled,
  type ContentBlock,
  type Json,
} from './fake-anthropic-rules';
import { sendJson, sleep, startFakeServer, type CapturedRequest, type FakeServer } from './fake-http';

export type { CapturedRequest } from './fake-http';
export { signThinking, redactedThinkingData } from './fake-anthropic-rules';

/** The key the fake accepts unless `startFakeAnthropic({ apiKey })` says otherwise. */
export const FAKE_ANTHROPIC_API_KEY = 'sk-ant-fake-key';

/** Anthropic's error types (providers.md §7.4). */
export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'billing_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'timeout_error'
  | 'overloaded_error';

export type AnthropicStopReason =
  | 'end_turn'
  | 'max_tokens'
  | 'stop_sequence'
  | 'tool_use'
  | 'pause_turn'
  | 'refusal'
  | 'model_context_window_exceeded';

/**
 * What the next `POST /v1/messages` answers (consumed one per call, in order); unscripted calls get
 * the default answer: `Echo: <last user text>`, a tool_use when a tool is forced or named in the last
 * user text, a signed thinking block first when the request enables thinking.
 */
export interface FakeAnthropicScript {
  /** The answer's text (instead of the echo); with `toolUse`, a text block before the tool_use. */
  text?: string;
  /** Answer with this tool call (`stop_reason: tool_use`), whatever the request says. */
  toolUse?: { name: string; input: Json; id?: string };
  /** The thinking text (when the request enables thinking). */
  thinking?: string;
  /** Add a redacted_thinking block after the thinking block (when the request enables thinking). */
  redactedThinking?: boolean;
  /** Override the computed stop_reason. */
  stopReason?: AnthropicStopReason;
  /** Override usage fields (both the JSON answer and the stream's message_start / message_delta). */
  usage?: Json;
  /** In a stream, message_delta's usage carries the input and cache counts too, not only output_tokens. */
  fullDeltaUsage?: boolean;
}

/** One fault for one request (to /v1/messages or /v1/messages/count_tokens). */
export type FakeAnthropicFault =
  /** An error answer in Anthropic's shape (`type` defaults from the status), with extra headers. */
  | {
      kind: 'error';
      status: number;
      type?: AnthropicErrorType;
      message?: string;
      headers?: Record<string, string>;
    }
  /** The socket destroyed without an answer. */
  | { kind: 'reset' }
  /** The response headers held back this long (a slow first byte). */
  | { kind: 'slow_first_byte'; delayMs: number }
  /** After this many whole SSE events, half an event (`data:` line cut short) and the socket destroyed. */
  | { kind: 'cut_stream'; afterEvents: number }
  /** After this many SSE events of a 200 stream, `event: error` (default overloaded_error) and the end. */
  | { kind: 'stream_error'; afterEvents: number; type?: AnthropicErrorType; message?: string }
  /** Stream framing: CRLF line endings and/or the bytes written in small pieces across event boundaries. */
  | { kind: 'framing'; crlf?: boolean; splitFrames?: boolean };

export interface FakeAnthropicOptions {
  apiKey?: string;
  /** Refuse consecutive turns of the same role (default true; today's API merges them instead). */
  strictAlternation?: boolean;
  /** Prefixes shorter than this are not cached (Anthropic: 1,024–4,096 by model); default 0. */
  minCacheTokens?: number;
  /** When set, other models get 404 not_found_error. */
  models?: string[];
  /** Default stream framing for every stream (a `framing` fault overrides it for one request). */
  crlf?: boolean;
  splitFrames?: boolean;
}

/** The control API of a running fake. */
export interface FakeAnthropic extends FakeServer {
  apiKey: string;
  /** Queue answers for the next message calls, one per call. */
  next(...scripts: FakeAnthropicScript[]): void;
  /** Drop the answers queued by `next` and not yet used (a refused request consumes none). */
  clearScripts(): void;
  /** Queue a fault (or several combined) for the next request; `times` requests in a row (default 1). */
  inject(fault: FakeAnthropicFault | FakeAnthropicFault[], times?: number): void;
  /** Recorded `POST /v1/messages` calls (body and headers). */
  messageRequests(): CapturedRequest[];
  /** Recorded `POST /v1/messages/count_tokens` calls. */
  countTokensRequests(): CapturedRequest[];
  /** Forget every cached prefix. */
  clearCache(): void;
}

const STATUS_TYPES: Record<number, AnthropicErrorType> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

const DEFAULT_MESSAGES: Partial<Record<AnthropicErrorType, string>> = {
  rate_limit_error:
    'This request would exceed the rate limit for your organization of 50 requests per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits.',
  api_error: 'Internal server error',
  overloaded_error: 'Overloaded',
  timeout_error: 'Request timeout',
};

const TYPE_STATUS: Record<AnthropicErrorType, number> = Object.fromEntries(
  Object.entries(STATUS_TYPES).map(([status, type]) => [type, Number(status)]),
) as Record<AnthropicErrorType, number>;

/** `{type:"error", error:{type, message}, request_id}`, Anthropic's error body. */
export function anthropicError(type: AnthropicErrorType, message: string, requestId?: string): Json {
  return { type: 'error', error: { type, message }, ...(requestId ? { request_id: requestId } : {}) };
}

/** A 429 rate_limit_error with `retry-after` (seconds) as Anthropic sends it. */
export function rateLimited(retryAfterSeconds: number): FakeAnthropicFault {
  return { kind: 'error', status: 429, headers: { 'retry-after': String(retryAfterSeconds) } };
}

/** A 529 overloaded_error. */
export const overloaded = (): FakeAnthropicFault => ({ kind: 'error', status: 529 });

/**
 * A faithful fake of Anthropic's Messages API (providers.md §7) on 127.0.0.1: `POST /v1/messages`
 * (JSON or SSE) and `POST /v1/messages/count_tokens`; `x-api-key` or `Authorization: Bearer` checked,
 * `anthropic-version` required, the request validated as Anthropic does (400 invalid_request_error),
 * a prompt cache in memory, scripted answers and faults. Every request is recorded for assertions.
 */
export async function startFakeAnthropic(opts: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  const apiKey = opts.apiKey ?? FAKE_ANTHROPIC_API_KEY;
  const scripts: FakeAnthropicScript[] = [];
  const faults: FakeAnthropicFault[][] = [];
  const cache = new FakePromptCache(opts.minCacheTokens ?? 0);
  let counter = 0;

  const fake = await startFakeServer(async (req, res) => {
    const ids = nextIds(++counter);
    const fail = (status: number, message: string, type = STATUS_TYPES[status] ?? 'api_error') =>
      sendJson(res, status, anthropicError(type, message, ids.request), { 'request-id': ids.request });
    const key = req.headers['x-api-key'] ?? bearerToken(req.headers.authorization);
    if (key === undefined) return fail(401, 'x-api-key header is required');
    if (key !== apiKey) return fail(401, 'invalid x-api-key');
    if (!req.headers['anthropic-version']) return fail(400, 'anthropic-version: header is required');
    const route =
      req.method === 'POST' && req.path === '/v1/messages'
        ? 'create'
        : req.method === 'POST' && req.path === '/v1/messages/count_tokens'
          ? 'count'
          : undefined;
    if (!route) return fail(404, 'Not Found');
    const fault = faults.shift() ?? [];
    const find = <K extends FakeAnthropicFault['kind']>(kind: K) =>
      fault.find((f): f is Extract<FakeAnthropicFault, { kind: K }> => f.kind === kind);
    const slow = find('slow_first_byte');
    if (slow) await sleep(slow.delayMs);
    if (find('reset')) return void res.socket?.destroy();
    const error = find('error');
    if (error) {
      const type =
        error.type ??
        STATUS_TYPES[error.status] ??
        (error.status >= 500 ? 'api_error' : 'invalid_request_error');
      return sendJson(
        res,
        error.status,
        anthropicError(
          type,
          error.message ?? DEFAULT_MESSAGES[type] ?? `scripted ${error.status}`,
          ids.request,
        ),
        { 'request-id': ids.request, ...error.headers },
      );
    }
    if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body))
      return fail(
        400,
        'There was an error parsing the body of your request. Please check that it is valid JSON.',
      );
    const body = req.body as Json;
    const invalid =
      requestError(body, { countTokens: route === 'count', strictAlternation: opts.strictAlternation }) ??
      (breakpointCount(body) > 4
        ? `A maximum of 4 blocks with cache_control may be provided. Found ${breakpointCount(body)}.`
        : undefined);
    if (invalid) return fail(400, invalid);
    if (opts.models && !opts.models.includes(String(body.model)))
      return fail(404, `model: ${String(body.model)}`);
    if (route === 'count')
      return sendJson(res, 200, { input_tokens: promptTokens(body) }, { 'request-id': ids.request });
    const script = scripts.shift() ?? {};
    const message = answer(body, script, cache.use(body), ids);
    if (body.stream !== true) {
      const streamError = find('stream_error');
      if (streamError) {
        const type = streamError.type ?? 'overloaded_error';
        return fail(TYPE_STATUS[type] ?? 500, streamError.message ?? DEFAULT_MESSAGES[type] ?? type, type);
      }
      if (find('cut_stream')) return cutJson(res, message, ids.request);
      return sendJson(res, 200, message, { 'request-id': ids.request });
    }
    const framing = find('framing');
    return writeStream(res, message, script, ids.request, {
      crlf: framing?.crlf ?? opts.crlf ?? false,
      splitFrames: framing?.splitFrames ?? opts.splitFrames ?? false,
      cutAfterEvents: find('cut_stream')?.afterEvents,
      error: find('stream_error'),
    });
  });

  return {
    ...fake,
    apiKey,
    next: (...next) => void scripts.push(...next),
    clearScripts: () => void scripts.splice(0),
    inject: (fault, times = 1) => {
      for (let i = 0; i < times; i++) faults.push(Array.isArray(fault) ? fault : [fault]);
    },
    messageRequests: () => fake.requests.filter((r) => r.path === '/v1/messages'),
    countTokensRequests: () => fake.requests.filter((r) => r.path === '/v1/messages/count_tokens'),
    clearCache: () => cache.clear(),
  };
}

function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer (.+)$/.exec(authorization ?? '');
  return match?.[1];
}

interface Ids {
  request: string;
  message: string;
  toolUse: string;
  nonce: string;
}

function nextIds(n: number): Ids {
  const tail = String(n).padStart(6, '0');
  return {
    request: `req_fake${tail}`,
    message: `msg_fake${tail}`,
    toolUse: `toolu_fake${tail}`,
    nonce: `n${tail}`,
  };
}

/** The text of the last user message: its text blocks, or the content of its tool results. */
function lastUserText(body: Json): string {
  const last = [...readMessages(body)].reverse().find((m) => m.role === 'user');
  return (last?.blocks ?? [])
    .map((b) => {
      if (b.type === 'text') return String(b.text);
      if (b.type !== 'tool_result') return '';
      if (typeof b.content === 'string') return b.content;
      return Array.isArray(b.content)
        ? (b.content as Json[]).map((c) => (c.type === 'text' ? String(c.text) : '')).join('')
        : '';
    })
    .join('');
}

/** The tool call the request asks for: forced by tool_choice, or a client tool named in the last user text. */
function requestedToolUse(body: Json): { name: string; input: Json } | undefined {
  const tools = (Array.isArray(body.tools) ? (body.tools as Json[]) : []).filter(
    (t) => typeof t.name === 'string' && t.input_schema !== undefined,
  );
  const choice = (body.tool_choice ?? { type: 'auto' }) as Json;
  if (tools.length === 0 || choice.type === 'none') return undefined;
  const last = readMessages(body).at(-1);
  const answersTool = last?.blocks.some((b) => b.type === 'tool_result') ?? false;
  const text = lastUserText(body);
  const named = tools.find((t) => text.includes(String(t.name)));
  const tool =
    choice.type === 'tool'
      ? tools.find((t) => t.name === choice.name)
      : choice.type === 'any'
        ? (named ?? tools[0])
        : answersTool
          ? undefined
          : named;
  if (!tool) return undefined;
  return { name: String(tool.name), input: toolInput(text, tool.input_schema as Json) };
}

/** A JSON object written in the user text, else an example value for each property of the schema. */
function toolInput(text: string, schema: Json): Json {
  const written = /\{.*\}/s.exec(text);
  if (written) {
    try {
      const parsed: unknown = JSON.parse(written[0]);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Json;
    } catch {
      /* not JSON: use the schema */
    }
  }
  const properties = (schema?.properties ?? {}) as Record<string, Json>;
  const example = (p: Json): unknown => {
    if (Array.isArray(p.enum)) return p.enum[0];
    switch (p.type) {
      case 'number':
      case 'integer':
        return 1;
      case 'boolean':
        return true;
      case 'array':
        return [];
      case 'object':
        return {};
      default:
        return 'example';
    }
  };
  return Object.fromEntries(Object.entries(properties).map(([name, p]) => [name, example(p)]));
}

/** The whole Message the call answers. */
function answer(body: Json, script: FakeAnthropicScript, input: InputUsage, ids: Ids): Json {
  const content: ContentBlock[] = [];
  if (thinkingEnabled(body)) {
    const thinking = script.thinking ?? `The user said: ${lastUserText(body)}. Echo it back.`;
    content.push({ type: 'thinking', thinking, signature: signThinking(thinking) });
    if (script.redactedThinking)
      content.push({ type: 'redacted_thinking', data: redactedThinkingData(ids.nonce) });
  }
  const tool = script.toolUse ?? requestedToolUse(body);
  if (!tool || script.text !== undefined)
    content.push({ type: 'text', text: script.text ?? `Echo: ${lastUserText(body)}` });
  let stopReason: AnthropicStopReason = tool ? 'tool_use' : 'end_turn';
  let stopSequence: string | null = null;
  if (tool)
    content.push({
      type: 'tool_use',
      id: script.toolUse?.id ?? ids.toolUse,
      name: tool.name,
      input: tool.input,
    });
  const text = content.find((b) => b.type === 'text');
  if (text && !tool) {
    const stops = Array.isArray(body.stop_sequences) ? (body.stop_sequences as string[]) : [];
    const hit = stops
      .map((s) => ({ s, at: String(text.text).indexOf(s) }))
      .filter((h) => h.at >= 0)
      .sort((a, b) => a.at - b.at)[0];
    if (hit) {
      text.text = String(text.text).slice(0, hit.at);
      stopReason = 'stop_sequence';
      stopSequence = hit.s;
    }
    const budget = (body.max_tokens as number) - outputTokens(content.filter((b) => b !== text));
    if (tokens(String(text.text)) > budget) {
      text.text = String(text.text).slice(0, Math.max(0, budget) * 4);
      stopReason = 'max_tokens';
      stopSequence = null;
    }
  }
  const thinkingTokens = outputTokens(content.filter((b) => b.type === 'thinking'));
  return {
    id: ids.message,
    type: 'message',
    role: 'assistant',
    model: body.model,
    content,
    stop_reason: script.stopReason ?? stopReason,
    stop_sequence: stopSequence,
    usage: {
      ...input,
      output_tokens: outputTokens(content),
      ...(thinkingTokens > 0 ? { output_tokens_details: { thinking_tokens: thinkingTokens } } : {}),
      service_tier: 'standard',
      ...script.usage,
    },
  };
}

function outputTokens(content: ContentBlock[]): number {
  return content.reduce((sum, b) => {
    if (b.type === 'text') return sum + tokens(String(b.text));
    if (b.type === 'thinking') return sum + tokens(String(b.thinking));
    if (b.type === 'tool_use') return sum + tokens(JSON.stringify(b.input));
    return sum + 1;
  }, 0);
}

/** A text cut in up to `n` pieces at word boundaries (a one-word text stays whole). */
function pieces(text: string, n = 3): string[] {
  const words = text.split(/(?<= )/);
  const size = Math.ceil(words.length / n);
  const out: string[] = [];
  for (let i = 0; i < words.length; i += size) out.push(words.slice(i, i + size).join(''));
  return out.length > 0 ? out : [''];
}

/** A string cut in `n` pieces of about equal length. */
function slices(text: string, n = 3): string[] {
  const size = Math.max(1, Math.ceil(text.length / n));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/** The SSE events of a Message, in Anthropic's order (ping after the first content_block_start). */
export function streamEvents(message: Json, script: FakeAnthropicScript = {}): Array<[string, Json]> {
  const usage = message.usage as Json;
  const { output_tokens: outputTokensTotal, ...inputUsage } = usage;
  const events: Array<[string, Json]> = [
    [
      'message_start',
      {
        type: 'message_start',
        message: {
          ...message,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { ...inputUsage, output_tokens: 1 },
        },
      },
    ],
  ];
  const content = message.content as ContentBlock[];
  for (const [index, block] of content.entries()) {
    const delta = (d: Json): [string, Json] => [
      'content_block_delta',
      { type: 'content_block_delta', index, delta: d },
    ];
    const start: Json =
      block.type === 'text'
        ? { type: 'text', text: '' }
        : block.type === 'thinking'
          ? { type: 'thinking', thinking: '', signature: '' }
          : block.type === 'tool_use'
            ? { type: 'tool_use', id: block.id, name: block.name, input: {} }
            : block;
    events.push(['content_block_start', { type: 'content_block_start', index, content_block: start }]);
    if (index === 0) events.push(['ping', { type: 'ping' }]);
    if (block.type === 'text')
      for (const text of pieces(String(block.text))) events.push(delta({ type: 'text_delta', text }));
    if (block.type === 'thinking') {
      for (const thinking of pieces(String(block.thinking), 2))
        events.push(delta({ type: 'thinking_delta', thinking }));
      events.push(delta({ type: 'signature_delta', signature: block.signature }));
    }
    if (block.type === 'tool_use')
      for (const partial_json of ['', ...slices(JSON.stringify(block.input))])
        events.push(delta({ type: 'input_json_delta', partial_json }));
    events.push(['content_block_stop', { type: 'content_block_stop', index }]);
  }
  if (content.length === 0) events.push(['ping', { type: 'ping' }]);
  const { service_tier: _tier, cache_creation: _split, ...deltaUsage } = usage;
  events.push([
    'message_delta',
    {
      type: 'message_delta',
      delta: { stop_reason: message.stop_reason, stop_sequence: message.stop_sequence },
      usage: script.fullDeltaUsage ? deltaUsage : { output_tokens: outputTokensTotal },
    },
  ]);
  events.push(['message_stop', { type: 'message_stop' }]);
  return events;
}

async function write(res: ServerResponse, chunk: string | Buffer): Promise<void> {
  if (res.destroyed) return;
  await new Promise<void>((resolve) => res.write(chunk, () => resolve()));
}

async function writeStream(
  res: ServerResponse,
  message: Json,
  script: FakeAnthropicScript,
  requestId: string,
  how: {
    crlf: boolean;
    splitFrames: boolean;
    cutAfterEvents?: number;
    error?: Extract<FakeAnthropicFault, { kind: 'stream_error' }>;
  },
): Promise<void> {
  const eol = how.crlf ? '\r\n' : '\n';
  const frame = (name: string, data: Json) => `event: ${name}${eol}data: ${JSON.stringify(data)}${eol}${eol}`;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'request-id': requestId,
  });
  const events = streamEvents(message, script);
  let out = '';
  for (const [i, [name, data]] of events.entries()) {
    if (how.cutAfterEvents !== undefined && i >= how.cutAfterEvents) {
      const whole = frame(name, data);
      await flush(res, out + whole.slice(0, whole.indexOf('data: ') + 20), how.splitFrames);
      await sleep(20); // let the client read what was sent before the connection drops
      return void res.socket?.destroy();
    }
    if (how.error && i >= how.error.afterEvents) {
      const type = how.error.type ?? 'overloaded_error';
      out += frame('error', anthropicError(type, how.error.message ?? DEFAULT_MESSAGES[type] ?? type));
      break;
    }
    out += frame(name, data);
    if (!how.splitFrames) {
      await write(res, out);
      out = '';
    }
  }
  await flush(res, out, how.splitFrames);
  res.end();
}

/** Writes the text; split: in 37-byte pieces (through event boundaries and UTF-8 sequences), one at a time. */
async function flush(res: ServerResponse, text: string, split: boolean): Promise<void> {
  if (!split) return write(res, text);
  const bytes = Buffer.from(text, 'utf8');
  for (let at = 0; at < bytes.length; at += 37) {
    await write(res, bytes.subarray(at, at + 37));
    await sleep(1);
  }
}

/** A JSON answer cut in the middle: the headers promise the whole body, half comes, the socket dies. */
async function cutJson(res: ServerResponse, message: Json, requestId: string): Promise<void> {
  const text = JSON.stringify(message);
  res.writeHead(200, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    'request-id': requestId,
  });
  await write(res, text.slice(0, Math.floor(text.length / 2)));
  await sleep(20);
  res.socket?.destroy();
}
