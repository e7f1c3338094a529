/** Server-sent events: one parser for every upstream, one writer for every dialect. */

export interface SseEvent {
  event?: string;
  data: string;
  id?: string;
}

/**
 * Parses a byte stream into SSE events. Accepts `\n`, `\r\n` and `\r` line endings (Gemini sends CRLF),
 * joins multi-line `data:` fields, ignores comments. A trailing event without a blank line is emitted at end.
 */
export async function* parseSse(chunks: AsyncIterable<Uint8Array | string>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  let event: string | undefined;
  let id: string | undefined;

  const flush = (): SseEvent | undefined => {
    if (data.length === 0 && event === undefined) return undefined;
    const out: SseEvent = { data: data.join('\n') };
    if (event !== undefined) out.event = event;
    if (id !== undefined) out.id = id;
    data = [];
    event = undefined;
    return out;
  };

  const takeLine = (line: string): SseEvent | undefined => {
    if (line === '') return flush();
    if (line.charCodeAt(0) === 58 /* : */) return undefined;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
    else if (field === 'id') id = value;
    return undefined;
  };

  for await (const chunk of chunks) {
    buffer += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let i = 0; i < buffer.length; i++) {
      const c = buffer.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      // A lone \r at the very end may be the first half of \r\n: wait for more bytes.
      if (c === 13 && i === buffer.length - 1) break;
      const line = buffer.slice(start, i);
      if (c === 13 && buffer.charCodeAt(i + 1) === 10) i++;
      start = i + 1;
      const ev = takeLine(line);
      if (ev) yield ev;
    }
    buffer = buffer.slice(start);
  }
  buffer += decoder.decode();
  if (buffer.length > 0) {
    const ev = takeLine(buffer.replace(/\r$/, ''));
    if (ev) yield ev;
  }
  const last = flush();
  if (last) yield last;
}

/** Serialises one SSE frame. `data` must not contain newlines (JSON from JSON.stringify never does). */
export function formatSse(data: string, event?: string): string {
  return event ? `event: ${event}\ndata: ${data}\n\n` : `data: ${data}\n\n`;
}
