import { DialectValidationError } from '../dialect-validation-error';
import { fromOpenAiChatRequest } from './openai-chat.request';

const base = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };

const asPart = (p: unknown) => (typeof p === 'string' ? { type: 'text', text: p } : p);

function fieldOf(body: unknown): string | undefined {
  try {
    fromOpenAiChatRequest(body);
  } catch (err) {
    if (err instanceof DialectValidationError) return err.param;
    throw err;
  }
  return undefined;
}

describe('fromOpenAiChatRequest', () => {
  it('maps messages to ordered blocks: thinking, content, tool uses; a tool message is a tool result', () => {
    const { request } = fromOpenAiChatRequest({
      model: 'm',
      messages: [
        { role: 'developer', content: 'Be brief.' },
        { role: 'user', content: 'Weather?', name: 'ann' },
        {
          role: 'assistant',
          content: 'Checking.',
          reasoning_content: 'Need the tool.',
          tool_calls: [
            {
              id: 'c1',
              type: 'function',
              function: { name: 'w', arguments: '{}' },
              provider_specific_fields: { thought_signature: 'sig' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'c1', content: [{ type: 'text', text: '18C' }] },
        {
          role: 'assistant',
          content: null,
          reasoning_content: 'joined',
          thinking_blocks: [
            { type: 'thinking', thinking: 'joined', signature: 'EqQB' },
            { type: 'redacted_thinking', data: 'cmVk' },
          ],
        },
      ],
    });
    expect(request.messages).toEqual([
      { role: 'system', content: [{ type: 'text', text: 'Be brief.' }] },
      { role: 'user', content: [{ type: 'text', text: 'Weather?' }], name: 'ann' },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'Need the tool.' },
          { type: 'text', text: 'Checking.' },
          { type: 'tool_use', id: 'c1', name: 'w', arguments: '{}', thoughtSignature: 'sig' },
        ],
      },
      {
        role: 'user',
        content: [{ type: 'tool_result', toolUseId: 'c1', content: [{ type: 'text', text: '18C' }] }],
      },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'joined', signature: 'EqQB' },
          { type: 'redacted_thinking', data: 'cmVk' },
        ],
      },
    ]);
  });

  it('maps the common parameters to the canonical request', () => {
    const { publicModel, stream, request } = fromOpenAiChatRequest({
      ...base,
      stream: true,
      stream_options: { include_usage: true },
      max_completion_tokens: 100,
      temperature: 0.2,
      stop: 'END',
      reasoning_effort: 'low',
      response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object' } } },
      enforce_validation: true,
    });
    expect(publicModel).toBe('m');
    expect(stream).toBe(true);
    expect(request).toMatchObject({
      streamIncludeUsage: true,
      maxTokens: 100,
      temperature: 0.2,
      stop: ['END'],
      reasoning: { effort: 'low' },
      responseFormat: { type: 'json_schema', name: 'x', schema: { type: 'object' }, enforceValidation: true },
    });
  });

  it('names the offending field', () => {
    expect(fieldOf({ messages: [] })).toBe('model');
    expect(fieldOf({ model: 'm' })).toBe('messages');
    expect(fieldOf({ ...base, temperature: 3 })).toBe('temperature');
    expect(
      fieldOf({ ...base, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: {} }] }] }),
    ).toBe('messages[0].content[0].image_url.url');
    expect(fieldOf({ ...base, messages: [{ role: 'tool', content: 'x' }] })).toBe('messages[0].tool_call_id');
    expect(fieldOf({ ...base, reasoning_effort: 'max' })).toBe('reasoning_effort');
    expect(fieldOf({ ...base, messages: [{ role: 'system', content: 'x', cache_control: 'yes' }] })).toBe(
      'messages[0].cache_control',
    );
  });

  it('refuses token limits and n out of range or not integers, naming the field (issue 18)', () => {
    for (const key of ['max_tokens', 'max_completion_tokens']) {
      expect(fieldOf({ ...base, [key]: 1e12 })).toBe(key);
      expect(fieldOf({ ...base, [key]: 2_147_483_648 })).toBe(key);
      expect(fieldOf({ ...base, [key]: 1.5 })).toBe(key);
      expect(fieldOf({ ...base, [key]: 0 })).toBe(key);
      expect(fieldOf({ ...base, [key]: 2_147_483_647 })).toBeUndefined();
    }
    expect(fieldOf({ ...base, n: 1000 })).toBe('n');
    expect(fieldOf({ ...base, n: 129 })).toBe('n');
    expect(fieldOf({ ...base, n: 1.5 })).toBe('n');
    expect(fieldOf({ ...base, n: 0 })).toBe('n');
    expect(fromOpenAiChatRequest({ ...base, n: 128 }).request.n).toBe(128);
    expect(() => fromOpenAiChatRequest({ ...base, max_tokens: 1e12 })).toThrow(
      "'max_tokens' must be an integer from 1 to 2147483647, got 1000000000000",
    );
  });

  it('refuses invalid base64 in data: URIs, input_audio.data and file_data, naming the field (issue 18)', () => {
    const user = (part: unknown) => ({
      ...base,
      messages: [{ role: 'user', content: ['x', part].map(asPart) }],
    });
    const image = (url: string) => ({ type: 'image_url', image_url: { url } });
    expect(fieldOf(user(image('data:image/png;base64,@@@')))).toBe('messages[0].content[1].image_url.url');
    expect(fieldOf(user(image('data:image/png;base64,iVBORw0KGgo=')))).toBeUndefined();
    expect(fieldOf(user(image('data:image/png;base64,iVBORw0KGgo')))).toBeUndefined();
    expect(fieldOf(user(image('data:image/png;base64,iVBORw0KG')))).toBe(
      'messages[0].content[1].image_url.url',
    );
    expect(fieldOf(user(image('data:image/png;base64,iVBO-w0K')))).toBe(
      'messages[0].content[1].image_url.url',
    );
    expect(fieldOf(user(image('data:image/png')))).toBe('messages[0].content[1].image_url.url');
    expect(fieldOf(user(image('https://example.com/a.png')))).toBeUndefined();
    expect(fieldOf(user({ type: 'input_audio', input_audio: { data: 'UklGR@', format: 'wav' } }))).toBe(
      'messages[0].content[1].input_audio.data',
    );
    expect(fieldOf(user({ type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } }))).toBe(
      undefined,
    );
    for (const fileData of ['data:application/pdf;base64,JVBER!', 'JVBER i0x']) {
      expect(fieldOf(user({ type: 'file', file: { file_data: fileData, format: 'application/pdf' } }))).toBe(
        'messages[0].content[1].file.file_data',
      );
    }
    expect(fieldOf(user({ type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0x' } }))).toBe(
      undefined,
    );
  });

  it('applies message-level cache_control (LiteLLM form) to every part of the message', () => {
    const { request } = fromOpenAiChatRequest({
      ...base,
      messages: [
        { role: 'system', content: 'long context', cache_control: { type: 'ephemeral', ttl: '3600s' } },
        { role: 'user', content: 'question' },
      ],
    });
    expect(request.messages[0].content).toEqual([
      { type: 'text', text: 'long context', cacheControl: { type: 'ephemeral', ttl: '3600s' } },
    ]);
    expect(request.messages[1].content).toEqual([{ type: 'text', text: 'question' }]);
  });

  it('keeps unknown fields for OpenAI-wire providers and camelCase ones for Gemini generationConfig', () => {
    const { request } = fromOpenAiChatRequest({
      ...base,
      topK: 5,
      safety_settings: [{ category: 'HARM_CATEGORY_HATE_SPEECH', threshold: 'BLOCK_NONE' }],
      custom: 1,
    });
    expect(request.extensions).toEqual({
      openai: { topK: 5, custom: 1 },
      gemini: {
        safetySettings: [{ category: 'HARM_CATEGORY_HATE_SPEECH', threshold: 'BLOCK_NONE' }],
        generationConfig: { topK: 5 },
      },
    });
  });

  it('accepts Gemini built-in tools and legacy functions', () => {
    const { request } = fromOpenAiChatRequest({
      ...base,
      tools: [{ googleSearch: {} }, { type: 'function', function: { name: 'f' } }],
    });
    expect(request.tools).toEqual([
      { type: 'builtin', name: 'google_search', config: {} },
      { type: 'function', name: 'f' },
    ]);
    const legacy = fromOpenAiChatRequest({
      ...base,
      functions: [{ name: 'g' }],
      function_call: { name: 'g' },
    });
    expect(legacy.request).toMatchObject({
      tools: [{ type: 'function', name: 'g' }],
      toolChoice: { name: 'g' },
    });
  });
});
