import { ProviderError } from '../../../providers/core/provider-error';

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

/**
 * One stream event's data as JSON, parsed once for every reader (undefined for `[DONE]` or empty data).
 * Data that is not JSON is a broken frame: the upstream's failure (`upstream`, `invalid_stream_event`).
 */
export function parseChunk(data: string): unknown {
  if (!data || data === '[DONE]') return undefined;
  try {
    return JSON.parse(data);
  } catch {
    throw new ProviderError({
      kind: 'upstream',
      upstreamCode: 'invalid_stream_event',
      message: 'upstream stream sent an event whose data is not JSON',
      raw: data.slice(0, 500),
    });
  }
}

/**
 * The events as they come, each handed to `onEvent` first. `complete`, asked after each event (a wire
 * whose streams end by closing the connection: Gemini), tells whether the answer is complete; a
 * stream that ends before it is was cut, and fails (`upstream`, `stream_truncated`).
 */
export async function* tap<T>(
  events: AsyncIterable<T>,
  onEvent: (ev: T) => void,
  complete?: () => boolean,
): AsyncIterable<T> {
  let completed = complete === undefined;
  for await (const ev of events) {
    onEvent(ev);
    if (!completed) completed = complete!();
    yield ev;
  }
  if (!completed)
    throw new ProviderError({
      kind: 'upstream',
      upstreamCode: 'stream_truncated',
      message: 'upstream stream ended before the answer was complete',
    });
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
