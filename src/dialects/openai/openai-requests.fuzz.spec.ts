import fc from 'fast-check';
import { FUZZ_RUNS, fuzzParser, returnsOrNamesField } from '../__fixtures__/request-fuzz';
import { fromOpenAiSpeechRequest, fromOpenAiTranscriptionForm } from './openai-audio';
import { fromOpenAiChatRequest } from './openai-chat.request';
import { fromOpenAiCompletionRequest } from './openai-completions';
import { fromOpenAiEmbeddingsRequest } from './openai-embeddings.request';
import { fromOpenAiImageEdit, fromOpenAiImageGeneration } from './openai-images';

const CHAT = {
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'be brief' },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'what is this?' },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'low' } },
      ],
    },
    {
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'look', arguments: '{"q":"x"}' } }],
    },
    { role: 'tool', tool_call_id: 'call_1', content: 'a cat' },
  ],
  tools: [{ type: 'function', function: { name: 'look', parameters: { type: 'object', properties: {} } } }],
  tool_choice: { type: 'function', function: { name: 'look' } },
  response_format: { type: 'json_schema', json_schema: { name: 'a', schema: { type: 'object' } } },
  temperature: 0.5,
  top_p: 0.9,
  max_tokens: 100,
  n: 1,
  stop: ['\n'],
  stream: true,
  stream_options: { include_usage: true },
  reasoning_effort: 'low',
  seed: 1,
  user: 'u',
};

/** A multipart body as src/http/multipart-body.ts hands it over: text fields and files. */
const form = fc.record({
  fields: fc.dictionary(
    fc.constantFrom('model', 'prompt', 'response_format', 'temperature', 'n', 'size', 'language', 'x'),
    fc.string({ maxLength: 8 }),
  ),
  files: fc.array(
    fc.record({
      field: fc.constantFrom('file', 'image', 'image[]', 'mask', 'other'),
      filename: fc.string({ maxLength: 8 }),
      contentType: fc.constantFrom('image/png', 'audio/wav', ''),
      data: fc.uint8Array({ maxLength: 8 }).map((a) => Buffer.from(a)),
    }),
    { maxLength: 3 },
  ),
});

describe('OpenAI request parsers under fuzzing: a parsed call or a DialectValidationError naming a field', () => {
  it('chat completions', () => fuzzParser(CHAT, fromOpenAiChatRequest));
  it('legacy completions', () =>
    fuzzParser(
      {
        model: 'gpt',
        prompt: ['a', 'b'],
        max_tokens: 5,
        n: 1,
        stop: 'x',
        echo: false,
        logprobs: 2,
        suffix: 's',
      },
      fromOpenAiCompletionRequest,
    ));
  it('embeddings', () =>
    fuzzParser(
      { model: 'e', input: ['a', 'b'], dimensions: 8, encoding_format: 'float', user: 'u' },
      fromOpenAiEmbeddingsRequest,
    ));
  it('image generations', () =>
    fuzzParser(
      {
        model: 'gpt-image',
        prompt: 'a cat',
        n: 2,
        size: '1024x1024',
        quality: 'low',
        response_format: 'b64_json',
      },
      fromOpenAiImageGeneration,
    ));
  it('speech', () =>
    fuzzParser(
      { model: 'tts', input: 'hi', voice: 'alloy', response_format: 'mp3', speed: 1.5, instructions: 'calm' },
      fromOpenAiSpeechRequest,
    ));
  it('transcription, translation and image-edit forms', () => {
    fc.assert(
      fc.property(form, fc.boolean(), (body, translation) => {
        returnsOrNamesField((b) => fromOpenAiTranscriptionForm(b, translation))(body);
        returnsOrNamesField(fromOpenAiImageEdit)(body);
      }),
      { numRuns: FUZZ_RUNS },
    );
  });
});
