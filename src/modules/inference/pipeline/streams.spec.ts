import { ProviderError } from '../../../providers/core/provider-error';
import { parseChunk, tap } from './streams';

async function drain<T>(events: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const ev of events) out.push(ev);
  return out;
}

async function* of<T>(...items: T[]): AsyncIterable<T> {
  yield* items;
}

describe('parseChunk', () => {
  it('parses JSON data; [DONE] and empty data are no chunk', () => {
    expect(parseChunk('{"a":1}')).toEqual({ a: 1 });
    expect(parseChunk('[DONE]')).toBeUndefined();
    expect(parseChunk('')).toBeUndefined();
  });

  it('data that is not JSON (a broken frame) is the upstream failing: retryable, invalid_stream_event', () => {
    let thrown: unknown;
    try {
      parseChunk('{"id":"chatcmpl-1","cho');
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ProviderError);
    expect(thrown).toMatchObject({ kind: 'upstream', upstreamCode: 'invalid_stream_event', retryable: true });
  });
});

describe('tap', () => {
  it('hands each event to onEvent before passing it on', async () => {
    const seen: number[] = [];
    expect(await drain(tap(of(1, 2, 3), (n) => seen.push(n)))).toEqual([1, 2, 3]);
    expect(seen).toEqual([1, 2, 3]);
  });

  it('a stream that ends before `complete` says so was cut: stream_truncated, after its events', async () => {
    const passed: number[] = [];
    const truncated = tap(
      of(1, 2),
      () => undefined,
      () => false,
    );
    await expect(
      (async () => {
        for await (const n of truncated) passed.push(n);
      })(),
    ).rejects.toMatchObject({ kind: 'upstream', upstreamCode: 'stream_truncated' });
    expect(passed).toEqual([1, 2]);
    let last = 0;
    const complete = tap(
      of(1, 2),
      (n) => (last = n),
      () => last === 2,
    );
    expect(await drain(complete)).toEqual([1, 2]);
  });
});
