import type { ChatResponse, ChatStreamEvent } from '../../providers/core/canonical';
import { DialectValidationError } from '../dialect-validation-error';
import {
  DEFAULT_COMPLETION_MAX_TOKENS,
  fromOpenAiCompletionRequest,
  toOpenAiCompletion,
  toOpenAiCompletionChunks,
} from './openai-completions';

/** The field a parse failure names. */
function paramOf(body: unknown): string | undefined {
  try {
    fromOpenAiCompletionRequest(body);
  } catch (err) {
    if (err instanceof DialectValidationError) return err.param;
    throw err;
  }
  return undefined;
}

describe('fromOpenAiCompletionRequest', () => {
  it('a prompt becomes one user message; sampling fields map; max_tokens defaults to 16', () => {
    const p = fromOpenAiCompletionRequest({
      model: 'm',
      prompt: 'Once upon a time',
      temperature: 0.5,
      top_p: 0.9,
      stop: '\n',
      seed: 7,
      frequency_penalty: 0.1,
      presence_penalty: -0.2,
      user: 'u1',
      stream: true,
      stream_options: { include_usage: true },
      echo: false,
      best_of: 1,
      n: 1,
      logprobs: null,
      suffix: null,
      logit_bias: {},
      unknown_field: 1,
    });
    expect(p).toMatchObject({
      publicModel: 'm',
      stream: true,
      includeUsage: true,
      maxTokens: DEFAULT_COMPLETION_MAX_TOKENS,
      completions: 1,
      promptText: 'Once upon a time',
      promptTokenIds: 0,
      passthroughOnly: undefined,
    });
    expect(p.body.unknown_field).toBe(1);
    expect(p.request).toMatchObject({
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Once upon a time' }] }],
      stream: true,
      streamIncludeUsage: true,
      maxTokens: 16,
      temperature: 0.5,
      topP: 0.9,
      stop: ['\n'],
      seed: 7,
      frequencyPenalty: 0.1,
      presencePenalty: -0.2,
      user: 'u1',
      reasoning: { effort: 'none' },
    });
  });

  it('an array of one string is one prompt; max_tokens as given', () => {
    const p = fromOpenAiCompletionRequest({ model: 'm', prompt: ['Hi'], max_tokens: 40 });
    expect(p.request.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }]);
    expect(p.request.maxTokens).toBe(40);
    expect(p.passthroughOnly).toBeUndefined();
  });

  it.each([
    ['several prompts', { prompt: ['a', 'b'] }, 'prompt', 2],
    ['token ids', { prompt: [1, 2, 3] }, 'prompt', 1],
    ['token-id arrays', { prompt: [[1, 2], [3]] }, 'prompt', 2],
    ['suffix', { suffix: 'end' }, 'suffix', 1],
    ['echo', { echo: true }, 'echo', 1],
    ['logprobs', { logprobs: 0 }, 'logprobs', 1],
    ['best_of', { best_of: 3 }, 'best_of', 3],
    ['n', { n: 2 }, 'n', 2],
    ['logit_bias', { logit_bias: { '50256': -100 } }, 'logit_bias', 1],
    ['max_tokens 0', { max_tokens: 0 }, 'max_tokens', 1],
  ])('%s: served only by OpenAI (passthroughOnly names the field)', (_what, extra, param, completions) => {
    const p = fromOpenAiCompletionRequest({ model: 'm', prompt: 'x', ...extra });
    expect(p.passthroughOnly).toBeInstanceOf(DialectValidationError);
    expect(p.passthroughOnly?.param).toBe(param);
    expect(p.completions).toBe(completions);
  });

  it('counts token ids as prompt tokens, and every prompt × n for the reservation', () => {
    const p = fromOpenAiCompletionRequest({ model: 'm', prompt: [[1, 2], [3]], n: 3, best_of: 4 });
    expect(p.promptTokenIds).toBe(3);
    expect(p.completions).toBe(8);
  });

  it.each([
    [{ prompt: 'x' }, 'model'],
    [{ model: 'm' }, 'prompt'],
    [{ model: 'm', prompt: [] }, 'prompt'],
    [{ model: 'm', prompt: [1, 'a'] }, 'prompt'],
    [{ model: 'm', prompt: 5 }, 'prompt'],
    [{ model: 'm', prompt: 'x', max_tokens: -1 }, 'max_tokens'],
    [{ model: 'm', prompt: 'x', max_tokens: 'ten' }, 'max_tokens'],
    [{ model: 'm', prompt: 'x', temperature: 3 }, 'temperature'],
    [{ model: 'm', prompt: 'x', top_p: 2 }, 'top_p'],
    [{ model: 'm', prompt: 'x', n: 0 }, 'n'],
    [{ model: 'm', prompt: 'x', n: 1000 }, 'n'],
    [{ model: 'm', prompt: 'x', max_tokens: 1e12 }, 'max_tokens'],
    [{ model: 'm', prompt: 'x', max_tokens: 1.5 }, 'max_tokens'],
    [{ model: 'm', prompt: 'x', stop: ['a', 'b', 'c', 'd', 'e'] }, 'stop'],
    [{ model: 'm', prompt: 'x', stop: 3 }, 'stop'],
    [{ model: 'm', prompt: 'x', stream: 'yes' }, 'stream'],
    [{ model: 'm', prompt: 'x', stream_options: true }, 'stream_options'],
    [{ model: 'm', prompt: 'x', echo: 'yes' }, 'echo'],
    [{ model: 'm', prompt: 'x', suffix: 1 }, 'suffix'],
    [{ model: 'm', prompt: 'x', logprobs: 6 }, 'logprobs'],
    [{ model: 'm', prompt: 'x', best_of: 21 }, 'best_of'],
    [{ model: 'm', prompt: 'x', best_of: 2, stream: true }, 'best_of'],
    [{ model: 'm', prompt: 'x', logit_bias: [] }, 'logit_bias'],
    [{ model: 'm', prompt: 'x', user: 1 }, 'user'],
  ])('%j: a 400 naming %s', (body, param) => {
    expect(paramOf(body)).toBe(param);
  });

  it('a body that is not an object names the body', () => {
    expect(paramOf('prompt')).toBe('body');
  });
});

