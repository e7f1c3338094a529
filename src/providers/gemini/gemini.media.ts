import type { GeminiMediaResolutionLevel } from './gemini.wire';

/** `data:<mime>;base64,<data>` → parts; undefined for anything else. */
export function parseDataUri(uri: string): { mimeType: string; data: string } | undefined {
  const m = /^data:([^;,]+)?((?:;[^;,]+)*?);base64,(.*)$/s.exec(uri);
  if (!m) return undefined;
  return { mimeType: m[1] ?? 'application/octet-stream', data: m[3] };
}

export function toDataUri(mimeType: string, data: string): string {
  return `data:${mimeType};base64,${data}`;
}

/** Extensions Gemini accepts as media, → IANA type (LiteLLM's table, trimmed to what Gemini reads). */
const MIME_BY_EXTENSION: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  heic: 'image/heic',
  heif: 'image/heif',
  pdf: 'application/pdf',
  txt: 'text/plain',
  csv: 'text/csv',
  html: 'text/html',
  md: 'text/markdown',
  xml: 'text/xml',
  json: 'application/json',
  mp3: 'audio/mp3',
  wav: 'audio/wav',
  aac: 'audio/aac',
  ogg: 'audio/ogg',
  flac: 'audio/flac',
  aiff: 'audio/aiff',
  m4a: 'audio/m4a',
  mp4: 'video/mp4',
  mpeg: 'video/mpeg',
  mpg: 'video/mpeg',
  mov: 'video/mov',
  avi: 'video/avi',
  webm: 'video/webm',
  wmv: 'video/wmv',
  flv: 'video/x-flv',
  '3gp': 'video/3gpp',
};

/** Guesses a MIME type from a URL's file extension (query and fragment ignored). */
export function guessMimeType(url: string): string | undefined {
  const path = url.split(/[?#]/, 1)[0];
  const dot = path.lastIndexOf('.');
  if (dot === -1 || dot < path.lastIndexOf('/')) return undefined;
  return MIME_BY_EXTENSION[path.slice(dot + 1).toLowerCase()];
}

/** OpenAI `input_audio.format` ("wav", "mp3", "pcm16") → MIME type. */
export function audioMimeType(format: string): string {
  const f = format.toLowerCase();
  if (f.includes('/')) return f;
  if (f === 'pcm16' || f === 'pcm') return 'audio/pcm';
  return `audio/${f}`;
}

/** Gemini audio MIME type → canonical format name ("audio/L16;codec=pcm;rate=24000" → "pcm16"). */
export function audioFormatOf(mimeType: string): string {
  const m = mimeType.toLowerCase();
  if (m.startsWith('audio/l16') || m.startsWith('audio/pcm')) return 'pcm16';
  const sub = m.slice('audio/'.length).split(';', 1)[0];
  return sub === 'mpeg' ? 'mp3' : sub === 'x-wav' ? 'wav' : sub;
}

/** Canonical format name → the MIME type Gemini uses for generated audio. */
export function audioMimeOfFormat(format: string): string {
  return format === 'pcm16' ? 'audio/L16;codec=pcm;rate=24000' : audioMimeType(format);
}

type Detail = 'low' | 'medium' | 'high' | 'ultra_high' | 'auto';

const RESOLUTION_BY_DETAIL: Record<Detail, GeminiMediaResolutionLevel | undefined> = {
  low: 'MEDIA_RESOLUTION_LOW',
  medium: 'MEDIA_RESOLUTION_MEDIUM',
  high: 'MEDIA_RESOLUTION_HIGH',
  ultra_high: 'MEDIA_RESOLUTION_ULTRA_HIGH',
  auto: undefined,
};

/** OpenAI `detail` → per-part media resolution (Gemini 3+); `auto` omits it. */
export function mediaResolutionOf(
  detail: Detail | undefined,
): { level: GeminiMediaResolutionLevel } | undefined {
  const level = detail ? RESOLUTION_BY_DETAIL[detail] : undefined;
  return level ? { level } : undefined;
}

/** Concatenates base64 chunks (each may end with padding) into one base64 string. */
export function concatBase64(chunks: string[]): string {
  if (chunks.length === 1) return chunks[0];
  return Buffer.concat(chunks.map((c) => Buffer.from(c, 'base64'))).toString('base64');
}
