import { shown } from '../dialect-validation-error';
import type {
  AssistantBlock,
  AssistantMessage,
  ChatMessage,
  MediaBlock,
  ToolUseBlock,
} from '../../providers/core/canonical';
import { requireBase64, toStandardBase64 } from '../base64-data';
import { fail, field, isObj, optArray, optObj, optString, type Obj } from './google.fields';

type Detail = 'low' | 'medium' | 'high' | 'ultra_high';
const DETAIL_BY_RESOLUTION: Record<string, Detail> = {
  MEDIA_RESOLUTION_LOW: 'low',
  MEDIA_RESOLUTION_MEDIUM: 'medium',
  MEDIA_RESOLUTION_HIGH: 'high',
  MEDIA_RESOLUTION_ULTRA_HIGH: 'ultra_high',
};

interface PendingCall {
  id: string;
  name: string;
  answered: boolean;
}

/**
 * `systemInstruction` + `contents` → canonical messages. A `model` turn becomes one assistant
 * message whose blocks keep the parts' order (adjacent thought parts → one thinking block,
 * functionCall parts → tool uses with their thought signature); a `user` turn's functionResponse
 * parts become user messages of one tool result each, answering the matching call (by `id`, else
 * the oldest unanswered call of that name). A thought part's `thoughtSignature` is its thinking
 * block's signature and closes it (how the Google dialect carries Anthropic's signed thinking); thought
 * signatures on other text parts and `videoMetadata` have no canonical field and are not carried.
 */
export function fromGeminiContents(contents: unknown, systemInstruction: unknown): ChatMessage[] {
  const messages: ChatMessage[] = [];
  if (systemInstruction !== undefined && systemInstruction !== null)
    messages.push(fromSystemInstruction(systemInstruction));
  if (!Array.isArray(contents) || contents.length === 0) fail('contents', 'at least one content is required');
  const calls: PendingCall[] = [];
  contents.forEach((c, i) => {
    const path = `contents[${i}]`;
    if (!isObj(c)) fail(path, 'expected a Content object');
    const role = optString(c, 'role', `${path}.role`) ?? 'user';
    const parts = optArray(c, 'parts', `${path}.parts`);
    if (!parts || parts.length === 0) fail(`${path}.parts`, 'a content needs at least one part');
    if (role === 'model') messages.push(fromModelTurn(parts, path, calls, i));
    else if (role === 'user' || role === 'function') messages.push(...fromUserTurn(parts, path, calls));
    else fail(`${path}.role`, `must be "user" or "model", got "${role}"`);
  });
  return messages;
}

function fromSystemInstruction(v: unknown): ChatMessage {
  if (typeof v === 'string') return { role: 'system', content: [{ type: 'text', text: v }] };
  if (!isObj(v)) fail('systemInstruction', 'expected a Content object');
  const parts = optArray(v, 'parts', 'systemInstruction.parts') ?? [];
  return {
    role: 'system',
    content: parts.map((p, j) =>
      mediaOrText(asPart(p, `systemInstruction.parts[${j}]`), `systemInstruction.parts[${j}]`),
    ),
  };
}

function fromModelTurn(parts: unknown[], path: string, calls: PendingCall[], turn: number): ChatMessage {
  const content: AssistantBlock[] = [];
  let toolCalls = 0;
  parts.forEach((raw, j) => {
    const p = asPart(raw, `${path}.parts[${j}]`);
    const where = `${path}.parts[${j}]`;
    const fc = optObj(p, 'functionCall', `${where}.functionCall`);
    if (fc) {
      const name = optString(fc, 'name', `${where}.functionCall.name`);
      if (!name) fail(`${where}.functionCall.name`, 'is required');
      const args = field(fc, 'args') ?? {};
      if (!isObj(args)) fail(`${where}.functionCall.args`, 'expected an object');
      const id = optString(fc, 'id', `${where}.functionCall.id`) ?? `call_${turn}_${toolCalls}`;
      const call: ToolUseBlock = { type: 'tool_use', id, name, arguments: JSON.stringify(args) };
      const sig = optString(p, 'thoughtSignature', `${where}.thoughtSignature`);
      if (sig) call.thoughtSignature = sig;
      content.push(call);
      toolCalls++;
      calls.push({ id, name, answered: false });
      return;
    }
    if (field(p, 'functionResponse') !== undefined)
      fail(`${where}.functionResponse`, 'a functionResponse belongs in a user turn');
    const text = field(p, 'text');
    if (typeof text === 'string' && field(p, 'thought') === true) {
      const signature = optString(p, 'thoughtSignature', `${where}.thoughtSignature`);
      const last = content[content.length - 1];
      if (last?.type === 'thinking' && last.signature === undefined) last.thinking += text;
      else if (text || signature) content.push({ type: 'thinking', thinking: text });
      const block = content[content.length - 1];
      if (signature && block.type === 'thinking') block.signature = signature;
      return;
    }
    content.push(mediaOrText(p, where));
  });
  return { role: 'assistant', content } satisfies AssistantMessage;
}

