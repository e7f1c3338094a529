import type {
  HttpRequestSpec,
  LocalChatHandler,
  PassthroughCodec,
  ProviderAdapter,
  ProviderContext,
} from './adapter';
import type {
  ChatRequest,
  ChatResponse,
  ChatStreamEvent,
  EmbeddingsRequest,
  EmbeddingsResponse,
} from './canonical';
import { HttpExecutor, parseBodyText, toProviderError, type UpstreamResponse } from './http-executor';
import { withoutCredential } from './redact-secrets';
import { ProviderError } from './provider-error';
import { parseSse, type SseEvent } from './sse';
import type { CancelSignal } from './cancel';

export interface PassthroughResult {
  status: number;
  headers: UpstreamResponse['headers'];
  /** Parsed JSON body for non-stream calls. */
  body?: unknown;
  /** The same body as the upstream sent it (non-stream calls). */
  text?: string;
  /** SSE events for stream calls. */
  events?: AsyncIterable<SseEvent>;
}

/**
 * Runs pure codecs through the executor. Every method throws `ProviderError` before anything has been
 * produced when the upstream refuses, so the router can retry; stream errors after that are thrown
 * from the iterator.
 */
export class ProviderClient {
  constructor(private readonly http = new HttpExecutor()) {}

  async complete(
    adapter: ProviderAdapter,
    req: ChatRequest,
    ctx: ProviderContext,
    signal?: CancelSignal,
  ): Promise<ChatResponse> {
    const chat = requireChat(adapter);
    if (chat.kind === 'local') return chat.complete(req, ctx, signal);
    const res = await this.send(chat.buildRequest(req, ctx), ctx, signal);
    if (res.status >= 400)
      throw withoutCredential(chat.parseError(res.status, await readBodyChecked(res), res.headers), ctx);
    return chat.parseResponse((await readJsonAnswer(res)).body, ctx);
  }

  async stream(
    adapter: ProviderAdapter,
    req: ChatRequest,
    ctx: ProviderContext,
    signal?: CancelSignal,
  ): Promise<AsyncIterable<ChatStreamEvent>> {
    const chat = requireChat(adapter);
    if (chat.kind === 'local') return localStream(chat, req, ctx, signal);
    const res = await this.send(chat.buildRequest(req, ctx), ctx, signal);
    if (res.status >= 400)
      throw withoutCredential(chat.parseError(res.status, await readBodyChecked(res), res.headers), ctx);
    return guardStream(chat.parseStream(parseSse(res.body), ctx));
  }

  async passthrough(
    codec: PassthroughCodec,
    operation: string,
    body: Record<string, unknown>,
    ctx: ProviderContext,
    stream: boolean,
    signal?: CancelSignal,
    clientHeaders?: Record<string, string>,
  ): Promise<PassthroughResult> {
    const res = await this.send(codec.buildRequest(operation, body, ctx, stream, clientHeaders), ctx, signal);
    const contentType = String(res.headers['content-type'] ?? '');
    if (res.status >= 400)
      throw withoutCredential(codec.parseError(res.status, await readBodyChecked(res), res.headers), ctx);
    if (stream && contentType.includes('text/event-stream')) {
      return { status: res.status, headers: res.headers, events: guardStream(parseSse(res.body)) };
    }
    return { status: res.status, headers: res.headers, ...(await readJsonAnswer(res)) };
  }

  async embed(
    adapter: ProviderAdapter,
    req: EmbeddingsRequest,
    ctx: ProviderContext,
    signal?: CancelSignal,
  ): Promise<EmbeddingsResponse> {
    const codec = adapter.embeddings;
    if (!codec)
      throw new ProviderError({
        kind: 'unsupported',
        message: `provider ${adapter.id} has no embeddings endpoint`,
      });
    const res = await this.send(codec.buildRequest(req, ctx), ctx, signal);
    if (res.status >= 400)
      throw withoutCredential(codec.parseError(res.status, await readBodyChecked(res), res.headers), ctx);
    return codec.parseResponse((await readJsonAnswer(res)).body, ctx);
  }

  /** A raw request for codecs that need extra calls (video polls, cache creation). */
  async sendRaw(
    spec: HttpRequestSpec,
    ctx: ProviderContext,
    signal?: CancelSignal,
  ): Promise<{ status: number; body: unknown; headers: UpstreamResponse['headers'] }> {
    const res = await this.send(spec, ctx, signal);
    return { status: res.status, headers: res.headers, body: await readBodyChecked(res) };
  }

  /**
   * A request whose answer body the caller reads itself (text of any type, or bytes streamed), once
   * the upstream accepted it: an error status is read and thrown as `parseError` says.
   */
  async openAccepted(
    spec: HttpRequestSpec,
    parseError: PassthroughCodec['parseError'],
    ctx: ProviderContext,
    signal?: CancelSignal,
  ): Promise<UpstreamResponse> {
    const res = await this.send(spec, ctx, signal);
    if (res.status >= 400)
      throw withoutCredential(parseError(res.status, await readBodyChecked(res), res.headers), ctx);
    return res;
  }

  /** A raw request whose body the caller reads itself (video downloads streamed to the client). */
  open(spec: HttpRequestSpec, ctx: ProviderContext, signal?: CancelSignal): Promise<UpstreamResponse> {
    return this.send(spec, ctx, signal);
  }

  close(): Promise<void> {
    return this.http.close();
  }

  private send(
    spec: HttpRequestSpec,
    ctx: ProviderContext,
    signal?: CancelSignal,
  ): Promise<UpstreamResponse> {
    const d = ctx.deployment;
    return this.http.send(spec, {
      connectTimeoutMs: d.connectTimeoutMs,
      timeoutMs: d.timeoutMs,
      idleTimeoutMs: d.streamIdleTimeoutMs,
      signal,
    });
  }
}

function requireChat(adapter: ProviderAdapter) {
  if (!adapter.chat)
    throw new ProviderError({ kind: 'unsupported', message: `provider ${adapter.id} does not serve chat` });
  return adapter.chat;
}

async function readBodyChecked(res: UpstreamResponse): Promise<unknown> {
  return parseBodyText(await readTextChecked(res));
}

/**
 * A successful answer's body, which must be JSON (or empty): anything else (cut short, an HTML page of
 * a proxy) is the upstream's failure, retryable on another deployment like a 5xx.
 */
async function readJsonAnswer(res: UpstreamResponse): Promise<{ body: unknown; text: string }> {
  const text = await readTextChecked(res);
  const body = parseBodyText(text);
  if (typeof body === 'string')
    throw new ProviderError({
      kind: 'upstream',
      upstreamStatus: res.status,
      upstreamCode: 'invalid_json',
      message: 'upstream answered with a body that is not JSON',
      raw: text.slice(0, 500),
    });
  return { body, text };
}

/** An upstream body read whole as text; a transport failure mid-body is a typed ProviderError. */
export async function readTextChecked(res: UpstreamResponse): Promise<string> {
  try {
    return await res.body.text();
  } catch (err) {
    throw toProviderError(err);
  }
}

async function* localStream(
  chat: LocalChatHandler,
  req: ChatRequest,
  ctx: ProviderContext,
  signal?: CancelSignal,
) {
  yield* chat.stream(req, ctx, signal);
}

/** Re-types transport failures raised mid-stream (idle timeout, reset) as ProviderError. */
async function* guardStream<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  try {
    yield* source;
  } catch (err) {
    throw toProviderError(err);
  }
}
