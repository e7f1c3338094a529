import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CapturedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  /** The JSON body parsed, else the body as UTF-8 text (undefined when empty). */
  body: unknown;
  /** The body's bytes as they came (multipart uploads, binary bodies). */
  raw: Buffer;
}

export type FakeHandler = (req: CapturedRequest, res: ServerResponse) => void | Promise<void>;

export interface FakeServer {
  baseUrl: string;
  requests: CapturedRequest[];
  /** Every request from now on meets this fault on the wire (undefined: none); see {@link WireFault}. */
  wireFault(fault: WireFault | undefined): void;
  close(): Promise<void>;
}

/**
 * A transport-level fault applied to whatever the fake's handler answers, so it works the same on
 * every provider's fake. "Writes" count the handler's body writes: a stream writes one SSE frame per
 * write, a JSON answer none (`sendJson` ends with the body).
 */
export type WireFault =
  /** Answer this status and JSON body instead (the provider's error shape is the caller's to give). */
  | { kind: 'status'; status: number; body: unknown; headers?: Record<string, string> }
  /** The socket destroyed before any answer. */
  | { kind: 'reset' }
  /** The response held back this long, then answered normally. */
  | { kind: 'slow_first_byte'; delayMs: number }
  /** A JSON answer: its first half, then the socket destroyed. A stream: `afterWrites` frames, then destroyed. */
  | { kind: 'cut'; afterWrites?: number }
  /** The headers, `afterWrites` frames, then silence: the connection stays open, nothing more comes. */
  | { kind: 'stall'; afterWrites: number }
  /** 200 with a body that is not JSON (the JSON cut in half, the HTTP message complete). */
  | { kind: 'malformed_json' }
  /** A stream: after `afterWrites` frames, the next frame's data cut in half (a complete SSE frame), then the rest. */
  | { kind: 'broken_frame'; afterWrites: number };

/** A loopback HTTP server that records every request (parsed JSON body) and hands it to `handler`. */
export async function startFakeServer(handler: FakeHandler): Promise<FakeServer & { server: Server }> {
  const requests: CapturedRequest[] = [];
  let fault: WireFault | undefined;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const text = raw.toString('utf8');
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        /* keep the raw text */
      }
      const url = new URL(req.url ?? '/', 'http://fake');
      const captured: CapturedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body,
        raw,
      };
      requests.push(captured);
      Promise.resolve(fault ? answerWithFault(fault, captured, res, handler) : handler(captured, res)).catch(
        (err: unknown) => {
          if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { message: String(err) } }));
        },
      );
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    wireFault: (f) => void (fault = f),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** A scripted delay; it never holds the process open on its own (a client that gave up leaves it behind). */
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());

type Write = (chunk: string | Uint8Array, cb?: () => void) => boolean;
type End = (chunk?: string | Uint8Array | (() => void), cb?: () => void) => ServerResponse;

/** Runs `handler` with `fault` applied to its answer (res.write and res.end intercepted). */
async function answerWithFault(
  fault: WireFault,
  req: CapturedRequest,
  res: ServerResponse,
  handler: FakeHandler,
): Promise<void> {
  if (fault.kind === 'reset') return void res.socket?.destroy();
  if (fault.kind === 'status') return sendJson(res, fault.status, fault.body, fault.headers);
  if (fault.kind === 'slow_first_byte') {
    await sleep(fault.delayMs);
    if (res.destroyed) return;
    return handler(req, res);
  }
  const write = res.write.bind(res) as Write;
  const end = res.end.bind(res) as End;
  let writes = 0;
  let silenced = false;
  const done = (chunk: unknown, cb?: unknown) => {
    const callback = typeof chunk === 'function' ? chunk : cb;
    if (typeof callback === 'function') setImmediate(callback as () => void);
    return true;
  };
  const cutNow = () => {
    silenced = true;
    setTimeout(() => res.socket?.destroy(), 20).unref(); // what was written reaches the client first
  };
  const patchedWrite = (chunk: string | Uint8Array, cb?: () => void): boolean => {
    if (silenced) return done(chunk, cb);
    writes++;
    if (fault.kind === 'cut' && writes > (fault.afterWrites ?? 0)) return (cutNow(), done(chunk, cb));
    if (fault.kind === 'stall' && writes > fault.afterWrites) {
      silenced = true;
      if (!res.headersSent) res.flushHeaders();
      return done(chunk, cb);
    }
    if (fault.kind === 'broken_frame' && writes === fault.afterWrites + 1)
      return write(brokenFrame(chunk), cb);
    return write(chunk, cb);
  };
  res.write = patchedWrite as typeof res.write;
  res.end = ((chunk?: string | Uint8Array | (() => void), cb?: () => void) => {
    if (silenced) return (done(chunk, cb), res);
    const body = typeof chunk === 'function' ? undefined : chunk;
    if (writes === 0 && body !== undefined && fault.kind === 'cut') {
      write(halfOf(body));
      cutNow();
      return res;
    }
    if (writes === 0 && body !== undefined && fault.kind === 'malformed_json') return end(halfOf(body), cb);
    if (fault.kind === 'stall' && writes >= fault.afterWrites) {
      patchedWrite(body ?? '', cb);
      return res;
    }
    return end(chunk, cb);
  }) as typeof res.end;
  return handler(req, res);
}

function halfOf(body: string | Uint8Array): string {
  const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
  return text.slice(0, Math.floor(text.length / 2));
}

/** An SSE frame with its `data:` value cut in half, still ended by a blank line (the frame's own line ending). */
function brokenFrame(chunk: string | Uint8Array): string {
  const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
  const eol = text.endsWith('\r\n\r\n') ? '\r\n' : '\n';
  const data = text.indexOf('data: ');
  if (data === -1) return text;
  const stop = text.indexOf(eol, data);
  const value = text.slice(data + 6, stop === -1 ? undefined : stop);
  return `${text.slice(0, data + 6)}${value.slice(0, Math.floor(value.length / 2))}${eol}${eol}`;
}
