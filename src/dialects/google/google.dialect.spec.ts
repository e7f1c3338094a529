import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChatResponse, ChatStreamEvent } from '../../providers/core/canonical';
import { DialectValidationError } from '../dialect-validation-error';
import { toGeminiResponse, toGeminiStream } from './google.canonical-to-wire';
import { toGoogleErrorBody } from './google.error-body';
import { fromGeminiRequest } from './google.wire-to-canonical';

/**
 * Golden fixtures in __fixtures__:
 * - `<case>.req.json`: `{model, stream?, body (Gemini wire), expected (canonical ChatRequest)}` or `{…, error: {param}}`
 * - `<case>.res.json`: `{publicModel, canonical (ChatResponse), expected (GenerateContentResponse)}`
 * - `<case>.stream.json`: `{publicModel, events (canonical stream), expected (Gemini chunks)}`
 */
const DIR = join(__dirname, '__fixtures__');
const files = readdirSync(DIR);
const read = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(DIR, name), 'utf8')) as Record<string, unknown>;

async function* from<T>(items: T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}

describe('google dialect: request fixtures (Gemini wire in, canonical out)', () => {
  it.each(files.filter((f) => f.endsWith('.req.json')))('%s', (file) => {
    const fx = read(file);
    const run = () =>
      fromGeminiRequest(fx.body, fx.model as string, { stream: fx.stream as boolean | undefined });
    if (fx.error) {
      let caught: unknown;
      try {
        run();
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(DialectValidationError);
      expect((caught as DialectValidationError).param).toBe((fx.error as { param: string }).param);
      return;
    }
    expect(run()).toEqual(fx.expected);
  });

  it('refuses a missing model and a non-object body', () => {
    expect(() => fromGeminiRequest({ contents: [] }, 'models/')).toThrow(
      expect.objectContaining({ param: 'model' }),
    );
    expect(() => fromGeminiRequest([], 'gemini-2.5-flash')).toThrow(
      expect.objectContaining({ param: 'body' }),
    );
  });

  it('refuses a field given under both spellings (the body goes to Gemini as is)', () => {
    const body = { contents: [], cachedContent: null, cached_content: 'cachedContents/x' };
    expect(() => fromGeminiRequest(body, 'gemini-2.5-flash')).toThrow(
      expect.objectContaining({
        param: 'cached_content',
        message: expect.stringContaining('"cachedContent"'),
      }),
    );
  });
});

describe('google dialect: response fixtures (canonical in, Gemini wire out)', () => {
  it.each(files.filter((f) => f.endsWith('.res.json')))('%s', (file) => {
    const fx = read(file);
    expect(toGeminiResponse(fx.canonical as ChatResponse, fx.publicModel as string)).toEqual(fx.expected);
  });
});

describe('google dialect: stream fixtures (canonical events in, Gemini chunks out)', () => {
  it.each(files.filter((f) => f.endsWith('.stream.json')))('%s', async (file) => {
    const fx = read(file);
    const chunks: unknown[] = [];
    for await (const c of toGeminiStream(from(fx.events as ChatStreamEvent[]), fx.publicModel as string))
      chunks.push(c);
    expect(chunks).toEqual(fx.expected);
  });

  it('the last chunk carries usageMetadata even for a stream of text only', async () => {
    const events: ChatStreamEvent[] = [
      { type: 'text', choice: 0, text: 'hi' },
      { type: 'usage', usage: { promptTokens: 1, completionTokens: 1 } },
    ];
    const chunks = [];
    for await (const c of toGeminiStream(from(events), 'm')) chunks.push(c);
    expect(chunks[chunks.length - 1].usageMetadata).toEqual({
      promptTokenCount: 1,
      candidatesTokenCount: 1,
      totalTokenCount: 2,
    });
  });
});

describe('toGoogleErrorBody', () => {
  it.each([
    [400, 'INVALID_ARGUMENT'],
    [401, 'UNAUTHENTICATED'],
    [403, 'PERMISSION_DENIED'],
    [404, 'NOT_FOUND'],
    [413, 'INVALID_ARGUMENT'],
    [429, 'RESOURCE_EXHAUSTED'],
    [500, 'INTERNAL'],
    [502, 'INTERNAL'],
    [503, 'UNAVAILABLE'],
    [504, 'DEADLINE_EXCEEDED'],
    [418, 'INVALID_ARGUMENT'],
    [599, 'INTERNAL'],
  ])('%i → %s', (status, name) => {
    expect(toGoogleErrorBody(status, 'boom')).toEqual({
      error: { code: status, message: 'boom', status: name },
    });
  });
});

describe("google dialect: Anthropic's signed thinking survives a round trip through Gemini parts", () => {
  const thinking = { type: 'thinking' as const, thinking: 'Let me think.', signature: 'sig-1' };
  const call = { type: 'tool_use' as const, id: 'toolu_1', name: 'f', arguments: '{"a":1}' };
  /** The model turn sent back, then its tool's answer. */
  const sentBack = (model: Record<string, unknown>) =>
    fromGeminiRequest(
      {
        contents: [
          { role: 'user', parts: [{ text: 'q' }] },
          model,
          { role: 'user', parts: [{ functionResponse: { name: 'f', response: { ok: true } } }] },
        ],
      },
      'm',
    ).messages[1];

  it('JSON: the signed block is a thought part with thoughtSignature, and comes back signed', () => {
    const res: ChatResponse = {
      id: 'r',
      created: 1,
      choices: [
        { index: 0, message: { role: 'assistant', content: [thinking, call] }, finishReason: 'tool_calls' },
      ],
    };
    const content = toGeminiResponse(res, 'm').candidates![0].content!;
    expect(content.parts![0]).toEqual({ text: 'Let me think.', thought: true, thoughtSignature: 'sig-1' });
    expect(sentBack(content as Record<string, unknown>).content).toEqual([thinking, call]);
  });

  it('stream: the signature closing the block is an empty thought part carrying it', async () => {
    const events: ChatStreamEvent[] = [
      { type: 'reasoning', choice: 0, text: 'Let me ' },
      { type: 'reasoning', choice: 0, text: 'think.' },
      { type: 'reasoning', choice: 0, text: '', signature: 'sig-1' },
      { type: 'reasoning', choice: 0, text: 'More.' },
      { type: 'tool_call', choice: 0, index: 0, id: 'toolu_1', name: 'f', argumentsDelta: '{"a":1}' },
      { type: 'finish', choice: 0, reason: 'tool_calls' },
    ];
    const parts: unknown[] = [];
    for await (const c of toGeminiStream(from(events), 'm')) parts.push(...c.candidates![0].content!.parts!);
    expect(parts[2]).toEqual({ text: '', thought: true, thoughtSignature: 'sig-1' });
    expect(sentBack({ role: 'model', parts }).content).toEqual([
      thinking,
      { type: 'thinking', thinking: 'More.' },
      { ...call, id: 'toolu_1' },
    ]);
  });
});
