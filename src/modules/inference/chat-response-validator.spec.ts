import type { ChatRequest, ChatResponse, ChatStreamEvent } from '../../providers/core/canonical';
import { ChatResponseValidator } from './chat-response-validator';

const schema = {
  type: 'array',
  items: { type: 'object', properties: { recipe_name: { type: 'string' } }, required: ['recipe_name'] },
};
const request = (enforceValidation?: boolean, s: Record<string, unknown> = schema): ChatRequest => ({
  stream: false,
  messages: [{ role: 'user', content: [{ type: 'text', text: 'List 5 popular cookie recipes.' }] }],
  responseFormat: { type: 'json_schema', schema: s, enforceValidation },
});
const answer = (content: string | null): ChatResponse => ({
  id: 'x',
  created: 0,
  choices: [
    {
      index: 0,
      finishReason: 'stop',
      message: { role: 'assistant', content: content === null ? [] : [{ type: 'text', text: content }] },
    },
  ],
});

describe('ChatResponseValidator (enforce_validation, contract §9.23)', () => {
  const v = new ChatResponseValidator();

  it('passes a matching answer and ignores requests without enforce_validation', () => {
    expect(() => v.check(request(true), answer('[{"recipe_name":"Snickerdoodle"}]'))).not.toThrow();
    expect(() => v.check(request(false), answer('not json'))).not.toThrow();
    expect(() => v.check({ stream: false, messages: [] }, answer('not json'))).not.toThrow();
  });

  it('refuses a mismatch with 502 response_schema_validation_failed and the raw answer', () => {
    const raw = '[{"name":"Snickerdoodle"}]';
    expect(() => v.check(request(true), answer(raw))).toThrow(
      expect.objectContaining({
        code: 'response_schema_validation_failed',
        status: 502,
        extra: { raw_response: raw },
        message: expect.stringContaining("must have required property 'recipe_name'"),
      }),
    );
    expect(() => v.check(request(true), answer('nope'))).toThrow(
      expect.objectContaining({ status: 502, extra: { raw_response: 'nope' } }),
    );
  });

  it('reads OpenAPI capitals and 2020-12 schemas', () => {
    const gemini = { type: 'OBJECT', properties: { n: { type: 'INTEGER' } }, required: ['n'] };
    expect(() => v.check(request(true, gemini), answer('{"n":1}'))).not.toThrow();
    expect(() => v.check(request(true, gemini), answer('{"n":"1"}'))).toThrow(
      expect.objectContaining({ status: 502 }),
    );
    const s2020 = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: 'x',
      type: 'array',
      prefixItems: [{ type: 'string' }],
    };
    expect(() => v.check(request(true, s2020), answer('["a"]'))).not.toThrow();
    expect(() => v.check(request(true, s2020), answer('[1]'))).toThrow(
      expect.objectContaining({ status: 502 }),
    );
  });

  it('checks a stream once it has ended: the first choice’s text, collected only when asked for', async () => {
    expect(v.forRequest(request(false))).toBeUndefined();
    expect(v.forRequest({ stream: true, messages: [] })).toBeUndefined();
    const events: ChatStreamEvent[] = [
      { type: 'start' },
      { type: 'text', choice: 0, text: '[{"recipe_' },
      { type: 'text', choice: 1, text: 'other choice' },
      { type: 'reasoning', choice: 0, text: 'thinking' },
      { type: 'text', choice: 0, text: 'name":"Snickerdoodle"}]' },
      { type: 'finish', choice: 0, reason: 'stop' },
    ];
    const seen: ChatStreamEvent[] = [];
    const good = v.forRequest(request(true))!;
    for await (const ev of good.watch(from(events))) seen.push(ev);
    expect(seen).toEqual(events);
    expect(good.failure()).toBeUndefined();

    const bad = v.forRequest(request(true))!;
    bad.add('[{"name":');
    bad.add('"Snickerdoodle"}]');
    const failure = bad.failure();
    expect(failure).toMatchObject({
      code: 'response_schema_validation_failed',
      status: 502,
      extra: { raw_response: '[{"name":"Snickerdoodle"}]' },
    });
    bad.add('ignored: the outcome is settled once asked');
    expect(bad.failure()).toBe(failure);
  });
});

async function* from<T>(items: T[]): AsyncGenerator<T> {
  yield* items;
}
