import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import busboy from 'busboy';
import { sendJson, type CapturedRequest } from './fake-http';

/** A multipart form as the fake read it: fields (repeated ones in order) and files. */
export interface FakeForm {
  fields: Array<[string, string]>;
  files: Array<{ field: string; filename: string; contentType: string; data: Buffer }>;
}

/** The text the fake transcribes any upload to (translations: `Translation of …`). */
export function fakeTranscript(translation: boolean, filename: string, bytes: number): string {
  return `${translation ? 'Translation' : 'Transcript'} of ${filename} (${bytes} bytes)`;
}

/**
 * The bytes the fake speaks `input` as: for `pcm`/`wav`, 24 kHz 16-bit mono samples (0.01 s a
 * character; wav with a 44-byte header), for `mp3` MP3 frames (0.024 s a character), else a tagged,
 * deterministic blob per format.
 */
export function fakeSpeechBytes(input: string, format: string): Buffer {
  if (format === 'pcm' || format === 'wav') {
    const pcm = Buffer.alloc(input.length * 480);
    for (let i = 0; i < pcm.length; i += 2) pcm.writeInt16LE(((i * 7) % 2000) - 1000, i);
    if (format === 'pcm') return pcm;
    const h = Buffer.alloc(44);
    h.write('RIFF', 0, 'ascii');
    h.writeUInt32LE(36 + pcm.length, 4);
    h.write('WAVEfmt ', 8, 'ascii');
    h.writeUInt32LE(16, 16);
    h.writeUInt16LE(1, 20);
    h.writeUInt16LE(1, 22);
    h.writeUInt32LE(24_000, 24);
    h.writeUInt32LE(48_000, 28);
    h.writeUInt16LE(2, 32);
    h.writeUInt16LE(16, 34);
    h.write('data', 36, 'ascii');
    h.writeUInt32LE(pcm.length, 40);
    return Buffer.concat([h, pcm]);
  }
  const digest = createHash('sha256').update(input).digest();
  if (format === 'mp3') {
    // one MPEG-2 Layer III frame a character: 24 kHz, 32 kbit/s, 96 bytes, 576 samples (0.024 s)
    const frame = Buffer.alloc(96);
    frame.set([0xff, 0xf3, 0x44, 0xc4]);
    digest.copy(frame, 4);
    return Buffer.concat(Array.from({ length: input.length }, () => frame));
  }
  return Buffer.concat([Buffer.from(`FAKE-${format.toUpperCase()}:`), digest, digest]);
}

const SPEECH_TYPES: Record<string, string> = {
  mp3: 'audio/mpeg',
  opus: 'audio/ogg',
  aac: 'audio/aac',
  flac: 'audio/flac',
  wav: 'audio/wav',
  pcm: 'audio/pcm',
};

/** Reads a captured multipart body (busboy, as OpenAI's servers would). */
export function readFakeForm(req: CapturedRequest): Promise<FakeForm> {
  return new Promise((resolve, reject) => {
    const form: FakeForm = { fields: [], files: [] };
    const parser = busboy({ headers: req.headers });
    parser.on('field', (name, value) => form.fields.push([name, value]));
    parser.on('file', (field, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () =>
        form.files.push({
          field,
          filename: info.filename,
          contentType: info.mimeType,
          data: Buffer.concat(chunks),
        }),
      );
    });
    parser.on('error', reject);
    parser.on('close', () => resolve(form));
    Readable.from([req.raw]).pipe(parser);
  });
}

function invalid(res: ServerResponse, message: string, param: string | null): void {
  sendJson(res, 400, { error: { message, type: 'invalid_request_error', param, code: null } });
}

/** The seconds of a WAV upload (its header), else 1. */
function durationOf(data: Buffer): number {
  if (data.length >= 44 && data.toString('ascii', 0, 4) === 'RIFF') {
    const byteRate = data.readUInt32LE(28);
    const size = Math.min(data.readUInt32LE(40), data.length - 44);
    if (byteRate > 0) return size / byteRate;
  }
  return 1;
}

const stamp = (s: number, sep: string) => {
  const ms = Math.round(s * 1000);
  const hh = String(Math.floor(ms / 3_600_000)).padStart(2, '0');
  const mm = String(Math.floor(ms / 60_000) % 60).padStart(2, '0');
  const ss = String(Math.floor(ms / 1000) % 60).padStart(2, '0');
  return `${hh}:${mm}:${ss}${sep}${String(ms % 1000).padStart(3, '0')}`;
};