function fromUserTurn(parts: unknown[], path: string, calls: PendingCall[]): ChatMessage[] {
  const out: ChatMessage[] = [];
  let pending: MediaBlock[] = [];
  const flush = () => {
    if (pending.length > 0) out.push({ role: 'user', content: pending });
    pending = [];
  };
  parts.forEach((raw, j) => {
    const where = `${path}.parts[${j}]`;
    const p = asPart(raw, where);
    const fr = optObj(p, 'functionResponse', `${where}.functionResponse`);
    if (!fr) {
      if (field(p, 'functionCall') !== undefined)
        fail(`${where}.functionCall`, 'a functionCall belongs in a model turn');
      pending.push(mediaOrText(p, where));
      return;
    }
    const name = optString(fr, 'name', `${where}.functionResponse.name`);
    if (!name) fail(`${where}.functionResponse.name`, 'is required');
    if (field(fr, 'parts') !== undefined)
      fail(`${where}.functionResponse.parts`, 'multimodal function responses cannot be translated');
    const id = optString(fr, 'id', `${where}.functionResponse.id`);
    const call =
      (id !== undefined ? calls.find((c) => c.id === id && !c.answered) : undefined) ??
      calls.find((c) => c.name === name && !c.answered);
    if (!call) fail(`${where}.functionResponse`, `answers no earlier functionCall named "${name}"`);
    call.answered = true;
    const response = field(fr, 'response') ?? {};
    flush();
    out.push({
      role: 'user',
      content: [
        {
          type: 'tool_result',
          toolUseId: call.id,
          name,
          content: [{ type: 'text', text: JSON.stringify(response) }],
        },
      ],
    });
  });
  flush();
  return out;
}

function asPart(v: unknown, path: string): Obj {
  if (!isObj(v)) fail(path, 'expected a Part object');
  return v;
}

/** text / inlineData / fileData / executableCode / codeExecutionResult → one canonical content part. */
function mediaOrText(p: Obj, where: string): MediaBlock {
  const text = field(p, 'text');
  if (typeof text === 'string') return { type: 'text', text };
  const detail = detailOf(p, where);
  const inline = optObj(p, 'inlineData', `${where}.inlineData`);
  if (inline) {
    const mimeType = optString(inline, 'mimeType', `${where}.inlineData.mimeType`);
    const raw = optString(inline, 'data', `${where}.inlineData.data`);
    if (!mimeType) fail(`${where}.inlineData.mimeType`, 'is required');
    if (raw === undefined) fail(`${where}.inlineData.data`, 'is required');
    const data = toStandardBase64(requireBase64(raw, `${where}.inlineData.data`, 'standard-or-url', fail));
    const uri = `data:${mimeType};base64,${data}`;
    if (mimeType.startsWith('image/')) return withDetail({ type: 'image', url: uri, mimeType }, detail);
    if (mimeType.startsWith('audio/')) return { type: 'audio', data, format: audioFormat(mimeType) };
    return withDetail({ type: 'file', data: uri, mimeType }, detail);
  }
  const file = optObj(p, 'fileData', `${where}.fileData`);
  if (file) {
    const fileUri = optString(file, 'fileUri', `${where}.fileData.fileUri`);
    if (!fileUri) fail(`${where}.fileData.fileUri`, 'is required');
    const mimeType = optString(file, 'mimeType', `${where}.fileData.mimeType`);
    if (mimeType?.startsWith('image/')) return withDetail({ type: 'image', url: fileUri, mimeType }, detail);
    return withDetail(
      mimeType ? { type: 'file', uri: fileUri, mimeType } : { type: 'file', uri: fileUri },
      detail,
    );
  }
  const code = optObj(p, 'executableCode', `${where}.executableCode`);
  if (code)
    return {
      type: 'text',
      text: `\`\`\`${shown(field(code, 'language') ?? 'python').toLowerCase()}\n${shown(field(code, 'code') ?? '')}\n\`\`\`\n`,
    };
  const result = optObj(p, 'codeExecutionResult', `${where}.codeExecutionResult`);
  if (result)
    return { type: 'text', text: `\`\`\`output\n${shown(field(result, 'output') ?? '')}\n\`\`\`\n` };
  return fail(where, 'a part needs one of text, inlineData, fileData, functionCall, functionResponse');
}

function detailOf(p: Obj, where: string): Detail | undefined {
  const res = optObj(p, 'mediaResolution', `${where}.mediaResolution`);
  if (!res) return undefined;
  const level = optString(res, 'level', `${where}.mediaResolution.level`);
  if (level === undefined || level === 'MEDIA_RESOLUTION_UNSPECIFIED') return undefined;
  // Own keys only: `constructor` is no level.
  return (
    (Object.hasOwn(DETAIL_BY_RESOLUTION, level) ? DETAIL_BY_RESOLUTION[level] : undefined) ??
    fail(`${where}.mediaResolution.level`, `unknown level "${level}"`)
  );
}

function withDetail<T extends MediaBlock>(part: T, detail: Detail | undefined): T {
  return detail && (part.type === 'image' || part.type === 'file') ? { ...part, detail } : part;
}

/** "audio/mpeg" → "mp3", "audio/L16;rate=24000" → "pcm16", "audio/wav" → "wav". */
function audioFormat(mimeType: string): string {
  const sub = mimeType.toLowerCase().slice('audio/'.length).split(';', 1)[0];
  if (sub === 'l16' || sub === 'pcm') return 'pcm16';
  if (sub === 'mpeg' || sub === 'mp3') return 'mp3';
  return sub === 'x-wav' || sub === 'wave' ? 'wav' : sub;
}
