import { Agent, errors as undiciErrors } from 'undici';
import type { HttpRequestSpec } from './adapter';
import { ProviderError } from './provider-error';
import { UpstreamHandler, type UpstreamHead, type UpstreamHeaders } from './upstream-body';
import type { CancelSignal } from './cancel';

export interface ExecuteOptions {
  connectTimeoutMs: number;
  /** To the first byte of the answer (response headers). */
  timeoutMs: number;
  /** Between body chunks. */
  idleTimeoutMs: number;
  signal?: CancelSignal;
}

export type UpstreamResponse = UpstreamHead;

/**
 * The only place that does provider network I/O. One keep-alive undici Agent per connect timeout,
 * timeouts mapped to `ProviderError(kind: timeout)`, transport failures to `connection`,
 * client aborts propagated to the upstream socket.
 */
export class HttpExecutor {
  private readonly agents = new Map<number, Agent>();

  private agentFor(connectTimeoutMs: number): Agent {
    let agent = this.agents.get(connectTimeoutMs);
    if (!agent) {
      agent = new Agent({
        connect: { timeout: connectTimeoutMs },
        keepAliveTimeout: 30_000,
        keepAliveMaxTimeout: 600_000,
        connections: 256,
        pipelining: 1,
      });
      this.agents.set(connectTimeoutMs, agent);
    }
    return agent;
  }

  /**
   * Sends the request through undici's dispatch API (no Node stream per response: the body is read
   * whole or chunk by chunk from the handler). Resolves at the response headers.
   */
  async send(spec: HttpRequestSpec, opts: ExecuteOptions): Promise<UpstreamResponse> {
    try {
      const { origin, path } = splitUrl(spec.url);
      return await new Promise<UpstreamHead>((resolve, reject) => {
        this.agentFor(opts.connectTimeoutMs).dispatch(
          {
            origin,
            path,
            method: spec.method,
            headers: spec.headers,
            body: spec.body,
            headersTimeout: opts.timeoutMs,
            bodyTimeout: opts.idleTimeoutMs,
          },
          new UpstreamHandler(resolve, reject, opts.signal),
        );
      });
    } catch (err) {
      throw toProviderError(err);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.agents.values()].map((a) => a.close()));
    this.agents.clear();
  }
}

/** `https://host:port/a/b?q` → origin and path, without a URL parse per request. */
export function splitUrl(url: string): { origin: string; path: string } {
  const start = url.indexOf('//');
  const slash = start === -1 ? -1 : url.indexOf('/', start + 2);
  if (start === -1) throw new Error(`not an absolute URL: ${url}`);
  return slash === -1 ? { origin: url, path: '/' } : { origin: url.slice(0, slash), path: url.slice(slash) };
}

/** Maps undici/transport errors to typed provider errors (already-typed errors pass through). */
export function toProviderError(err: unknown): ProviderError {
  if (err instanceof ProviderError) return err;
  if (err instanceof undiciErrors.HeadersTimeoutError) {
    return new ProviderError({ kind: 'timeout', message: 'upstream did not answer within timeout_ms' });
  }
  if (err instanceof undiciErrors.BodyTimeoutError) {
    return new ProviderError({
      kind: 'timeout',
      message: 'upstream stream idle longer than stream_idle_timeout_ms',
    });
  }
  if (err instanceof undiciErrors.ConnectTimeoutError) {
    return new ProviderError({
      kind: 'timeout',
      message: 'upstream connection not established within connect_timeout_ms',
    });
  }
  if (
    err instanceof undiciErrors.RequestAbortedError ||
    (err instanceof Error && err.name === 'AbortError')
  ) {
    return new ProviderError({
      kind: 'connection',
      upstreamCode: 'client_aborted',
      message: 'request aborted',
    });
  }
  const code = (err as { code?: string } | undefined)?.code;
  const message = err instanceof Error ? err.message : String(err);
  return new ProviderError({
    kind: 'connection',
    upstreamCode: code,
    message: `upstream connection failed: ${code ?? message}`,
  });
}

/** A whole upstream body: its JSON when it parses, else the text itself (undefined when empty). */
export function parseBodyText(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function headerValue(headers: Headers | UpstreamHeaders, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const v = (headers as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(v) ? v[0] : v;
}
