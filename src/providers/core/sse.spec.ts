import { parseSse } from './sse';

async function collect(chunks: string[]) {
  const out = [];
  for await (const ev of parseSse(
    (async function* () {
      yield* chunks;
    })(),
  ))
    out.push(ev);
  return out;
}

describe('parseSse', () => {
  it('parses LF-framed data events and the [DONE] sentinel', async () => {
    expect(await collect(['data: {"a":1}\n\ndata: [DONE]\n\n'])).toEqual([
      { data: '{"a":1}' },
      { data: '[DONE]' },
    ]);
  });

  it('parses CRLF framing split across chunks, including a CR at a chunk edge (Gemini)', async () => {
    expect(await collect(['data: {"x":1}\r', '\n\r\ndata: {"x":2}\r\n\r\n'])).toEqual([
      { data: '{"x":1}' },
      { data: '{"x":2}' },
    ]);
  });

  it('keeps event names and ids, joins multi-line data and ignores comments', async () => {
    expect(await collect([': ping\n\nevent: message_start\nid: 7\ndata: a\ndata: b\n\n'])).toEqual([
      { event: 'message_start', id: '7', data: 'a\nb' },
    ]);
  });

  it('emits a trailing event without a blank line when the stream closes', async () => {
    expect(await collect(['data: last'])).toEqual([{ data: 'last' }]);
  });
});