/**
 * `/audio/transcriptions` and `/audio/translations` (multipart; OpenAI's answer per `response_format`:
 * json `{text, usage}`, verbose_json with `duration`, `segments` (and `words` when asked), text, srt,
 * vtt as text/plain; whisper usage `{type: duration}`, gpt-4o-* `{type: tokens}`), and `/audio/speech`
 * (JSON in, `fakeSpeechBytes` out with the format's content type). Returns false for other paths.
 */
export async function fakeOpenAiAudio(req: CapturedRequest, res: ServerResponse): Promise<boolean> {
  if (req.path.endsWith('/audio/speech')) {
    const body = (req.body ?? {}) as {
      model?: unknown;
      input?: unknown;
      voice?: unknown;
      response_format?: string;
    };
    if (typeof body.model !== 'string')
      return (invalid(res, "Missing required parameter: 'model'.", 'model'), true);
    if (typeof body.input !== 'string')
      return (invalid(res, "Missing required parameter: 'input'.", 'input'), true);
    if (body.voice === undefined)
      return (invalid(res, "Missing required parameter: 'voice'.", 'voice'), true);
    const format = body.response_format ?? 'mp3';
    const type = SPEECH_TYPES[format];
    if (!type) return (invalid(res, `Invalid value: '${format}'.`, 'response_format'), true);
    const bytes = fakeSpeechBytes(body.input, format);
    res.writeHead(200, { 'content-type': type });
    // Sent in two writes: the gateway streams what comes.
    res.write(bytes.subarray(0, bytes.length >> 1));
    res.end(bytes.subarray(bytes.length >> 1));
    return true;
  }
  const translation = req.path.endsWith('/audio/translations');
  if (!translation && !req.path.endsWith('/audio/transcriptions')) return false;
  if (!/^multipart\/form-data/.test(req.headers['content-type'] ?? ''))
    return (invalid(res, 'Expected multipart/form-data', null), true);
  const form = await readFakeForm(req);
  const field = (name: string) => form.fields.find(([k]) => k === name)?.[1];
  const file = form.files.find((f) => f.field === 'file');
  const model = field('model');
  if (!model) return (invalid(res, "Missing required parameter: 'model'.", 'model'), true);
  if (!file) return (invalid(res, "Missing required parameter: 'file'.", 'file'), true);
  const format = field('response_format') ?? 'json';
  const duration = durationOf(file.data);
  const text = fakeTranscript(translation, file.filename, file.data.length);
  const usage = model.startsWith('gpt-4o')
    ? {
        type: 'tokens',
        input_tokens: 40,
        output_tokens: 12,
        total_tokens: 52,
        input_token_details: { text_tokens: 5, audio_tokens: 35 },
      }
    : { type: 'duration', seconds: Math.ceil(duration) };
  const cue = (sep: string) => `${stamp(0, sep)} --> ${stamp(duration, sep)}`;
  switch (format) {
    case 'json':
      return (sendJson(res, 200, { text, usage }), true);
    case 'verbose_json': {
      const words = form.fields.some(([k, v]) => k === 'timestamp_granularities[]' && v === 'word');
      return (
        sendJson(res, 200, {
          task: translation ? 'translate' : 'transcribe',
          language: 'english',
          duration,
          text,
          segments: [{ id: 0, seek: 0, start: 0, end: duration, text, tokens: [1, 2], temperature: 0 }],
          ...(words
            ? { words: text.split(' ').map((word, i) => ({ word, start: i * 0.1, end: i * 0.1 + 0.1 })) }
            : {}),
          usage: { type: 'duration', seconds: Math.ceil(duration) },
        }),
        true
      );
    }
    case 'text':
    case 'srt':
    case 'vtt': {
      const out =
        format === 'text'
          ? `${text}\n`
          : format === 'srt'
            ? `1\n${cue(',')}\n${text}\n\n`
            : `WEBVTT\n\n${cue('.')}\n${text}\n\n`;
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(out);
      return true;
    }
    default:
      return (invalid(res, `Invalid value: '${format}'.`, 'response_format'), true);
  }
}
