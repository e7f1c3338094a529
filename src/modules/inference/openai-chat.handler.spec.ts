import { JsonText } from '../../common/http/send-json';
import type { ResponseContext } from './pipeline/operation';
import { OpenAiChatHandler } from './openai-chat.handler';

describe('OpenAiChatHandler.passthroughJson', () => {
  const handler = new OpenAiChatHandler();
  const ctx = { publicModel: 'team-gpt', upstreamModel: 'gpt-4o-mini' } as ResponseContext;
  const answer = (model: string, extra = '') =>
    `{"id":"chatcmpl-1","object":"chat.completion","model":${JSON.stringify(model)},"choices":[{"index":0,"message":{"role":"assistant","content":"say \\"model\\": hi"}}]${extra}}`;
  const forward = (text: string) => handler.passthroughJson(JSON.parse(text), ctx, text);

  it('forwards the upstream text with only the model replaced', () => {
    const text = answer('gpt-4o-mini-2024-07-18');
    const out = forward(text);
    expect(out).toBeInstanceOf(JsonText);
    const forwarded = (out as JsonText).text;
    expect(JSON.parse(forwarded)).toEqual({ ...JSON.parse(text), model: 'team-gpt' });
    expect(forwarded).toBe(text.replace('"model":"gpt-4o-mini-2024-07-18"', '"model":"team-gpt"'));
  });

  it('forwards the text untouched when the model is already the public one', () => {
    const text = answer('team-gpt');
    expect((forward(text) as JsonText).text).toBe(text);
  });

  it('falls back to the parsed answer when the model member is not unambiguous in the text', () => {
    for (const text of [
      answer('gpt-4o', ',"meta":{"model":"gpt-4o"}'), // the key twice
      answer('gpt-4o').replace('"model":"gpt-4o"', '"model": "gpt-4o"'), // formatted
      answer('gpt-\u00e9').replace('"gpt-\u00e9"', '"gpt-\\u00e9"'), // escaped differently
    ]) {
      const out = forward(text);
      expect(out).not.toBeInstanceOf(JsonText);
      expect(out).toEqual({ ...JSON.parse(text), model: 'team-gpt' });
    }
  });

  it('leaves an answer without a model as it is', () => {
    expect(handler.passthroughJson({ error: 'x' }, ctx, '{"error":"x"}')).toEqual({ error: 'x' });
  });
});
