import type { FinishReason, Usage } from '../core/canonical';
import { audioFormatOf, toDataUri } from './gemini.media';
import type {
  GeminiLogprobsResult,
  GeminiModalityTokenCount,
  GeminiPart,
  GeminiUsageMetadata,
} from './gemini.wire';

/** What one response part means to a chat client. Shared by the JSON and the stream parsers. */
export type PartMeaning =
  | { kind: 'text'; text: string }
  | { kind: 'reasoning'; text: string }
  | { kind: 'tool_call'; name: string; arguments: string; id?: string; thoughtSignature?: string }
  | { kind: 'image'; url: string }
  | { kind: 'audio'; data: string; format: string }
  /** executableCode / codeExecutionResult, rendered as Markdown text (raw part kept for metadata). */
  | { kind: 'code'; text: string; raw: GeminiPart };

export function meaningOf(part: GeminiPart): PartMeaning | undefined {
  if (typeof part.text === 'string') {
    if (part.text.length === 0) return undefined;
    return part.thought === true ? { kind: 'reasoning', text: part.text } : { kind: 'text', text: part.text };
  }
  if (part.functionCall) {
    const call: PartMeaning = {
      kind: 'tool_call',
      name: part.functionCall.name,
      arguments: JSON.stringify(part.functionCall.args ?? {}),
    };
    if (part.functionCall.id) call.id = part.functionCall.id;
    if (part.thoughtSignature) call.thoughtSignature = part.thoughtSignature;
    return call;
  }
  if (part.inlineData) {
    const { mimeType, data } = part.inlineData;
    if (mimeType.startsWith('image/')) return { kind: 'image', url: toDataUri(mimeType, data) };
    if (mimeType.startsWith('audio/')) return { kind: 'audio', data, format: audioFormatOf(mimeType) };
    return { kind: 'text', text: toDataUri(mimeType, data) };
  }
  if (part.fileData) {
    const { fileUri, mimeType } = part.fileData;
    return mimeType?.startsWith('image/') ? { kind: 'image', url: fileUri } : { kind: 'text', text: fileUri };
  }
  if (part.executableCode) {
    const lang = (part.executableCode.language ?? 'PYTHON').toLowerCase();
    return {
      kind: 'code',
      text: fence(lang === 'language_unspecified' ? '' : lang, part.executableCode.code),
      raw: part,
    };
  }
  if (part.codeExecutionResult) {
    return { kind: 'code', text: fence('output', part.codeExecutionResult.output ?? ''), raw: part };
  }
  return undefined;
}

function fence(info: string, body: string): string {
  return `\`\`\`${info}\n${body.replace(/\n$/, '')}\n\`\`\`\n`;
}

/** Joins rendered code blocks so a fence always starts on its own line. */
export function appendCode(previous: string, block: string): string {
  return previous.length > 0 && !previous.endsWith('\n') ? `\n${block}` : block;
}

const CONTENT_FILTER_REASONS = new Set([
  'SAFETY',
  'RECITATION',
  'LANGUAGE',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
]);
const ERROR_REASONS = new Set([
  'MALFORMED_FUNCTION_CALL',
  'UNEXPECTED_TOOL_CALL',
  'TOO_MANY_TOOL_CALLS',
  'NO_IMAGE',
  'IMAGE_OTHER',
  'MALFORMED_RESPONSE',
]);

/** Gemini has no TOOL_CALLS reason: a call ends with STOP, so `tool_calls` is derived from functionCall parts. */
export function fromGeminiFinishReason(reason: string | undefined, hasToolCalls: boolean): FinishReason {
  if (reason === 'MAX_TOKENS') return 'length';
  if (reason && CONTENT_FILTER_REASONS.has(reason)) return 'content_filter';
  if (reason && ERROR_REASONS.has(reason)) return 'error';
  return hasToolCalls ? 'tool_calls' : 'stop';
}

/**
 * usageMetadata → canonical usage: prompt = promptTokenCount (+ toolUsePromptTokenCount; cached
 * tokens are included, as in OpenAI), completion = candidatesTokenCount + thoughtsTokenCount,
 * reasoning = thoughtsTokenCount, cached = cachedContentTokenCount, audio/image from the details.
 * promptTokensDetails include the cached tokens; cacheTokensDetails say which of them are audio.
 * When a backend already counts thoughts in candidatesTokenCount (prompt + candidates = total),
 * they are not added twice.
 */
export function fromGeminiUsage(u: GeminiUsageMetadata | undefined): Usage | undefined {
  if (!u || typeof u !== 'object') return undefined;
  const prompt = (u.promptTokenCount ?? 0) + (u.toolUsePromptTokenCount ?? 0);
  const candidates = u.candidatesTokenCount ?? 0;
  const thoughts = u.thoughtsTokenCount ?? 0;
  const inclusive =
    thoughts > 0 && u.totalTokenCount !== undefined && prompt + candidates === u.totalTokenCount;
  const usage: Usage = {
    promptTokens: prompt,
    completionTokens: inclusive ? candidates : candidates + thoughts,
  };
  if (u.thoughtsTokenCount !== undefined) usage.reasoningTokens = thoughts;
  if (u.cachedContentTokenCount !== undefined) usage.cachedTokens = u.cachedContentTokenCount;
  const audioIn = modalityTokens(u.promptTokensDetails, 'AUDIO');
  const audioOut = modalityTokens(u.candidatesTokensDetails, 'AUDIO');
  const imageOut = modalityTokens(u.candidatesTokensDetails, 'IMAGE');
  if (audioIn) usage.audioInputTokens = audioIn;
  if (audioIn && usage.cachedTokens && u.cacheTokensDetails)
    usage.cachedAudioTokens = modalityTokens(u.cacheTokensDetails, 'AUDIO');
  if (audioOut) usage.audioOutputTokens = audioOut;
  if (imageOut) usage.imageOutputTokens = imageOut;
  return usage;
}

function modalityTokens(details: GeminiModalityTokenCount[] | undefined, modality: string): number {
  let n = 0;
  for (const d of details ?? []) if (d.modality === modality) n += d.tokenCount ?? 0;
  return n;
}

/**
 * logprobsResult → OpenAI's `logprobs: {content: [{token, logprob, bytes, top_logprobs}], refusal}`
 * (every member OpenAI's schema requires; `bytes` is the token's UTF-8).
 */
export function fromGeminiLogprobs(r: GeminiLogprobsResult | undefined): unknown {
  if (!r?.chosenCandidates) return undefined;
  const entry = (t: { token?: string; logProbability?: number }) => ({
    token: t.token ?? '',
    logprob: t.logProbability ?? 0,
    bytes: [...UTF8.encode(t.token ?? '')],
  });
  return {
    content: r.chosenCandidates.map((c, i) => ({
      ...entry(c),
      top_logprobs: (r.topCandidates?.[i]?.candidates ?? []).map(entry),
    })),
    refusal: null,
  };
}

const UTF8 = new TextEncoder();
