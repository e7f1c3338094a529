import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChatMessage, ChatResponse, ChatStreamEvent } from '../../providers/core/canonical';
import { DialectValidationError } from '../dialect-validation-error';
import { fromResponsesRequest, responsesInputToMessages } from './responses.request';
import { newResponseId, toOutputItems, toResponsesObject, type ResponseHeader } from './responses.response';
import { toResponsesEvents, type ResponsesSseEvent } from './responses.stream';

/**
 * Golden fixtures in __fixtures__:
 * - `<case>.req.json`: `{body (Responses wire), expected (canonical ChatRequest)}` or `{body, error: {param}}`
 * - `<case>.res.json`: `{header, canonical (ChatResponse), expected (Response object)}`
 * - `<case>.stream.json`: `{header, events (canonical stream), expected ({event, data} SSE events)}`
 */
const DIR = join(__dirname, '__fixtures__');
const files = readdirSync(DIR);
const read = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(DIR, name), 'utf8')) as Record<string, unknown>;

async function* from<T>(items: T[], failWith?: Error): AsyncGenerator<T> {
  for (const item of items) yield item;
  if (failWith) throw failWith;
}

describe('responses dialect: request fixtures (Responses wire in, canonical out)', () => {
  it.each(files.filter((f) => f.endsWith('.req.json')))('%s', (file) => {
    const fx = read(file);
    if (fx.error) {
      let caught: unknown;
      try {
        fromResponsesRequest(fx.body);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(DialectValidationError);
      expect((caught as DialectValidationError).param).toBe((fx.error as { param: string }).param);
      return;
    }
    const parsed = fromResponsesRequest(fx.body);
    expect(parsed.request).toEqual(fx.expected);
    expect(parsed.body).toBe(fx.body);
  });

  it('reads store (default true), stream and previous_response_id', () => {
    expect(fromResponsesRequest({ model: 'm', input: 'x' })).toMatchObject({ store: true, stream: false });
    const p = fromResponsesRequest({
      model: 'm',
      input: 'x',
      store: false,
      stream: true,
      previous_response_id: 'resp_1',
    });
    expect(p).toMatchObject({ store: false, stream: true, previousResponseId: 'resp_1' });
  });
});

describe('responses dialect: answer fixtures (canonical in, Response out)', () => {
  it.each(files.filter((f) => f.endsWith('.res.json')))('%s', (file) => {
    const fx = read(file);
    expect(toResponsesObject(fx.canonical as ChatResponse, fx.header as ResponseHeader)).toEqual(fx.expected);
  });

  it('mints resp_ ids of 32 hex digits', () => {
    expect(newResponseId()).toMatch(/^resp_[0-9a-f]{32}$/);
  });

  it('reads its own output back as the turns that continue the conversation', () => {
    const message: ChatMessage = {
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: 'Hmm.', signature: 'sig' },
        { type: 'text', text: 'Calling.' },
        { type: 'tool_use', id: 'call_1', name: 'f', arguments: '{}' },
      ],
    };
    const items = toOutputItems(message, 'resp_0123');
    expect(responsesInputToMessages(items, 'output')).toEqual([message]);
  });
});

describe('responses dialect: stream fixtures (canonical events in, Responses SSE out)', () => {
  it.each(files.filter((f) => f.endsWith('.stream.json')))('%s', async (file) => {
    const fx = read(file);
    const out: ResponsesSseEvent[] = [];
    for await (const e of toResponsesEvents(
      from(fx.events as ChatStreamEvent[]),
      fx.header as ResponseHeader,
    ))
      out.push(e);
    expect(JSON.parse(JSON.stringify(out))).toEqual(fx.expected);
  });

  it('ends an upstream failure with response.failed (its error), then throws it on', async () => {
    const out: ResponsesSseEvent[] = [];
    const header = { id: 'resp_1', publicModel: 'p', createdAt: 1 };
    const failing = toResponsesEvents(
      from<ChatStreamEvent>([{ type: 'text', choice: 0, text: 'Hi' }], new Error('cut')),
      {
        ...header,
        errorOf: () => ({ code: 'upstream_error', message: 'cut' }),
      },
    );
    await expect(
      (async () => {
        for await (const e of failing) out.push(e);
      })(),
    ).rejects.toThrow('cut');
    const last = out[out.length - 1];
    expect(last.event).toBe('response.failed');
    expect(last.data.response).toMatchObject({ status: 'failed', error: { code: 'upstream_error' } });
    expect(out.map((e) => e.data.sequence_number)).toEqual(out.map((_e, i) => i));
  });

  it('reports the final Response to onCompleted, and a length stop as response.incomplete', async () => {
    const seen: unknown[] = [];
    const out: ResponsesSseEvent[] = [];
    const events: ChatStreamEvent[] = [
      { type: 'text', choice: 0, text: 'Cut' },
      { type: 'finish', choice: 0, reason: 'length' },
    ];
    for await (const e of toResponsesEvents(from(events), {
      id: 'resp_2',
      publicModel: 'p',
      createdAt: 1,
      onCompleted: (r) => Promise.resolve(void seen.push(r)),
    }))
      out.push(e);
    expect(out[out.length - 1].event).toBe('response.incomplete');
    expect(seen).toEqual([out[out.length - 1].data.response]);
    expect(seen[0]).toMatchObject({
      status: 'incomplete',
      incomplete_details: { reason: 'max_output_tokens' },
    });
  });
});
