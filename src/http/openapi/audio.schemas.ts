import { SPEECH_CONTENT_TYPES, TRANSCRIPT_FORMATS } from '../../dialects/openai/openai-audio';

/**
 * JSON Schemas (OpenAPI 3.1) of the OpenAI audio routes, as OpenAI's OpenAPI document (openai-openapi,
 * `CreateTranscriptionRequest`, `CreateTranslationRequest`, `CreateTranscriptionResponseJson`,
 * `CreateTranscriptionResponseVerboseJson`, `CreateSpeechRequest`) describes them, written out here
 * in the members the gateway reads or passes back (requests stay open: other fields are sent on).
 */
type Schema = Record<string, unknown>;

const str = (description?: string): Schema =>
  description ? { type: 'string', description } : { type: 'string' };
const num = (description?: string): Schema =>
  description ? { type: 'number', description } : { type: 'number' };
const int: Schema = { type: 'integer' };
const arr = (items: Schema): Schema => ({ type: 'array', items });
const obj = (properties: Record<string, Schema>, extra: Schema = {}): Schema => ({
  type: 'object',
  properties,
  additionalProperties: true,
  ...extra,
});
const FILE: Schema = {
  type: 'string',
  format: 'binary',
  description: 'The audio file (flac, mp3, mp4, mpeg, mpga, m4a, ogg, wav or webm)',
};
const FORMAT: Schema = { type: 'string', enum: [...TRANSCRIPT_FORMATS], default: 'json' };

const TOKENS_USAGE = obj(
  {
    type: { type: 'string', enum: ['tokens'] },
    input_tokens: int,
    output_tokens: int,
    total_tokens: int,
    input_token_details: obj({ audio_tokens: int, text_tokens: int }),
  },
  { required: ['type', 'input_tokens', 'output_tokens', 'total_tokens'] },
);
const DURATION_USAGE = obj(
  { type: { type: 'string', enum: ['duration'] }, seconds: num() },
  { required: ['type', 'seconds'] },
);

export const AUDIO_SCHEMAS: Record<string, Schema> = {
  CreateTranscriptionRequest: obj(
    {
      file: FILE,
      model: str('A public model served by an OpenAI-wire deployment (whisper-1, gpt-4o-transcribe, …)'),
      language: str('ISO-639-1 language of the audio'),
      prompt: str(),
      response_format: FORMAT,
      temperature: { type: 'number', minimum: 0, maximum: 1 },
      'timestamp_granularities[]': arr({ type: 'string', enum: ['word', 'segment'] }),
      'include[]': arr(str()),
    },
    { required: ['file', 'model'] },
  ),
  CreateTranslationRequest: obj(
    {
      file: FILE,
      model: str(),
      prompt: str(),
      response_format: FORMAT,
      temperature: { type: 'number', minimum: 0, maximum: 1 },
    },
    { required: ['file', 'model'] },
  ),
  CreateTranscriptionResponse: {
    description: 'json: `text` (and `usage`); verbose_json adds `language`, `duration`, `words`, `segments`',
    ...obj(
      {
        text: str(),
        language: str(),
        duration: num('seconds'),
        words: arr(obj({ word: str(), start: num(), end: num() })),
        segments: arr(obj({ id: int, start: num(), end: num(), text: str() })),
        usage: { oneOf: [TOKENS_USAGE, DURATION_USAGE] },
      },
      { required: ['text'] },
    ),
  },
  CreateSpeechRequest: obj(
    {
      model: str(),
      input: { type: 'string', minLength: 1, maxLength: 4096 },
      voice: str('alloy, ash, ballad, coral, echo, fable, onyx, nova, sage, shimmer, verse, marin, cedar'),
      instructions: str(),
      response_format: { type: 'string', enum: Object.keys(SPEECH_CONTENT_TYPES), default: 'mp3' },
      speed: { type: 'number', minimum: 0.25, maximum: 4, default: 1 },
    },
    { required: ['model', 'input', 'voice'] },
  ),
  SpeechAudio: {
    type: 'string',
    contentMediaType: 'audio/mpeg',
    description:
      'The audio bytes, with the content type of the asked `response_format` (audio/mpeg, audio/ogg, audio/aac, audio/flac, audio/wav, audio/pcm)',
  },
};
