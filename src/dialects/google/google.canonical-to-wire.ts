import type {
  AssistantMessage,
  ChatResponse,
  ChatStreamEvent,
  FinishReason,
  Usage,
} from '../../providers/core/canonical';
import type {
  GeminiCandidate,
  GeminiGenerateContentResponse,
  GeminiPart,
  GeminiUsageMetadata,
} from '../../providers/gemini/gemini.wire';
import { CANDIDATE_METADATA_KEYS } from '../../providers/gemini/gemini.wire-helpers';

const FINISH: Record<FinishReason, string> = {
  stop: 'STOP',
  tool_calls: 'STOP',
  length: 'MAX_TOKENS',
  content_filter: 'SAFETY',
  error: 'OTHER',
};

/** Canonical response → Gemini `GenerateContentResponse`, `modelVersion` being the public model (contract §9.17). */
export function toGeminiResponse(resp: ChatResponse, publicModel: string): GeminiGenerateContentResponse {
  const meta = resp.providerMetadata ?? {};
  const out: GeminiGenerateContentResponse = {};
  const feedback = meta.promptFeedback as GeminiGenerateContentResponse['promptFeedback'] | undefined;
  if (!feedback?.blockReason) {
    out.candidates = resp.choices.map((c, i) => {
      const cand: GeminiCandidate = {
        content: { role: 'model', parts: toParts(c.message) },
        finishReason: FINISH[c.finishReason],
        index: c.index,
      };
      return withCandidateMetadata(cand, meta, i);
    });
  }
  if (feedback) out.promptFeedback = feedback;
  if (resp.usage) out.usageMetadata = toUsageMetadata(resp.usage);
  out.modelVersion = publicModel;
  out.responseId = resp.id;
  return out;
}

/**
 * Blocks → parts, in order: adjacent unsigned thinking blocks → one thought part, a signed one
 * (Anthropic) → its own thought part with the signature as `thoughtSignature`, to come back unchanged
 * (redacted thinking has no Gemini form), text, images, audio, files and tool uses. An empty text is sent only when it is all the
 * answer says (thinking aside).
 */
function toParts(m: AssistantMessage): GeminiPart[] {
  const parts: GeminiPart[] = [];
  const onlyText = m.content.every(
    (b) => b.type === 'text' || b.type === 'thinking' || b.type === 'redacted_thinking',
  );
  for (const b of m.content) {
    switch (b.type) {
      case 'thinking': {
        const last = parts[parts.length - 1];
        if (b.signature) parts.push({ text: b.thinking, thought: true, thoughtSignature: b.signature });
        else if (last?.thought === true && !last.thoughtSignature) last.text += b.thinking;
        else if (b.thinking) parts.push({ text: b.thinking, thought: true });
        break;
      }
      case 'text':
        if (b.text.length > 0 || onlyText) parts.push({ text: b.text });
        break;
      case 'image':
        parts.push(mediaPart(b.url));
        break;
      case 'audio':
        parts.push({ inlineData: { mimeType: audioMime(b.format), data: b.data } });
        break;
      case 'tool_use':
        parts.push(functionCallPart(b.name, b.arguments, b.id, b.thoughtSignature));
        break;
      case 'file':
        if (b.data !== undefined && !b.data.startsWith('data:') && b.mimeType)
          parts.push({ inlineData: { mimeType: b.mimeType, data: b.data } });
        else if (b.data !== undefined || b.uri !== undefined) parts.push(mediaPart(b.data ?? b.uri ?? ''));
        break;
    }
  }
  return parts;
}

function functionCallPart(name: string, args: string, id?: string, signature?: string): GeminiPart {
  const part: GeminiPart = { functionCall: { name, args: parseArgs(args), ...(id ? { id } : {}) } };
  if (signature) part.thoughtSignature = signature;
  return part;
}

function parseArgs(text: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text || '{}');
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function mediaPart(url: string): GeminiPart {
  const m = /^data:([^;,]+)[^,]*;base64,(.*)$/s.exec(url);
  return m ? { inlineData: { mimeType: m[1], data: m[2] } } : { fileData: { fileUri: url } };
}

function audioMime(format: string): string {
  if (format === 'pcm16') return 'audio/L16;codec=pcm;rate=24000';
  return format.includes('/') ? format : `audio/${format}`;
}

function withCandidateMetadata(
  cand: GeminiCandidate,
  meta: Record<string, unknown>,
  i: number,
): GeminiCandidate {
  for (const key of CANDIDATE_METADATA_KEYS) {
    const list = meta[key];
    if (Array.isArray(list) && list[i] !== undefined) cand[key] = list[i] as never;
  }
  return cand;
}

