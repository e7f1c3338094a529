import type {
  AssistantBlock,
  CacheControl,
  FileBlock,
  ImageBlock,
  MediaBlock,
  UserBlock,
} from '../core/canonical';
import { invalidParam } from './anthropic.errors';
import type {
  AnthropicCacheControl,
  AnthropicDocumentBlock,
  AnthropicImageBlock,
  AnthropicImageSource,
  AnthropicRequestBlock,
  AnthropicTextBlock,
  AnthropicToolResultBlock,
} from './anthropic.wire';

/** `data:<mime>;base64,<data>` → parts; undefined for anything else. */
function parseDataUri(uri: string): { mimeType: string; data: string } | undefined {
  const m = /^data:([^;,]+)?((?:;[^;,]+)*?);base64,(.*)$/s.exec(uri);
  return m ? { mimeType: m[1] ?? 'application/octet-stream', data: m[3] } : undefined;
}

const HTTP_URL = /^https?:\/\//i;
const IMAGE_EXTENSION = /\.(png|jpe?g|gif|webp)(\?|#|$)/i;

/**
 * Canonical `cacheControl` → Anthropic `cache_control`. A TTL of 300 s or 3,600 s in any spelling
 * ("300s", "5m", "3600s", "60m", "1h") becomes Anthropic's "5m" / "1h"; others go as given (and the
 * API says what it accepts).
 */
export function toAnthropicCacheControl(c: CacheControl | undefined): AnthropicCacheControl | undefined {
  if (!c) return undefined;
  if (!c.ttl) return { type: 'ephemeral' };
  const m = /^(\d+(?:\.\d+)?)\s*([smh])$/.exec(c.ttl.trim());
  const seconds = m ? Number(m[1]) * (m[2] === 'h' ? 3600 : m[2] === 'm' ? 60 : 1) : NaN;
  const ttl = seconds === 300 ? '5m' : seconds === 3600 ? '1h' : c.ttl;
  return { type: 'ephemeral', ttl };
}

function withCache<T extends { cache_control?: AnthropicCacheControl }>(block: T, c?: CacheControl): T {
  const cc = toAnthropicCacheControl(c);
  if (cc) block.cache_control = cc;
  return block;
}

export function toAnthropicText(text: string, c?: CacheControl): AnthropicTextBlock {
  const block: AnthropicTextBlock = { type: 'text', text };
  return withCache(block, c);
}

function imageSource(url: string, param: string): AnthropicImageSource {
  if (url.startsWith('data:')) {
    const p = parseDataUri(url);
    if (!p) throw invalidParam(param, 'malformed data: URI (expected data:<mime>;base64,<data>)');
    return { type: 'base64', media_type: p.mimeType, data: p.data };
  }
  if (HTTP_URL.test(url)) return { type: 'url', url };
  throw invalidParam(param, 'Anthropic takes images as a data: URI or an http(s) URL');
}

function toAnthropicImage(b: ImageBlock, param: string): AnthropicImageBlock {
  const block: AnthropicImageBlock = { type: 'image', source: imageSource(b.url, param) };
  return withCache(block, b.cacheControl);
}

/**
 * A file → a `document` (PDF and other types by base64, URL or Files API id; plain text as a text
 * source) or, for an image type, an `image`. `data` is a data: URI or raw base64 with `mimeType`.
 */
function toAnthropicFile(b: FileBlock, param: string): AnthropicImageBlock | AnthropicDocumentBlock {
  let out: AnthropicImageBlock | AnthropicDocumentBlock;
  if (b.data) {
    const p = parseDataUri(b.data) ?? { mimeType: b.mimeType ?? 'application/pdf', data: b.data };
    const mimeType = b.mimeType ?? p.mimeType;
    if (mimeType.startsWith('image/'))
      out = { type: 'image', source: { type: 'base64', media_type: mimeType, data: p.data } };
    else if (mimeType === 'text/plain')
      out = {
        type: 'document',
        source: {
          type: 'text',
          media_type: 'text/plain',
          data: Buffer.from(p.data, 'base64').toString('utf8'),
        },
      };
    else out = { type: 'document', source: { type: 'base64', media_type: mimeType, data: p.data } };
  } else if (b.uri) {
    const isImage = b.mimeType?.startsWith('image/') ?? (HTTP_URL.test(b.uri) && IMAGE_EXTENSION.test(b.uri));
    const source: AnthropicImageSource = HTTP_URL.test(b.uri)
      ? { type: 'url', url: b.uri }
      : { type: 'file', file_id: b.uri };
    out = isImage ? { type: 'image', source } : { type: 'document', source };
  } else {
    throw invalidParam(param, 'a file needs data or a URI');
  }
  if (out.type === 'document' && b.filename) out.title = b.filename;
  return withCache(out, b.cacheControl);
}

/** Text, image or file as an Anthropic block; audio is refused (the Messages API has no audio input). */
export function toAnthropicMedia(
  b: MediaBlock,
  param: string,
): AnthropicTextBlock | AnthropicImageBlock | AnthropicDocumentBlock | undefined {
  switch (b.type) {
    case 'text':
      return b.text === '' ? undefined : toAnthropicText(b.text, b.cacheControl);
    case 'image':
      return toAnthropicImage(b, param);
    case 'file':
      return toAnthropicFile(b, param);
    case 'audio':
      throw invalidParam(param, 'Anthropic models take no audio input');
  }
}

/** A user turn's blocks in order; a tool result's content is a string when it is plain text. */
export function toAnthropicUserBlocks(content: UserBlock[], param: string): AnthropicRequestBlock[] {
  const out: AnthropicRequestBlock[] = [];
  content.forEach((b, j) => {
    const where = `${param}[${j}]`;
    if (b.type !== 'tool_result') {
      const block = toAnthropicMedia(b, where);
      if (block) out.push(block);
      return;
    }
    const result: AnthropicToolResultBlock = { type: 'tool_result', tool_use_id: b.toolUseId };
    const plain = b.content.every((c) => c.type === 'text' && !c.cacheControl);
    if (plain) {
      const text = b.content.map((c) => (c as { text: string }).text).join('');
      if (text !== '') result.content = text;
    } else {
      const blocks = b.content.flatMap((c, k) => toAnthropicMedia(c, `${where}.content[${k}]`) ?? []);
      if (blocks.length > 0) result.content = blocks;
    }
    if (b.isError) result.is_error = true;
    out.push(withCache(result, b.cacheControl));
  });
  return out;
}

/**
 * An assistant turn's blocks in order. Signed thinking and redacted thinking are replayed unchanged;
 * thinking without a signature (another provider's reasoning) is dropped, as Anthropic refuses it;
 * media an assistant produced elsewhere (images, audio, files) is dropped too.
 */
export function toAnthropicAssistantBlocks(
  content: AssistantBlock[],
  param: string,
): AnthropicRequestBlock[] {
  const out: AnthropicRequestBlock[] = [];
  content.forEach((b, j) => {
    switch (b.type) {
      case 'text':
        if (b.text !== '') out.push(toAnthropicText(b.text, b.cacheControl));
        break;
      case 'thinking':
        if (b.signature) out.push({ type: 'thinking', thinking: b.thinking, signature: b.signature });
        break;
      case 'redacted_thinking':
        out.push({ type: 'redacted_thinking', data: b.data });
        break;
      case 'tool_use':
        out.push({
          type: 'tool_use',
          id: b.id,
          name: b.name,
          input: toolInputOf(b.arguments, `${param}[${j}]`),
        });
        break;
      default:
        break;
    }
  });
  return out;
}

/** Tool-call arguments (JSON text) → the object Anthropic's `input` is; empty text is `{}`. */
function toolInputOf(args: string, param: string): Record<string, unknown> {
  if (args.trim() === '') return {};
  try {
    const v: unknown = JSON.parse(args);
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // refused below
  }
  throw invalidParam(param, 'tool call arguments must be a JSON object');
}
