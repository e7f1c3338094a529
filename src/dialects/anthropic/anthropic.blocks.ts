import { splitToolId, toolUseFromClient } from '../tool-call-id';
import type {
  AssistantBlock,
  FileBlock,
  ImageBlock,
  MediaBlock,
  TextBlock,
  ToolResultBlock,
  UserBlock,
} from '../../providers/core/canonical';
import {
  fail,
  type Json,
  optBoolean,
  optCacheControl,
  optString,
  requireArray,
  requireObject,
  requireString,
} from './anthropic.fields';
import { requireBase64 } from '../base64-data';

/**
 * Anthropic content blocks → canonical blocks, in order. Block types the canonical schema has no
 * place for (server tools' blocks such as `server_tool_use`, `web_search_tool_result`, `search_result`,
 * `container_upload`) are left out of the canonical request: they reach Anthropic deployments through
 * the passthrough, which forwards the raw body, and `skipped` lists them for the translation.
 */
export interface BlockSink {
  skipped: string[];
}

/** A user turn's content: a string, or text, image, document and tool_result blocks. */
export function parseUserContent(v: unknown, path: string, sink: BlockSink): UserBlock[] {
  if (typeof v === 'string') return [{ type: 'text', text: v }];
  const out: UserBlock[] = [];
  requireArray(v, path).forEach((raw, i) => {
    const p = `${path}[${i}]`;
    const b = requireObject(raw, p);
    if (b.type === 'tool_result') out.push(parseToolResult(b, p));
    else if (b.type === 'tool_use' || b.type === 'thinking' || b.type === 'redacted_thinking')
      fail(`${p}.type`, `must not be '${b.type}' in a user turn`);
    else {
      const media = parseMediaBlock(b, p, sink);
      if (media) out.push(media);
    }
  });
  return out;
}

/** An assistant turn's content: a string, or text, thinking, redacted_thinking and tool_use blocks. */
export function parseAssistantContent(v: unknown, path: string, sink: BlockSink): AssistantBlock[] {
  if (typeof v === 'string') return [{ type: 'text', text: v }];
  const out: AssistantBlock[] = [];
  requireArray(v, path).forEach((raw, i) => {
    const p = `${path}[${i}]`;
    const b = requireObject(raw, p);
    switch (b.type) {
      case 'thinking': {
        const thinking = requireString(b.thinking, `${p}.thinking`);
        const signature = optString(b.signature, `${p}.signature`);
        out.push(
          // An empty signature (a translated answer's thinking, sent back) is no signature.
          signature ? { type: 'thinking', thinking, signature } : { type: 'thinking', thinking },
        );
        break;
      }
      case 'redacted_thinking':
        out.push({ type: 'redacted_thinking', data: requireString(b.data, `${p}.data`) });
        break;
      case 'tool_use':
        out.push(
          toolUseFromClient(
            requireString(b.id, `${p}.id`),
            requireString(b.name, `${p}.name`),
            JSON.stringify(b.input === undefined ? {} : requireObject(b.input, `${p}.input`)),
          ),
        );
        break;
      case 'tool_result':
        fail(`${p}.type`, "must not be 'tool_result' in an assistant turn");
        break;
      default: {
        const media = parseMediaBlock(b, p, sink);
        if (media) out.push(media);
      }
    }
  });
  return out;
}

/** The system prompt: a string or text blocks. */
export function parseSystem(v: unknown, path: string): TextBlock[] {
  if (typeof v === 'string') return v ? [{ type: 'text', text: v }] : [];
  return requireArray(v, path).map((raw, i) => {
    const p = `${path}[${i}]`;
    const b = requireObject(raw, p);
    if (b.type !== 'text') fail(`${p}.type`, "must be 'text'");
    return textBlock(b, p);
  });
}

function parseToolResult(b: Json, p: string): ToolResultBlock {
  const out: ToolResultBlock = {
    type: 'tool_result',
    toolUseId: splitToolId(requireString(b.tool_use_id, `${p}.tool_use_id`)).id,
    content: parseToolResultContent(b.content, `${p}.content`),
  };
  const isError = optBoolean(b.is_error, `${p}.is_error`);
  if (isError !== undefined) out.isError = isError;
  const cacheControl = optCacheControl(b.cache_control, `${p}.cache_control`);
  if (cacheControl) out.cacheControl = cacheControl;
  return out;
}

