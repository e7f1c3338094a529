import type { MultipartBody, MultipartFile } from '../../http/multipart-body';
import type { UploadForm } from '../../providers/core/multipart-encode';
import { DialectValidationError } from '../dialect-validation-error';
import { requireBodyObject, requireModel } from './openai-fields';

/** The transcript formats OpenAI answers in: text-like ones come back as text, the others as JSON. */
export const TRANSCRIPT_FORMATS = ['json', 'text', 'srt', 'verbose_json', 'vtt'] as const;
export type TranscriptFormat = (typeof TRANSCRIPT_FORMATS)[number];

/** The speech formats OpenAI answers in, and their content types. */
export const SPEECH_CONTENT_TYPES = {
  mp3: 'audio/mpeg',
  opus: 'audio/ogg',
  aac: 'audio/aac',
  flac: 'audio/flac',
  wav: 'audio/wav',
  pcm: 'audio/pcm',
} as const;
export type SpeechFormat = keyof typeof SPEECH_CONTENT_TYPES;

/** A transcription or translation upload, checked, as the operation sends it on. */
export interface ParsedTranscription {
  publicModel: string;
  /** The form to re-send (every field in order, the file once); the codec replaces `model`. */
  form: UploadForm;
  file: MultipartFile;
  responseFormat: TranscriptFormat;
  /** The `prompt` field (reserved as prompt tokens). */
  prompt: string;
}

/** An OpenAI speech request, checked. */
export interface ParsedSpeech {
  publicModel: string;
  body: Record<string, unknown>;
  input: string;
  voice: string;
  responseFormat: SpeechFormat;
  instructions?: string;
  speed?: number;
}

/**
 * A `multipart/form-data` transcription (or translation) body: `file` and `model` required;
 * `response_format` one of json|text|srt|verbose_json|vtt (default json); `temperature` a number in
 * [0, 1]; `timestamp_granularities[]` word|segment, with verbose_json only. Other fields (`language`,
 * `prompt`, `include[]`, `chunking_strategy` …) are sent on as they came. Throws naming the field.
 */
export function fromOpenAiTranscriptionForm(raw: unknown, translation: boolean): ParsedTranscription {
  const body = raw as Partial<MultipartBody> | undefined;
  if (!body || typeof body.fields !== 'object' || !Array.isArray(body.files))
    throw new DialectValidationError('The body must be multipart/form-data', 'file');
  const fields = body.fields;
  const file = body.files.find((f) => f.field === 'file');
  if (!file || file.data.length === 0)
    throw new DialectValidationError("'file' is required: the audio to transcribe, as a file part", 'file');
  const publicModel = fields.model;
  if (!publicModel) throw new DialectValidationError("'model' is required", 'model');
  const responseFormat = (fields.response_format ?? 'json') as TranscriptFormat;
  if (!TRANSCRIPT_FORMATS.includes(responseFormat))
    throw new DialectValidationError(
      `'response_format' must be one of ${TRANSCRIPT_FORMATS.join(', ')}`,
      'response_format',
    );
  if (fields.temperature !== undefined) {
    const t = Number(fields.temperature);
    if (fields.temperature.trim() === '' || !Number.isFinite(t) || t < 0 || t > 1)
      throw new DialectValidationError("'temperature' must be a number between 0 and 1", 'temperature');
  }
  const list = body.fieldList ?? Object.entries(fields);
  const granularities = list.filter(([k]) => k === 'timestamp_granularities[]').map(([, v]) => v);
  if (translation && granularities.length > 0)
    throw new DialectValidationError(
      "'timestamp_granularities[]' is not a translation parameter",
      'timestamp_granularities[]',
    );
  for (const g of granularities)
    if (g !== 'word' && g !== 'segment')
      throw new DialectValidationError(
        "'timestamp_granularities[]' must be word or segment",
        'timestamp_granularities[]',
      );
  if (granularities.length > 0 && responseFormat !== 'verbose_json')
    throw new DialectValidationError(
      "'timestamp_granularities[]' needs 'response_format' verbose_json",
      'timestamp_granularities[]',
    );
  return {
    publicModel,
    form: { fields: list, files: body.files },
    file,
    responseFormat,
    prompt: fields.prompt ?? '',
  };
}

/**
 * An OpenAI `POST /v1/audio/speech` body: `model`, `input` (1 to 4,096 characters) and `voice` (a
 * name) required; `response_format` mp3|opus|aac|flac|wav|pcm (default mp3); `speed` 0.25–4;
 * `instructions` a string. Throws naming the field.
 */
export function fromOpenAiSpeechRequest(raw: unknown): ParsedSpeech {
  const body = requireBodyObject(raw);
  const publicModel = requireModel(body);
  const input = body.input;
  if (typeof input !== 'string' || input.length === 0)
    throw new DialectValidationError("'input' must be a non-empty string", 'input');
  if (input.length > 4096)
    throw new DialectValidationError("'input' must be at most 4096 characters", 'input');
  const voice = voiceName(body.voice);
  const responseFormat = (body.response_format ?? 'mp3') as SpeechFormat;
  if (typeof responseFormat !== 'string' || !Object.hasOwn(SPEECH_CONTENT_TYPES, responseFormat))
    throw new DialectValidationError(
      `'response_format' must be one of ${Object.keys(SPEECH_CONTENT_TYPES).join(', ')}`,
      'response_format',
    );
  const speed = body.speed;
  if (speed !== undefined && (typeof speed !== 'number' || !(speed >= 0.25 && speed <= 4)))
    throw new DialectValidationError("'speed' must be a number between 0.25 and 4", 'speed');
  const instructions = body.instructions;
  if (instructions !== undefined && typeof instructions !== 'string')
    throw new DialectValidationError("'instructions' must be a string", 'instructions');
  return { publicModel, body, input, voice, responseFormat, instructions, speed };
}

/** `voice`: a name, or `{id}` (custom voices). */
function voiceName(v: unknown): string {
  if (typeof v === 'string' && v.length > 0) return v;
  const id = (v as { id?: unknown } | null)?.id;
  if (typeof id === 'string' && id.length > 0) return id;
  throw new DialectValidationError("'voice' is required: a voice name", 'voice');
}