/** Canonical usage → usageMetadata (candidates exclude thoughts; total = prompt + completion). */
export function toUsageMetadata(u: Usage): GeminiUsageMetadata {
  const thoughts = u.reasoningTokens ?? 0;
  const m: GeminiUsageMetadata = { promptTokenCount: u.promptTokens };
  if (u.cachedTokens) m.cachedContentTokenCount = u.cachedTokens;
  m.candidatesTokenCount = Math.max(0, u.completionTokens - thoughts);
  if (thoughts) m.thoughtsTokenCount = thoughts;
  m.totalTokenCount = u.promptTokens + u.completionTokens;
  if (u.audioInputTokens) {
    m.promptTokensDetails = [
      { modality: 'TEXT', tokenCount: u.promptTokens - u.audioInputTokens },
      { modality: 'AUDIO', tokenCount: u.audioInputTokens },
    ];
    if (u.cachedTokens && u.cachedAudioTokens !== undefined) {
      m.cacheTokensDetails = [
        { modality: 'TEXT', tokenCount: u.cachedTokens - u.cachedAudioTokens },
        { modality: 'AUDIO', tokenCount: u.cachedAudioTokens },
      ];
    }
  }
  const media = (u.audioOutputTokens ?? 0) + (u.imageOutputTokens ?? 0);
  if (media > 0) {
    m.candidatesTokensDetails = [
      { modality: 'TEXT', tokenCount: Math.max(0, m.candidatesTokenCount - media) },
    ];
    if (u.imageOutputTokens)
      m.candidatesTokensDetails.push({ modality: 'IMAGE', tokenCount: u.imageOutputTokens });
    if (u.audioOutputTokens)
      m.candidatesTokensDetails.push({ modality: 'AUDIO', tokenCount: u.audioOutputTokens });
  }
  return m;
}

interface PendingCall {
  id?: string;
  name: string;
  args: string;
  signature?: string;
}

/**
 * Canonical stream → Gemini stream chunks (each a GenerateContentResponse with incremental parts).
 * Tool calls, which other providers stream in fragments, are collected and sent whole, with their
 * thoughtSignature, in the last chunk; that chunk also carries the finish reasons, the candidate
 * metadata and `usageMetadata`.
 */
export async function* toGeminiStream(
  events: AsyncIterable<ChatStreamEvent>,
  publicModel: string,
): AsyncGenerator<GeminiGenerateContentResponse> {
  let responseId: string | undefined;
  const calls = new Map<number, Map<number, PendingCall>>();
  const finishes = new Map<number, FinishReason>();
  const metadata: Record<string, unknown> = {};
  let usage: Usage | undefined;
  const chunk = (choice: number, part: GeminiPart): GeminiGenerateContentResponse => ({
    candidates: [{ content: { role: 'model', parts: [part] }, index: choice }],
    modelVersion: publicModel,
    ...(responseId ? { responseId } : {}),
  });

  for await (const ev of events) {
    switch (ev.type) {
      case 'start':
        responseId = ev.id ?? responseId;
        break;
      case 'text':
      case 'refusal':
        if (ev.text) yield chunk(ev.choice, { text: ev.text });
        break;
      case 'reasoning':
        if (ev.text) yield chunk(ev.choice, { text: ev.text, thought: true });
        // The signature closing a thinking block (Anthropic): an empty thought part carrying it.
        if (ev.signature) yield chunk(ev.choice, { text: '', thought: true, thoughtSignature: ev.signature });
        break;
      case 'redacted_reasoning':
        break;
      case 'image':
        yield chunk(ev.choice, mediaPart(ev.url));
        break;
      case 'audio':
        yield chunk(ev.choice, { inlineData: { mimeType: audioMime('pcm16'), data: ev.data } });
        break;
      case 'tool_call': {
        const byIndex = calls.get(ev.choice) ?? new Map<number, PendingCall>();
        calls.set(ev.choice, byIndex);
        const call = byIndex.get(ev.index) ?? { name: '', args: '' };
        byIndex.set(ev.index, call);
        if (ev.id) call.id ??= ev.id;
        if (ev.name) call.name ||= ev.name;
        if (ev.thoughtSignature) call.signature ??= ev.thoughtSignature;
        call.args += ev.argumentsDelta;
        break;
      }
      case 'finish':
        finishes.set(ev.choice, ev.reason);
        break;
      case 'usage':
        usage = ev.usage;
        break;
      case 'metadata':
        Object.assign(metadata, ev.metadata);
        break;
    }
  }
  yield lastChunk();

  function lastChunk(): GeminiGenerateContentResponse {
    const out: GeminiGenerateContentResponse = {};
    const feedback = metadata.promptFeedback as GeminiGenerateContentResponse['promptFeedback'] | undefined;
    const choices = [...new Set([...finishes.keys(), ...calls.keys()])].sort((a, b) => a - b);
    if (!feedback?.blockReason) {
      out.candidates = (choices.length > 0 ? choices : [0]).map((choice, i) => {
        const pending = [...(calls.get(choice) ?? new Map<number, PendingCall>()).entries()].sort(
          (a, b) => a[0] - b[0],
        );
        const parts = pending.map(([, c]) => functionCallPart(c.name, c.args, c.id, c.signature));
        const cand: GeminiCandidate = {
          content: { role: 'model', parts: parts.length > 0 ? parts : [{ text: '' }] },
          index: choice,
        };
        const reason = finishes.get(choice);
        if (reason) cand.finishReason = FINISH[reason];
        return withCandidateMetadata(cand, metadata, i);
      });
    }
    if (feedback) out.promptFeedback = feedback;
    if (usage) out.usageMetadata = toUsageMetadata(usage);
    out.modelVersion = publicModel;
    if (responseId) out.responseId = responseId;
    return out;
  }
}
