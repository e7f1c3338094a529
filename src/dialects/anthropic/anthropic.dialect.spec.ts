import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChatResponse, ChatStreamEvent } from '../../providers/core/canonical';
import { DialectValidationError } from '../dialect-validation-error';
import { anthropicForwardHeaders } from './anthropic.headers';
import {
  anthropicCountTokensAnswer,
  fromAnthropicMessagesRequest,
  parseAnthropicCountTokens,
} from './anthropic.request';
import { toAnthropicMessage } from './anthropic.response';
import { toAnthropicEvents, type AnthropicSseEvent } from './anthropic.stream';

/**
 * Golden fixtures in __fixtures__:
 * - `<case>.req.json`: `{body (Messages wire), expected (canonical ChatRequest), skippedBlocks?}` or `{body, error: {param}}`
 * - `<case>.res.json`: `{publicModel, canonical (ChatResponse), expected (Messages message)}`
 * - `<case>.stream.json`: `{publicModel, id, events (canonical stream), expected ({event, data} SSE events)}`
 */
const DIR = join(__dirname, '__fixtures__');
const files = readdirSync(DIR);
const read = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(DIR, name), 'utf8')) as Record<string, unknown>;

async function* from<T>(items: T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}

async function render(events: ChatStreamEvent[], publicModel = 'p', id = 'chatcmpl-1') {
  const out: AnthropicSseEvent[] = [];
  for await (const e of toAnthropicEvents(from(events), { id, publicModel })) out.push(e);
  return out;
}

