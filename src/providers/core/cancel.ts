/**
 * The part of an abort signal the request path uses. A Node `AbortSignal` satisfies it, and so does
 * `Cancellation`, the cheap per-request implementation.
 */
export interface CancelSignal {
  readonly aborted: boolean;
  readonly reason?: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/**
 * One request's cancellation, as a plain object: Node's AbortController is an EventTarget whose
 * creation, listeners and collection cost ~25 µs per request under load (measured against a minimal
 * undici proxy). Listeners run once, on the first `abort`.
 */
export class Cancellation implements CancelSignal {
  aborted = false;
  reason: unknown = undefined;
  private listeners?: Array<() => void>;

  addEventListener(_type: 'abort', listener: () => void): void {
    if (!this.aborted) (this.listeners ??= []).push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const i = this.listeners?.indexOf(listener) ?? -1;
    if (i >= 0) this.listeners!.splice(i, 1);
  }

  abort(reason?: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason ?? abortError();
    const listeners = this.listeners;
    this.listeners = undefined;
    listeners?.forEach((listener) => listener());
  }
}

/** An `AbortError` like the one AbortController gives. */
export function abortError(): Error {
  const err = new Error('This operation was aborted');
  err.name = 'AbortError';
  return err;
}

/** A real AbortSignal that follows `signal`, for APIs that need one (fetch, timers). */
export function toAbortSignal(signal: CancelSignal | undefined): AbortSignal | undefined {
  if (!signal || signal instanceof AbortSignal) return signal;
  const ac = new AbortController();
  if (signal.aborted) ac.abort(signal.reason);
  else signal.addEventListener('abort', () => ac.abort(signal.reason), { once: true });
  return ac.signal;
}
