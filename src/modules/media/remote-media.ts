/**
 * Pure rules for remote media a provider cannot read itself (LiteLLM fetches `https://` images and
 * files for Gemini and sends the bytes inline).
 */

/** 20 MB per item: Gemini's inline-data limit, and what the gateway's body limit is sized for. */
export const MAX_REMOTE_MEDIA_BYTES = 20 * 1024 * 1024;

const YOUTUBE_HOSTS = /^(?:(?:www|m|music)\.)?youtube\.com$|^youtu\.be$/i;
const GEMINI_FILES_PATH = /\/v1beta\/files\/[^/]+$/;

/**
 * Whether the gateway must fetch this URL and inline it: http(s) URLs, except YouTube (Gemini reads
 * those itself) and Gemini Files API URIs (`…/v1beta/files/{id}`). `gs://`, `files/…` and data URIs
 * are left alone.
 */
export function needsFetching(url: string): boolean {
  if (!/^https?:\/\//i.test(url)) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return true; // the fetch reports the malformed URL, naming the field
  }
  if (YOUTUBE_HOSTS.test(parsed.hostname)) return false;
  if (parsed.hostname === 'generativelanguage.googleapis.com' || GEMINI_FILES_PATH.test(parsed.pathname))
    return false;
  return true;
}

/** Recognises the common media formats from their first bytes. */
export function sniffMimeType(bytes: Buffer): string | undefined {
  const starts = (sig: number[], at = 0) => sig.every((b, i) => bytes[at + i] === b);
  const ascii = (text: string, at = 0) => bytes.subarray(at, at + text.length).toString('latin1') === text;
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (ascii('GIF87a') || ascii('GIF89a')) return 'image/gif';
  if (ascii('RIFF') && ascii('WEBP', 8)) return 'image/webp';
  if (ascii('RIFF') && ascii('WAVE', 8)) return 'audio/wav';
  if (ascii('%PDF-')) return 'application/pdf';
  if (ascii('ftyp', 4)) {
    const brand = bytes.subarray(8, 12).toString('latin1');
    if (/^(heic|heix|heim|heis)$/.test(brand)) return 'image/heic';
    if (/^(mif1|msf1)$/.test(brand)) return 'image/heif';
    if (/^M4A /.test(brand)) return 'audio/m4a';
    return 'video/mp4';
  }
  if (ascii('ID3') || starts([0xff, 0xfb]) || starts([0xff, 0xf3]) || starts([0xff, 0xf2]))
    return 'audio/mp3';
  if (ascii('OggS')) return 'audio/ogg';
  if (ascii('fLaC')) return 'audio/flac';
  if (starts([0x1a, 0x45, 0xdf, 0xa3])) return 'video/webm';
  return undefined;
}

/**
 * The MIME type to send: the one the client declared, else the server's `content-type` (unless it is
 * a generic one), else the bytes' signature, else the URL's extension.
 */
export function mediaMimeType(input: {
  declared?: string;
  contentType?: string;
  bytes: Buffer;
  guessFromUrl?: string;
}): string {
  if (input.declared) return input.declared;
  const served = input.contentType?.split(';', 1)[0].trim().toLowerCase();
  if (served && !GENERIC_TYPES.has(served)) return served;
  return sniffMimeType(input.bytes) ?? input.guessFromUrl ?? served ?? 'application/octet-stream';
}

const GENERIC_TYPES = new Set([
  'application/octet-stream',
  'binary/octet-stream',
  'application/binary',
  'application/unknown',
]);