describe('anthropic dialect: request fixtures (Messages wire in, canonical out)', () => {
  it.each(files.filter((f) => f.endsWith('.req.json')))('%s', (file) => {
    const fx = read(file);
    if (fx.error) {
      let caught: unknown;
      try {
        fromAnthropicMessagesRequest(fx.body);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(DialectValidationError);
      expect((caught as DialectValidationError).param).toBe((fx.error as { param: string }).param);
      return;
    }
    const parsed = fromAnthropicMessagesRequest(fx.body);
    expect(parsed.request).toEqual(fx.expected);
    expect(parsed.skippedBlocks).toEqual(fx.skippedBlocks ?? []);
    expect(parsed.body).toBe(fx.body);
  });

  it('refuses a body that is not an object, naming `body`', () => {
    for (const body of [undefined, null, [], 'x'])
      expect(() => fromAnthropicMessagesRequest(body)).toThrow(expect.objectContaining({ param: 'body' }));
  });

  it('keeps the public model and the stream flag', () => {
    const p = fromAnthropicMessagesRequest({
      model: 'claude-x',
      max_tokens: 1,
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(p).toMatchObject({ publicModel: 'claude-x', stream: true });
  });
});

describe('anthropic dialect: count_tokens', () => {
  it('parses a body without max_tokens (never streamed) and answers {input_tokens}', () => {
    const p = parseAnthropicCountTokens({
      model: 'claude-x',
      system: 'sys',
      messages: [{ role: 'user', content: 'Hello there' }],
      tools: [{ name: 'f', input_schema: { type: 'object' } }],
    });
    expect(p.publicModel).toBe('claude-x');
    expect(p.stream).toBe(false);
    expect(p.request.maxTokens).toBeUndefined();
    expect(p.request.messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(anthropicCountTokensAnswer(17)).toEqual({ input_tokens: 17 });
  });

  it('names the field at fault', () => {
    expect(() =>
      parseAnthropicCountTokens({ model: 'm', messages: [{ role: 'bot', content: 'x' }] }),
    ).toThrow(expect.objectContaining({ param: 'messages[0].role' }));
  });
});

describe('anthropic dialect: response fixtures (canonical in, Messages message out)', () => {
  it.each(files.filter((f) => f.endsWith('.res.json')))('%s', (file) => {
    const fx = read(file);
    expect(toAnthropicMessage(fx.canonical as ChatResponse, fx.publicModel as string)).toEqual(fx.expected);
  });

  it('keeps tool arguments that are not JSON as their text', () => {
    const msg = toAnthropicMessage(
      {
        id: 'x',
        created: 0,
        choices: [
          {
            index: 0,
            finishReason: 'tool_calls',
            message: {
              role: 'assistant',
              content: [{ type: 'tool_use', id: 't', name: 'f', arguments: '{"a":' }],
            },
          },
        ],
      },
      'p',
    );
    expect(msg.content).toEqual([{ type: 'tool_use', id: 't', name: 'f', input: '{"a":' }]);
  });
});

describe('anthropic dialect: stream fixtures (canonical events in, Messages SSE events out)', () => {
  it.each(files.filter((f) => f.endsWith('.stream.json')))('%s', async (file) => {
    const fx = read(file);
    const out = await render(fx.events as ChatStreamEvent[], fx.publicModel as string, fx.id as string);
    expect(out).toEqual(fx.expected);
    for (const e of out) expect(e.data.type).toBe(e.event);
  });

  it('never interleaves blocks: each start follows the stop of the block before it', async () => {
    for (const file of files.filter((f) => f.endsWith('.stream.json'))) {
      const fx = read(file);
      const out = await render(fx.events as ChatStreamEvent[]);
      let open: number | undefined;
      let next = 0;
      for (const e of out) {
        if (e.event === 'content_block_start') {
          expect(open).toBeUndefined();
          expect(e.data.index).toBe(next++);
          open = e.data.index as number;
        } else if (e.event === 'content_block_delta') expect(e.data.index).toBe(open);
        else if (e.event === 'content_block_stop') {
          expect(e.data.index).toBe(open);
          open = undefined;
        }
      }
      expect(open).toBeUndefined();
    }
  });

  it('an empty stream is still a whole message', async () => {
    expect((await render([])).map((e) => e.event)).toEqual([
      'message_start',
      'message_delta',
      'message_stop',
    ]);
  });

  it('usage known at the first event goes into message_start', async () => {
    const out = await render([
      { type: 'usage', usage: { promptTokens: 9, completionTokens: 0 } },
      { type: 'text', choice: 0, text: 'a' },
      { type: 'usage', usage: { promptTokens: 9, completionTokens: 1 } },
    ]);
    expect((out[0].data.message as { usage: unknown }).usage).toMatchObject({ input_tokens: 9 });
    expect(out.at(-2)?.data.usage).toMatchObject({ input_tokens: 9, output_tokens: 1 });
  });

  it('a tool call without an id gets one; endWith replaces message_delta and message_stop', async () => {
    const out: AnthropicSseEvent[] = [];
    const error = { event: 'error', data: { type: 'error', error: { type: 'api_error', message: 'x' } } };
    for await (const e of toAnthropicEvents(
      from<ChatStreamEvent>([{ type: 'tool_call', choice: 0, index: 0, name: 'f', argumentsDelta: '{}' }]),
      { id: 'chatcmpl-9', publicModel: 'p', endWith: () => error },
    ))
      out.push(e);
    expect(out[1].data.content_block).toEqual({ type: 'tool_use', id: 'toolu_9_0', name: 'f', input: {} });
    expect(out.map((e) => e.event)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'error',
    ]);
  });
});

describe('anthropic dialect: forwarded client headers', () => {
  it('keeps anthropic-version and anthropic-beta (repeated betas joined), nothing else', () => {
    expect(
      anthropicForwardHeaders({
        'anthropic-version': '2023-06-01',
        'anthropic-beta': ['files-api-2025-04-14', 'interleaved-thinking-2025-05-14'],
        'x-api-key': 'secret',
        authorization: 'Bearer x',
      }),
    ).toEqual({
      'anthropic-version': '2023-06-01',
      'anthropic-beta': 'files-api-2025-04-14,interleaved-thinking-2025-05-14',
    });
    expect(anthropicForwardHeaders({ 'content-type': 'application/json' })).toBeUndefined();
  });
});
