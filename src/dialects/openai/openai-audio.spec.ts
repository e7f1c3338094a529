import type { MultipartBody } from '../../http/multipart-body';
import {
  lastCueEndSeconds,
  streamedTranscriptionMeteringOf,
  transcriptionMeteringOf,
} from './openai-audio-usage';
import { fromOpenAiSpeechRequest, fromOpenAiTranscriptionForm } from './openai-audio';

const file = { field: 'file', filename: 'a.wav', contentType: 'audio/wav', data: Buffer.from('RIFF') };
const form = (fields: Array<[string, string]>, files = [file]): MultipartBody => ({
  fields: Object.fromEntries(fields),
  fieldList: fields,
  files,
});
const paramOf = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    return (err as { param?: string }).param;
  }
  return undefined;
};

describe('OpenAI audio requests', () => {
  it('reads a transcription form: every field in order for the upstream, the format defaulted to json', () => {
    const p = fromOpenAiTranscriptionForm(
      form([
        ['model', 'whisper'],
        ['prompt', 'hi'],
        ['response_format', 'verbose_json'],
        ['timestamp_granularities[]', 'word'],
      ]),
      false,
    );
    expect(p).toMatchObject({ publicModel: 'whisper', responseFormat: 'verbose_json', prompt: 'hi', file });
    expect(p.form.fields).toHaveLength(4);
    expect(fromOpenAiTranscriptionForm(form([['model', 'w']]), true).responseFormat).toBe('json');
  });

  it('names the field it refuses', () => {
    expect(paramOf(() => fromOpenAiTranscriptionForm(form([['model', 'w']], []), false))).toBe('file');
    expect(paramOf(() => fromOpenAiTranscriptionForm(form([]), false))).toBe('model');
    const bad = (fields: Array<[string, string]>, translation = false) =>
      paramOf(() => fromOpenAiTranscriptionForm(form([['model', 'w'], ...fields]), translation));
    expect(bad([['response_format', 'xml']])).toBe('response_format');
    expect(bad([['temperature', '2']])).toBe('temperature');
    expect(bad([['timestamp_granularities[]', 'word']])).toBe('timestamp_granularities[]');
    expect(
      bad([
        ['response_format', 'verbose_json'],
        ['timestamp_granularities[]', 'char'],
      ]),
    ).toBe('timestamp_granularities[]');
    expect(
      bad(
        [
          ['response_format', 'verbose_json'],
          ['timestamp_granularities[]', 'word'],
        ],
        true,
      ),
    ).toBe('timestamp_granularities[]');
    const speech = (body: Record<string, unknown>) =>
      paramOf(() => fromOpenAiSpeechRequest({ model: 'tts', input: 'hi', voice: 'alloy', ...body }));
    expect(speech({ input: '' })).toBe('input');
    expect(speech({ input: 'x'.repeat(4097) })).toBe('input');
    expect(speech({ voice: undefined })).toBe('voice');
    expect(speech({ response_format: 'ogg' })).toBe('response_format');
    expect(speech({ speed: 5 })).toBe('speed');
    expect(speech({ instructions: 3 })).toBe('instructions');
    expect(speech({})).toBeUndefined();
  });

  it('reads speech with its defaults, and a custom voice by id', () => {
    expect(fromOpenAiSpeechRequest({ model: 'tts', input: 'hi', voice: { id: 'voice_1' } })).toMatchObject({
      voice: 'voice_1',
      responseFormat: 'mp3',
    });
  });

  it('meters a transcription answer: tokens with their audio part, else reported seconds, else the last cue', () => {
    expect(
      transcriptionMeteringOf({
        text: 'x',
        usage: {
          type: 'tokens',
          input_tokens: 40,
          output_tokens: 12,
          input_token_details: { audio_tokens: 35 },
        },
      }),
    ).toEqual({ usage: { promptTokens: 40, completionTokens: 12, audioInputTokens: 35 } });
    expect(
      transcriptionMeteringOf({ text: 'x', usage: { type: 'duration', seconds: 3 }, duration: 2.5 }),
    ).toEqual({
      seconds: 3,
    });
    expect(transcriptionMeteringOf({ text: 'x', duration: 2.5 })).toEqual({ seconds: 2.5 });
    expect(transcriptionMeteringOf('plain text')).toEqual({});
    const sse =
      'data: {"type":"transcript.text.delta","delta":"hi"}\n\n' +
      'data: {"type":"transcript.text.done","text":"hi","usage":{"type":"tokens","input_tokens":7,"output_tokens":2}}\n\n';
    expect(streamedTranscriptionMeteringOf(sse)).toEqual({ usage: { promptTokens: 7, completionTokens: 2 } });
    expect(
      lastCueEndSeconds('1\n00:00:00,000 --> 00:00:01,500\na\n\n2\n00:00:01,500 --> 00:01:02,25\nb'),
    ).toBe(62.25);
    expect(lastCueEndSeconds('WEBVTT\n\n00:01.000 --> 00:02.500\nhi')).toBe(2.5);
    expect(lastCueEndSeconds('no cues')).toBeUndefined();
  });
});
