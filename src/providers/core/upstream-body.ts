import { util as undiciUtil, type Dispatcher } from 'undici';
import { abortError, type CancelSignal } from './cancel';

export type UpstreamHeaders = Record<string, string | string[] | undefined>;

export interface UpstreamHead {
  status: number;
  headers: UpstreamHeaders;
  body: UpstreamBody;
}

/**
 * An upstream response body straight from undici's dispatch callbacks, without a Node stream: whole
 * (`text()`) for JSON answers, or chunk by chunk (`for await`) for SSE. Backpressure: when more than
 * HIGH_WATER bytes wait unread, the socket is paused until the reader catches up.
 */
export class UpstreamBody implements AsyncIterable<Buffer> {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private ended = false;
  private error?: Error;
  private wake?: () => void;
  private paused = false;
  /** Read whole by text(): never paused. */
  private whole = false;

  constructor(
    private readonly resume: () => void,
    /** Aborts the upstream request (the reader stopped before the end). */
    private readonly cancel: () => void,
  ) {}

  /** The whole body as UTF-8 text (one wait for its end; no backpressure, all of it is wanted). */
  text(): Promise<string> {
    this.whole = true;
    if (this.paused) {
      this.paused = false;
      this.resume();
    }
    return new Promise((resolve, reject) => {
      const settle = (): void => {
        if (this.error) return reject(this.error);
        if (!this.ended) {
          this.wake = settle;
          return;
        }
        const parts = this.chunks;
        this.chunks = [];
        this.buffered = 0;
        resolve(parts.length === 1 ? parts[0].toString('utf8') : Buffer.concat(parts).toString('utf8'));
      };
      settle();
    });
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Buffer> {
    try {
      for (;;) {
        if (this.chunks.length > 0) {
          const chunk = this.chunks.shift()!;
          this.buffered -= chunk.length;
          if (this.paused && this.buffered < HIGH_WATER) {
            this.paused = false;
            this.resume();
          }
          yield chunk;
          continue;
        }
        if (this.error) throw this.error;
        if (this.ended) return;
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
    } finally {
      if (!this.ended && !this.error) this.cancel();
    }
  }

  /** @returns false to pause the socket. */
  push(chunk: Buffer): boolean {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    this.notify();
    if (this.buffered >= HIGH_WATER && !this.whole) this.paused = true;
    return !this.paused;
  }

  end(): void {
    this.ended = true;
    this.notify();
  }

  fail(err: Error): void {
    this.error = err;
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

const HIGH_WATER = 64 * 1024;

/**
 * An undici dispatch handler that resolves with the status, headers and a light body (above), and
 * honours the request's cancellation before and during the response.
 */
export class UpstreamHandler implements Dispatcher.DispatchHandler {
  private abort?: (err: Error) => void;
  private body?: UpstreamBody;
  private settled = false;
  private readonly onAbort = () => this.abortWith(abortReason(this.signal));

  constructor(
    private readonly resolve: (head: UpstreamHead) => void,
    private readonly reject: (err: unknown) => void,
    private readonly signal?: CancelSignal,
  ) {
    signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  onConnect(abort: (err?: Error) => void): void {
    this.abort = abort as (err: Error) => void;
    if (this.signal?.aborted) abort(abortReason(this.signal));
  }

  onHeaders(status: number, rawHeaders: Buffer[], resume: () => void): boolean {
    if (status < 200) return true;
    const headers = undiciUtil.parseHeaders(rawHeaders) as UpstreamHeaders;
    this.body = new UpstreamBody(resume, () => this.abortWith(abortReason()));
    this.settled = true;
    this.resolve({ status, headers, body: this.body });
    return true;
  }

  onData(chunk: Buffer): boolean {
    return this.body ? this.body.push(chunk) : true;
  }

  onComplete(): void {
    this.cleanup();
    this.body?.end();
  }

  onError(err: Error): void {
    this.cleanup();
    if (!this.settled) {
      this.settled = true;
      this.reject(err);
    }
    this.body?.fail(err);
  }

  private abortWith(err: Error): void {
    if (this.abort) this.abort(err);
  }

  private cleanup(): void {
    this.signal?.removeEventListener('abort', this.onAbort);
  }
}

function abortReason(signal?: CancelSignal): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : abortError();
}
