import type { ChatStreamEvent, Usage } from '../core/canonical';
import { ProviderError } from '../core/provider-error';
import type { SseEvent } from '../core/sse';
import { appendCode, fromGeminiFinishReason, fromGeminiUsage, meaningOf } from './gemini.parts';
import { asGenerateContentResponse, toolCallIdFor } from './gemini.response';
import type { GeminiGenerateContentResponse } from './gemini.wire';
import { CANDIDATE_METADATA_KEYS } from './gemini.wire-helpers';

interface ChoiceState {
  toolCalls: number;
  /** Last text emitted, to start code fences on their own line. */
  tail: string;
  finished: boolean;
}

/**
 * `:streamGenerateContent?alt=sse` events → canonical stream events. Each event is a whole
 * GenerateContentResponse with incremental parts; function calls arrive whole and are emitted as
 * complete `tool_call` events. Usage is taken from the last chunk that carries usageMetadata (it is
 * cumulative, never summed); candidate metadata (grounding, url context…) is emitted once at the end.
 * A stream that ends before any finishReason was cut: `ProviderError` kind `upstream`.
 */
export async function* fromGeminiStream(
  events: AsyncIterable<SseEvent>,
  requestId: string,
): AsyncGenerator<ChatStreamEvent> {
  const choices = new Map<number, ChoiceState>();
  const candidateMeta = new Map<string, Map<number, unknown>>();
  const metadata: Record<string, unknown> = {};
  let usage: Usage | undefined;
  let idBase: string | undefined;
  let finished = false;

  for await (const ev of events) {
    const chunk = parseChunk(ev.data);
    if (!chunk) continue;
    if (idBase === undefined) {
      idBase = chunk.responseId ?? requestId;
      yield chunk.responseId ? { type: 'start', id: chunk.responseId } : { type: 'start' };
    }
    if (chunk.promptFeedback) {
      metadata.promptFeedback = chunk.promptFeedback;
      if (chunk.promptFeedback.blockReason && !finished) {
        finished = true;
        yield { type: 'finish', choice: 0, reason: 'content_filter' };
      }
    }
    for (const [i, c] of (chunk.candidates ?? []).entries()) {
      const choice = c.index ?? i;
      for (const key of CANDIDATE_METADATA_KEYS) {
        if (c[key] === undefined) continue;
        const byChoice = candidateMeta.get(key) ?? new Map<number, unknown>();
        candidateMeta.set(key, byChoice.set(choice, c[key]));
      }
      let st = choices.get(choice);
      if (!st) choices.set(choice, (st = { toolCalls: 0, tail: '', finished: false }));
      for (const part of c.content?.parts ?? []) {
        const m = meaningOf(part);
        if (!m) continue;
        if (m.kind === 'text') {
          st.tail = m.text;
          yield { type: 'text', choice, text: m.text };
        } else if (m.kind === 'reasoning') {
          yield { type: 'reasoning', choice, text: m.text };
        } else if (m.kind === 'code') {
          const text = appendCode(st.tail, m.text);
          st.tail = text;
          ((metadata.codeExecution ??= []) as unknown[]).push(m.raw);
          yield { type: 'text', choice, text };
        } else if (m.kind === 'tool_call') {
          const index = st.toolCalls++;
          const event: Extract<ChatStreamEvent, { type: 'tool_call' }> = {
            type: 'tool_call',
            choice,
            index,
            id: m.id ?? toolCallIdFor(idBase, choice, index),
            name: m.name,
            argumentsDelta: m.arguments,
          };
          if (m.thoughtSignature) event.thoughtSignature = m.thoughtSignature;
          yield event;
        } else if (m.kind === 'image') {
          yield { type: 'image', choice, url: m.url };
        } else {
          yield { type: 'audio', choice, data: m.data };
        }
      }
      if (c.finishReason && !st.finished) {
        st.finished = true;
        finished = true;
        yield { type: 'finish', choice, reason: fromGeminiFinishReason(c.finishReason, st.toolCalls > 0) };
      }
    }
    if (chunk.usageMetadata) usage = fromGeminiUsage(chunk.usageMetadata);
    if (chunk.modelVersion) metadata.modelVersion = chunk.modelVersion;
  }

  for (const [key, byChoice] of candidateMeta)
    metadata[key] = [...byChoice.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v);
  if (Object.keys(metadata).length > 0) yield { type: 'metadata', metadata };
  if (usage) yield { type: 'usage', usage };
  if (!finished) {
    throw new ProviderError({
      kind: 'upstream',
      upstreamCode: 'stream_truncated',
      message: 'Gemini stream ended before a finishReason',
    });
  }
}

function parseChunk(data: string): GeminiGenerateContentResponse | undefined {
  const text = data.trim();
  if (text.length === 0) return undefined;
  let chunk: unknown;
  try {
    chunk = JSON.parse(text);
  } catch {
    throw new ProviderError({
      kind: 'upstream',
      message: 'Gemini stream sent an event that is not JSON',
      raw: text.slice(0, 500),
    });
  }
  return asGenerateContentResponse(chunk, 'Gemini stream sent an event that is not an object');
}
