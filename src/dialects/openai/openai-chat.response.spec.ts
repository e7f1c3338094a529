import type { ChatResponse, ChatStreamEvent } from '../../providers/core/canonical';
import { toOpenAiChatResponse, toOpenAiChunks } from './openai-chat.response';

async function chunksOf(events: ChatStreamEvent[], includeUsage: boolean) {
  const out: Array<Record<string, unknown>> = [];
  const source = (async function* () {
    yield* events;
  })();
  for await (const c of toOpenAiChunks(source, {
    id: 'chatcmpl-1',
    created: 1,
    publicModel: 'm',
    includeUsage,
  }))
    out.push(c);
  return out;
}

const grounding = [{ webSearchQueries: ['q'] }];
/** A Gemini stream as the codec emits it: metadata and usage after the finish. */
const geminiStream: ChatStreamEvent[] = [
  { type: 'start' },
  { type: 'text', choice: 0, text: 'Hi' },
  { type: 'finish', choice: 0, reason: 'stop' },
  { type: 'metadata', metadata: { modelVersion: 'gemini-2.5-flash', groundingMetadata: grounding } },
  { type: 'usage', usage: { promptTokens: 3, completionTokens: 1 } },
];

describe('toOpenAiChunks (issue 14 item 9)', () => {
  it('folds provider metadata into the finish chunk; no chunk with empty choices without include_usage', async () => {
    const chunks = await chunksOf(geminiStream, false);
    expect(chunks.map((c) => (c.choices as unknown[]).length)).toEqual([1, 1]);
    expect(chunks[1]).toEqual({
      id: 'chatcmpl-1',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'm',
      choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }],
      groundingMetadata: grounding,
    });
    for (const c of chunks) {
      expect(c).not.toHaveProperty('system_fingerprint');
      expect(c).not.toHaveProperty('modelVersion');
      expect(c).not.toHaveProperty('usage');
    }
  });

  it('a signed thinking block travels whole in delta.thinking_blocks once its signature closes it; redacted too', async () => {
    // Anthropic's stream: thinking deltas, then a signature_delta (an empty reasoning event with the signature).
    const chunks = await chunksOf(
      [
        { type: 'reasoning', choice: 0, text: 'Let me ', block: 0 },
        { type: 'reasoning', choice: 0, text: 'think.', block: 0 },
        { type: 'reasoning', choice: 0, text: '', signature: 'sig-1', block: 0 },
        { type: 'redacted_reasoning', choice: 0, data: 'cmVk', block: 1 },
        { type: 'tool_call', choice: 0, index: 0, id: 'toolu_1', name: 'f', argumentsDelta: '{}' },
        { type: 'finish', choice: 0, reason: 'tool_calls' },
      ],
      false,
    );
    const deltas = chunks.map((c) => (c.choices as Array<{ delta: Record<string, unknown> }>)[0].delta);
    expect(deltas.filter((d) => 'reasoning_content' in d).map((d) => d.reasoning_content)).toEqual([
      'Let me ',
      'think.',
    ]);
    expect(
      deltas.filter((d) => 'thinking_blocks' in d).flatMap((d) => d.thinking_blocks as unknown[]),
    ).toEqual([
      { type: 'thinking', thinking: 'Let me think.', signature: 'sig-1' },
      { type: 'redacted_thinking', data: 'cmVk' },
    ]);
  });

  it('with include_usage: the usage chunk alone has empty choices, and comes last', async () => {
    const chunks = await chunksOf(geminiStream, true);
    expect(chunks.map((c) => (c.choices as unknown[]).length)).toEqual([1, 1, 0]);
    expect(chunks.slice(0, 2).map((c) => c.usage)).toEqual([null, null]);
    expect(chunks[2].usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 });
  });

  it('a finish followed by more content (several choices) is sent when that content comes', async () => {
    const chunks = await chunksOf(
      [
        { type: 'text', choice: 0, text: 'a' },
        { type: 'finish', choice: 0, reason: 'stop' },
        { type: 'text', choice: 1, text: 'b' },
        { type: 'finish', choice: 1, reason: 'length' },
        { type: 'metadata', metadata: { safetyRatings: [[], []] } },
      ],
      false,
    );
    const summary = chunks.map((c) => {
      const [choice] = c.choices as Array<{ index: number; finish_reason: string | null }>;
      return [choice.index, choice.finish_reason, 'safetyRatings' in c];
    });
    expect(summary).toEqual([
      [0, null, false],
      [0, 'stop', false],
      [1, null, false],
      [1, 'length', true],
    ]);
  });

  it('the JSON answer has no system_fingerprint and no modelVersion, other metadata kept', () => {
    const resp: ChatResponse = {
      id: 'x',
      created: 1,
      choices: [
        {
          index: 0,
          finishReason: 'stop',
          message: { role: 'assistant', content: [{ type: 'text', text: 'Hi' }] },
        },
      ],
      providerMetadata: { modelVersion: 'gemini-2.5-flash', groundingMetadata: grounding },
    };
    const body = toOpenAiChatResponse(resp, 'm');
    expect(body).not.toHaveProperty('system_fingerprint');
    expect(body).not.toHaveProperty('modelVersion');
    expect(body.groundingMetadata).toEqual(grounding);
  });
});

describe('toOpenAiChatResponse: blocks', () => {
  const answer = (content: ChatResponse['choices'][0]['message']['content']) =>
    toOpenAiChatResponse(
      {
        id: 'x',
        created: 1,
        choices: [{ index: 0, finishReason: 'stop', message: { role: 'assistant', content } }],
      },
      'm',
    ) as { choices: Array<{ message: Record<string, unknown> }> };

  it('no text block → content null; unsigned thinking → reasoning_content only', () => {
    const { message } = answer([{ type: 'thinking', thinking: 'hmm' }]).choices[0];
    expect(message).toEqual({ role: 'assistant', content: null, refusal: null, reasoning_content: 'hmm' });
  });

  it('signed or redacted thinking also travels as LiteLLM thinking_blocks, in order', () => {
    const { message } = answer([
      { type: 'thinking', thinking: 'a', signature: 'EqQB' },
      { type: 'redacted_thinking', data: 'cmVk' },
      { type: 'text', text: '42' },
    ]).choices[0];
    expect(message).toEqual({
      role: 'assistant',
      content: '42',
      refusal: null,
      reasoning_content: 'a',
      thinking_blocks: [
        { type: 'thinking', thinking: 'a', signature: 'EqQB' },
        { type: 'redacted_thinking', data: 'cmVk' },
      ],
    });
  });
});