function parseToolResultContent(v: unknown, path: string): MediaBlock[] {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') return [{ type: 'text', text: v }];
  const out: MediaBlock[] = [];
  const sink: BlockSink = { skipped: [] };
  requireArray(v, path).forEach((raw, i) => {
    const p = `${path}[${i}]`;
    const media = parseMediaBlock(requireObject(raw, p), p, sink);
    if (media) out.push(media);
  });
  return out;
}

const MEDIA_TYPES = 'text, image, document, tool_use, tool_result, thinking, redacted_thinking';

/** text, image and document blocks; undefined for a block type left to the passthrough. */
function parseMediaBlock(b: Json, p: string, sink: BlockSink): MediaBlock | undefined {
  switch (b.type) {
    case 'text':
      return textBlock(b, p);
    case 'image':
      return imageBlock(b, p);
    case 'document':
      return documentBlock(b, p);
    default:
      if (typeof b.type !== 'string' || !b.type) fail(`${p}.type`, `must be one of ${MEDIA_TYPES}`);
      sink.skipped.push(p);
      return undefined;
  }
}

function textBlock(b: Json, p: string): TextBlock {
  const out: TextBlock = { type: 'text', text: requireString(b.text, `${p}.text`) };
  const cacheControl = optCacheControl(b.cache_control, `${p}.cache_control`);
  if (cacheControl) out.cacheControl = cacheControl;
  return out;
}

/** `source: {type: "base64", media_type, data}` → a data: URI; `{type: "url", url}`; `{type: "file", file_id}`. */
function imageBlock(b: Json, p: string): ImageBlock | FileBlock {
  const src = requireObject(b.source, `${p}.source`);
  const cacheControl = optCacheControl(b.cache_control, `${p}.cache_control`);
  let out: ImageBlock | FileBlock;
  switch (src.type) {
    case 'base64': {
      const mimeType = requireString(src.media_type, `${p}.source.media_type`);
      const data = requireBase64(requireString(src.data, `${p}.source.data`), `${p}.source.data`);
      out = { type: 'image', url: `data:${mimeType};base64,${data}`, mimeType };
      break;
    }
    case 'url':
      out = { type: 'image', url: requireString(src.url, `${p}.source.url`) };
      break;
    case 'file':
      out = { type: 'file', uri: requireString(src.file_id, `${p}.source.file_id`) };
      break;
    default:
      fail(`${p}.source.type`, "must be one of 'base64', 'url', 'file'");
  }
  if (cacheControl) out.cacheControl = cacheControl;
  return out;
}

/**
 * A document: a PDF (`base64` or `url`) → a file block; plain text (`source.type: "text"`) → a text
 * block; `content` (blocks) → its text joined; an uploaded `file` → a file block by id. `title` is
 * kept as the file name.
 */
function documentBlock(b: Json, p: string): FileBlock | TextBlock {
  const src = requireObject(b.source, `${p}.source`);
  const cacheControl = optCacheControl(b.cache_control, `${p}.cache_control`);
  const title = optString(b.title, `${p}.title`);
  let out: FileBlock | TextBlock;
  switch (src.type) {
    case 'base64': {
      const mimeType = optString(src.media_type, `${p}.source.media_type`) ?? 'application/pdf';
      const data = requireBase64(requireString(src.data, `${p}.source.data`), `${p}.source.data`);
      out = { type: 'file', data: `data:${mimeType};base64,${data}`, mimeType };
      break;
    }
    case 'url':
      out = {
        type: 'file',
        uri: requireString(src.url, `${p}.source.url`),
        mimeType: 'application/pdf',
      };
      break;
    case 'file':
      out = { type: 'file', uri: requireString(src.file_id, `${p}.source.file_id`) };
      break;
    case 'text':
      out = { type: 'text', text: requireString(src.data, `${p}.source.data`) };
      break;
    case 'content': {
      const sink: BlockSink = { skipped: [] };
      const parts =
        typeof src.content === 'string'
          ? [src.content]
          : requireArray(src.content, `${p}.source.content`).map((raw, i) => {
              const q = `${p}.source.content[${i}]`;
              const m = parseMediaBlock(requireObject(raw, q), q, sink);
              return m?.type === 'text' ? m.text : '';
            });
      out = { type: 'text', text: parts.filter((s) => s).join('\n') };
      break;
    }
    default:
      fail(`${p}.source.type`, "must be one of 'base64', 'url', 'text', 'content', 'file'");
  }
  if (out.type === 'file' && title !== undefined) out.filename = title;
  if (cacheControl) out.cacheControl = cacheControl;
  return out;
}
