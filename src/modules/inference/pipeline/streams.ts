/** Waits for the first event so upstream failures surface before the client sees a byte. */
export async function peekFirst<T>(source: AsyncIterable<T>): Promise<AsyncIterable<T>> {
  const it = source[Symbol.asyncIterator]();
  const first = await it.next();
  return {
    async *[Symbol.asyncIterator]() {
      if (first.done) return;
      yield first.value;
      while (true) {
        const next = await it.next();
        if (next.done) return;
        yield next.value;
      }
    },
  };
}

/** One stream event's data as JSON, parsed once for every reader (undefined for `[DONE]` or non-JSON). */
export function parseChunk(data: string): unknown {
  if (!data || data === '[DONE]') return undefined;
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}

export async function* tap<T>(events: AsyncIterable<T>, onEvent: (ev: T) => void): AsyncIterable<T> {
  for await (const ev of events) {
    onEvent(ev);
    yield ev;
  }
}

/**
 * A stream failure the dialect already told the client about in its own stream (Anthropic's
 * `event: error`): the answer ends normally after that frame instead of being cut. `cause` is the error.
 */
export class StreamErrorReported extends Error {
  constructor(readonly failure: unknown) {
    super(failure instanceof Error ? failure.message : String(failure));
    this.name = 'StreamErrorReported';
  }
}