const answer: ChatResponse = {
  id: 'resp-1',
  created: 1_700_000_000,
  choices: [
    {
      index: 0,
      message: {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'hmm' },
          { type: 'text', text: 'Hello' },
          { type: 'text', text: ' world' },
        ],
      },
      finishReason: 'length',
    },
  ],
  usage: { promptTokens: 5, completionTokens: 2, reasoningTokens: 1 },
};

describe('toOpenAiCompletion', () => {
  it('a text_completion with the public model, the text blocks joined, no thinking, usage', () => {
    expect(toOpenAiCompletion(answer, 'public')).toEqual({
      id: 'resp-1',
      object: 'text_completion',
      created: 1_700_000_000,
      model: 'public',
      choices: [{ text: 'Hello world', index: 0, logprobs: null, finish_reason: 'length' }],
      usage: {
        prompt_tokens: 5,
        completion_tokens: 2,
        total_tokens: 7,
        prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 1, audio_tokens: 0 },
      },
    });
  });

  it.each([
    ['stop', 'stop'],
    ['tool_calls', 'stop'],
    ['error', 'stop'],
    ['content_filter', 'content_filter'],
  ] as const)('finish reason %s → %s; no text → ""', (reason, expected) => {
    const resp: ChatResponse = {
      ...answer,
      choices: [{ index: 0, message: { role: 'assistant', content: [] }, finishReason: reason }],
    };
    expect((toOpenAiCompletion(resp, 'p').choices as unknown[])[0]).toEqual({
      text: '',
      index: 0,
      logprobs: null,
      finish_reason: expected,
    });
  });
});

async function chunksOf(events: ChatStreamEvent[], includeUsage: boolean) {
  const out: Array<Record<string, unknown>> = [];
  const source = (async function* () {
    yield* events;
  })();
  for await (const c of toOpenAiCompletionChunks(source, {
    id: 'cmpl-1',
    created: 1,
    publicModel: 'pub',
    includeUsage,
  }))
    out.push(c);
  return out;
}

const stream: ChatStreamEvent[] = [
  { type: 'start' },
  { type: 'reasoning', choice: 0, text: 'thinking…' },
  { type: 'text', choice: 0, text: 'Hel' },
  { type: 'text', choice: 0, text: 'lo' },
  { type: 'finish', choice: 0, reason: 'stop' },
  { type: 'metadata', metadata: { modelVersion: 'x' } },
  { type: 'usage', usage: { promptTokens: 3, completionTokens: 2 } },
];

describe('toOpenAiCompletionChunks', () => {
  const base = { id: 'cmpl-1', object: 'text_completion', created: 1, model: 'pub' };

  it('text deltas, then the finish chunk; no usage chunk and no usage member unless asked', async () => {
    expect(await chunksOf(stream, false)).toEqual([
      { ...base, choices: [{ text: 'Hel', index: 0, logprobs: null, finish_reason: null }] },
      { ...base, choices: [{ text: 'lo', index: 0, logprobs: null, finish_reason: null }] },
      { ...base, choices: [{ text: '', index: 0, logprobs: null, finish_reason: 'stop' }] },
    ]);
  });

  it('include_usage: usage null on every chunk, then the usage chunk with empty choices', async () => {
    const chunks = await chunksOf(stream, true);
    expect(chunks.slice(0, 3).map((c) => c.usage)).toEqual([null, null, null]);
    expect(chunks[3]).toEqual({
      ...base,
      choices: [],
      usage: {
        prompt_tokens: 3,
        completion_tokens: 2,
        total_tokens: 5,
        prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
      },
    });
    expect(chunks).toHaveLength(4);
  });

  it('a stream without usage (cut short) ends without a usage chunk', async () => {
    const chunks = await chunksOf(stream.slice(0, 3), true);
    expect(chunks).toHaveLength(1);
  });
});
