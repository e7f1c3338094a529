import fc from 'fast-check';
import { FUZZ_RUNS } from '../../dialects/__fixtures__/request-fuzz';
import { parseSse, type SseEvent } from './sse';

/** `bytes` cut at the given offsets (sorted, deduplicated): the chunks a socket might deliver. */
function cut(bytes: Uint8Array, offsets: number[]): Uint8Array[] {
  const at = [...new Set(offsets.map((o) => o % (bytes.length + 1)))].sort((a, b) => a - b);
  return [0, ...at].map((start, i) => bytes.subarray(start, at[i] ?? bytes.length)).filter((c) => c.length);
}

async function parse(chunks: Uint8Array[]): Promise<SseEvent[]> {
  const out: SseEvent[] = [];
  for await (const ev of parseSse(
    (async function* () {
      yield* chunks;
    })(),
  ))
    out.push(ev);
  return out;
}

/** A line's text: anything but CR and LF (non-ASCII included, so cuts fall inside characters). */
const lineText = fc.string({ unit: 'grapheme', maxLength: 12 }).map((s) => s.replace(/[\r\n]/g, ''));
const eol = fc.constantFrom('\n', '\r\n', '\r');
const event = fc.record({
  event: fc.option(
    lineText.map((s) => s.replace(/^ /, '')),
    { nil: undefined },
  ),
  data: fc.array(lineText, { minLength: 1, maxLength: 3 }),
  comment: fc.boolean(),
  eol,
});
type GeneratedEvent = typeof event extends fc.Arbitrary<infer T> ? T : never;

function wire(events: GeneratedEvent[]): string {
  return events
    .map((e) => {
      const lines = [
        ...(e.comment ? [': keep-alive'] : []),
        ...(e.event !== undefined ? [`event: ${e.event}`] : []),
        ...e.data.map((d) => `data: ${d}`),
      ];
      return lines.map((l) => l + e.eol).join('') + e.eol;
    })
    .join('');
}

describe('parseSse under fuzzing', () => {
  it('arbitrary chunking of a valid stream gives the same events, as they were sent', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(event, { maxLength: 5 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        async (events, offsets) => {
          const bytes = new TextEncoder().encode(wire(events));
          const whole = await parse([bytes]);
          expect(whole).toEqual(
            events.map((e) => ({
              data: e.data.join('\n'),
              ...(e.event !== undefined ? { event: e.event } : {}),
            })),
          );
          expect(await parse(cut(bytes, offsets))).toEqual(whole);
        },
      ),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('arbitrary bytes, arbitrarily chunked, parse without throwing and as if whole', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 200 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        async (bytes, offsets) => {
          expect(await parse(cut(bytes, offsets))).toEqual(await parse([bytes]));
        },
      ),
      { numRuns: FUZZ_RUNS },
    );
  });
});
