import type {
  AssistantBlock,
  ChatMessage,
  MediaBlock,
  ToolResultBlock,
  ToolUseBlock,
  UserBlock,
} from '../core/canonical';
import { invalidParam } from './gemini.errors';
import { audioMimeType, guessMimeType, mediaResolutionOf, parseDataUri } from './gemini.media';
import type { GeminiContent, GeminiPart } from './gemini.wire';

export interface ContentOptions {
  /** Send OpenAI `detail` as per-part `mediaResolution` (Gemini 3+ only; ignored before). */
  perPartMediaResolution: boolean;
}

export interface GeminiConversation {
  contents: GeminiContent[];
  systemInstruction?: GeminiContent;
}

/**
 * Canonical messages → `contents` + `systemInstruction`. System messages (wherever they are) form
 * the system instruction; assistant turns become `model` turns whose tool uses are `functionCall`
 * parts with their thought signature restored (thinking is not sent back); tool results become
 * `functionResponse` parts named after the matching call. Blocks keep their order. Adjacent turns of
 * one role are merged, as Gemini wants parallel function responses in one turn. Error params name
 * the OpenAI wire field (`messages[i].content[j]` counts media blocks only, `tool_calls[k]` tool uses).
 */
export function toGeminiContents(messages: ChatMessage[], opts: ContentOptions): GeminiConversation {
  const callNames = new Map<string, string>();
  for (const m of messages)
    if (m.role === 'assistant')
      for (const b of m.content) if (b.type === 'tool_use') callNames.set(b.id, b.name);

  const systemParts: GeminiPart[] = [];
  const contents: GeminiContent[] = [];
  const push = (role: 'user' | 'model', parts: GeminiPart[]) => {
    if (parts.length === 0) return;
    const last = contents[contents.length - 1];
    if (last && last.role === role) last.parts = [...(last.parts ?? []), ...parts];
    else contents.push({ role, parts });
  };

  messages.forEach((m, i) => {
    const where = `messages[${i}]`;
    if (m.role === 'system') systemParts.push(...toGeminiParts(m.content, where, opts));
    else push(m.role === 'user' ? 'user' : 'model', toTurnParts(m.content, where, opts, callNames));
  });
  return systemParts.length > 0 ? { contents, systemInstruction: { parts: systemParts } } : { contents };
}

export function toGeminiParts(content: MediaBlock[], where: string, opts: ContentOptions): GeminiPart[] {
  const parts: GeminiPart[] = [];
  content.forEach((p, j) => {
    const part = toGeminiPart(p, `${where}.content[${j}]`, opts);
    if (part) parts.push(part);
  });
  return parts;
}

function toTurnParts(
  content: Array<UserBlock | AssistantBlock>,
  where: string,
  opts: ContentOptions,
  callNames: Map<string, string>,
): GeminiPart[] {
  const parts: GeminiPart[] = [];
  let media = 0;
  let calls = 0;
  for (const b of content) {
    let part: GeminiPart | undefined;
    if (b.type === 'tool_use') part = toFunctionCallPart(b, `${where}.tool_calls[${calls++}]`);
    else if (b.type === 'tool_result') part = toFunctionResponsePart(b, where, callNames);
    else if (b.type !== 'thinking' && b.type !== 'redacted_thinking')
      part = toGeminiPart(b, `${where}.content[${media++}]`, opts);
    if (part) parts.push(part);
  }
  return parts;
}

function toGeminiPart(p: MediaBlock, where: string, opts: ContentOptions): GeminiPart | undefined {
  switch (p.type) {
    case 'text':
      return p.text.length > 0 ? { text: p.text } : undefined;
    case 'audio':
      return { inlineData: { mimeType: audioMimeType(p.format), data: p.data } };
    case 'image':
      return withResolution(mediaPartOf(p.url, p.mimeType, `${where}.image_url.url`), p.detail, opts);
    case 'file': {
      if (p.data !== undefined) {
        const parsed = parseDataUri(p.data);
        if (parsed)
          return withResolution(
            { inlineData: { mimeType: p.mimeType ?? parsed.mimeType, data: parsed.data } },
            p.detail,
            opts,
          );
        if (!p.mimeType)
          throw invalidParam(
            `${where}.file.file_data`,
            'expected a data: URI (data:<mime>;base64,…) or a format',
          );
        return withResolution({ inlineData: { mimeType: p.mimeType, data: p.data } }, p.detail, opts);
      }
      if (p.uri !== undefined)
        return withResolution(mediaPartOf(p.uri, p.mimeType, `${where}.file.file_id`), p.detail, opts);
      throw invalidParam(`${where}.file`, 'a file part needs file_data or file_id');
    }
  }
}

/** data: URI → inlineData; https/http/gs URLs and Gemini file names → fileData (MIME guessed from the extension). */
function mediaPartOf(url: string, mimeType: string | undefined, param: string): GeminiPart {
  if (url.startsWith('data:')) {
    const parsed = parseDataUri(url);
    if (!parsed) throw invalidParam(param, 'malformed data: URI (expected data:<mime>;base64,<data>)');
    return { inlineData: { mimeType: mimeType ?? parsed.mimeType, data: parsed.data } };
  }
  if (/^(https?|gs):\/\//i.test(url) || url.startsWith('files/')) {
    const mime = mimeType ?? guessMimeType(url);
    return { fileData: mime ? { mimeType: mime, fileUri: url } : { fileUri: url } };
  }
  throw invalidParam(param, 'expected a data: URI, an https:// or gs:// URL, or a Gemini file name');
}

function withResolution(
  part: GeminiPart,
  detail: Parameters<typeof mediaResolutionOf>[0],
  opts: ContentOptions,
): GeminiPart {
  const res = opts.perPartMediaResolution ? mediaResolutionOf(detail) : undefined;
  return res ? { ...part, mediaResolution: res } : part;
}

function toFunctionCallPart(call: ToolUseBlock, where: string): GeminiPart {
  const args = parseArguments(call.arguments, `${where}.function.arguments`);
  const part: GeminiPart = { functionCall: { name: call.name, args } };
  if (call.thoughtSignature) part.thoughtSignature = call.thoughtSignature;
  return part;
}

function parseArguments(text: string, param: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalidParam(param, 'tool call arguments must be a JSON object');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw invalidParam(param, 'tool call arguments must be a JSON object');
  return value as Record<string, unknown>;
}

function toFunctionResponsePart(
  result: ToolResultBlock,
  where: string,
  callNames: Map<string, string>,
): GeminiPart {
  const name = callNames.get(result.toolUseId) ?? result.name;
  if (!name)
    throw invalidParam(
      `${where}.tool_call_id`,
      `no assistant tool call with id "${result.toolUseId}" precedes this tool result`,
    );
  let text = '';
  for (const p of result.content) {
    if (p.type !== 'text') throw invalidParam(`${where}.content`, 'tool results sent to Gemini must be text');
    text += p.text;
  }
  return { functionResponse: { name, response: { content: parseJsonOrText(text) } } };
}

function parseJsonOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
