import { createHash } from 'node:crypto';
import type {
  AssistantBlock,
  AssistantMessage,
  AudioBlock,
  ChatChoice,
  ChatResponse,
} from '../core/canonical';
import { ProviderError } from '../core/provider-error';
import { parseGeminiError } from './gemini.errors';
import { concatBase64 } from './gemini.media';
import {
  appendCode,
  fromGeminiFinishReason,
  fromGeminiLogprobs,
  fromGeminiUsage,
  meaningOf,
} from './gemini.parts';
import type { GeminiCandidate, GeminiGenerateContentResponse, GeminiPart } from './gemini.wire';
import { CANDIDATE_METADATA_KEYS } from './gemini.wire-helpers';

/**
 * `providerMetadata` of a Gemini answer (keys present only when Gemini sent them):
 * `groundingMetadata[]`, `urlContextMetadata[]`, `safetyRatings[]`, `citationMetadata[]` (one entry
 * per candidate that had it, as LiteLLM's `vertex_ai_*_metadata`), `promptFeedback`,
 * `codeExecution[]` (the raw executableCode/codeExecutionResult parts, in wire order), `modelVersion`.
 */
export type GeminiProviderMetadata = Record<string, unknown>;

/**
 * Tool-call id when Gemini gives none: deterministic (responseId, choice, position) and short
 * (29 characters), because OpenAI refuses tool-call ids over 40 characters and a conversation may
 * fall back to it.
 */
export function toolCallIdFor(base: string, choice: number, position: number): string {
  return `call_${createHash('sha256').update(`${base}:${choice}:${position}`).digest('hex').slice(0, 24)}`;
}

/**
 * A decoded JSON body or stream event → GenerateContentResponse. Not an object: `ProviderError` kind
 * `upstream` with `notAnObject` as its message; an `{error}` object (Gemini can send one with a 200):
 * the error it describes.
 */
export function asGenerateContentResponse(
  value: unknown,
  notAnObject: string,
): GeminiGenerateContentResponse {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new ProviderError({ kind: 'upstream', message: notAnObject, raw: value });
  }
  if ('error' in value) throw parseGeminiError(200, value, {});
  return value as GeminiGenerateContentResponse;
}

export function fromGeminiResponse(body: unknown, requestId: string): ChatResponse {
  const res = asGenerateContentResponse(
    body,
    'Gemini answered with a body that is not a GenerateContentResponse',
  );
  const idBase = res.responseId ?? requestId;
  const metadata: GeminiProviderMetadata = {};

  let choices: ChatChoice[];
  if (res.promptFeedback?.blockReason) {
    choices = [{ index: 0, message: { role: 'assistant', content: [] }, finishReason: 'content_filter' }];
  } else {
    choices = (res.candidates ?? []).map((c, i) => fromCandidate(c, c.index ?? i, idBase, metadata));
    if (choices.length === 0)
      choices = [{ index: 0, message: { role: 'assistant', content: [] }, finishReason: 'stop' }];
  }
  for (const c of res.candidates ?? []) {
    for (const key of CANDIDATE_METADATA_KEYS)
      if (c[key] !== undefined) ((metadata[key] ??= []) as unknown[]).push(c[key]);
  }
  if (res.promptFeedback) metadata.promptFeedback = res.promptFeedback;
  if (res.modelVersion) metadata.modelVersion = res.modelVersion;

  const out: ChatResponse = {
    id: res.responseId ?? `gemini-${requestId}`,
    created: Math.floor(Date.now() / 1000),
    choices,
  };
  const usage = fromGeminiUsage(res.usageMetadata);
  if (usage) out.usage = usage;
  if (Object.keys(metadata).length > 0) out.providerMetadata = metadata;
  return out;
}

/**
 * A candidate's parts → blocks in wire order. Adjacent text parts (code rendered as Markdown
 * included) form one text block, adjacent thought parts one thinking block; audio parts form one
 * audio block (their bytes joined) where the first one was.
 */
function fromCandidate(
  c: GeminiCandidate,
  index: number,
  idBase: string,
  metadata: GeminiProviderMetadata,
): ChatChoice {
  const content: AssistantBlock[] = [];
  let tail = '';
  let toolCalls = 0;
  let audio: AudioBlock | undefined;
  const audioChunks: string[] = [];
  const code: GeminiPart[] = [];
  const appendText = (text: string) => {
    const last = content[content.length - 1];
    if (last?.type === 'text') last.text += text;
    else content.push({ type: 'text', text });
    tail = text;
  };

  for (const part of c.content?.parts ?? []) {
    const m = meaningOf(part);
    if (!m) continue;
    switch (m.kind) {
      case 'text':
        appendText(m.text);
        break;
      case 'reasoning': {
        const last = content[content.length - 1];
        if (last?.type === 'thinking') last.thinking += m.text;
        else content.push({ type: 'thinking', thinking: m.text });
        break;
      }
      case 'code':
        appendText(appendCode(tail, m.text));
        code.push(m.raw);
        break;
      case 'tool_call': {
        const call: AssistantBlock = {
          type: 'tool_use',
          id: m.id ?? toolCallIdFor(idBase, index, toolCalls),
          name: m.name,
          arguments: m.arguments,
        };
        if (m.thoughtSignature) call.thoughtSignature = m.thoughtSignature;
        toolCalls++;
        content.push(call);
        break;
      }
      case 'image':
        content.push({ type: 'image', url: m.url });
        break;
      case 'audio':
        if (!audio) content.push((audio = { type: 'audio', data: '', format: m.format }));
        audio.format = m.format;
        audioChunks.push(m.data);
        break;
    }
  }
  if (audio) audio.data = concatBase64(audioChunks);
  if (code.length > 0) ((metadata.codeExecution ??= []) as unknown[]).push(...code);

  const message: AssistantMessage = { role: 'assistant', content };
  const choice: ChatChoice = {
    index,
    message,
    finishReason: fromGeminiFinishReason(c.finishReason, toolCalls > 0),
  };
  const logprobs = fromGeminiLogprobs(c.logprobsResult);
  if (logprobs) choice.logprobs = logprobs;
  return choice;
}
