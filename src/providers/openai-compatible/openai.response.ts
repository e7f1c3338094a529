import type {
  AssistantBlock,
  AssistantMessage,
  ChatResponse,
  ChatStreamEvent,
  FinishReason,
} from '../core/canonical';
import { ProviderError } from '../core/provider-error';
import type { SseEvent } from '../core/sse';
import { fromOpenAiUsage } from './openai.usage';
import type { OpenAiChatResponse, OpenAiChunk, OpenAiMessage } from './openai.wire';

export function fromOpenAiFinishReason(r: string | null | undefined): FinishReason {
  switch (r) {
    case 'length':
      return 'length';
    case 'tool_calls':
    case 'function_call':
      return 'tool_calls';
    case 'content_filter':
      return 'content_filter';
    default:
      return 'stop';
  }
}

/** OpenAI chat-completions response → canonical. Pure. */
export function fromOpenAiChatResponse(body: unknown): ChatResponse {
  const r = body as OpenAiChatResponse;
  if (!r || !Array.isArray(r.choices)) {
    throw new ProviderError({
      kind: 'upstream',
      message: 'upstream answer is not a chat completion',
      raw: body,
    });
  }
  return {
    id: r.id,
    created: r.created,
    choices: r.choices.map((c) => ({
      index: c.index,
      message: fromOpenAiMessage(c.message),
      finishReason: fromOpenAiFinishReason(c.finish_reason),
      logprobs: c.logprobs ?? undefined,
    })),
    usage: fromOpenAiUsage(r.usage),
  };
}

/**
 * OpenAI message → blocks, in the order the Google dialect renders parts: thinking (LiteLLM's
 * `thinking_blocks`, which carry signatures, else `reasoning_content`), text, images, audio, tool uses.
 */
function fromOpenAiMessage(m: OpenAiMessage): AssistantMessage {
  const content: AssistantBlock[] = [];
  if (m.thinking_blocks?.length) content.push(...m.thinking_blocks);
  else if (m.reasoning_content) content.push({ type: 'thinking', thinking: m.reasoning_content });
  if (typeof m.content === 'string') content.push({ type: 'text', text: m.content });
  for (const i of m.images ?? []) content.push({ type: 'image', url: i.image_url.url });
  if (m.audio?.data) {
    const audio: AssistantBlock = { type: 'audio', data: m.audio.data, format: m.audio.format ?? 'pcm16' };
    if (m.audio.transcript !== undefined) audio.transcript = m.audio.transcript;
    content.push(audio);
  }
  for (const c of m.tool_calls ?? []) {
    const call: AssistantBlock = {
      type: 'tool_use',
      id: c.id,
      name: c.function.name,
      arguments: c.function.arguments,
    };
    if (c.provider_specific_fields?.thought_signature)
      call.thoughtSignature = c.provider_specific_fields.thought_signature;
    content.push(call);
  }
  const out: AssistantMessage = { role: 'assistant', content };
  if (m.refusal) out.refusal = m.refusal;
  return out;
}

/** OpenAI SSE chunks → canonical stream events. `[DONE]` ends the stream; an `error` chunk throws. */
export async function* fromOpenAiStream(events: AsyncIterable<SseEvent>): AsyncGenerator<ChatStreamEvent> {
  let started = false;
  for await (const ev of events) {
    if (ev.data === '[DONE]') return;
    if (ev.data === '') continue;
    let chunk: OpenAiChunk;
    try {
      chunk = JSON.parse(ev.data) as OpenAiChunk;
    } catch {
      throw new ProviderError({
        kind: 'upstream',
        message: 'upstream sent a malformed stream chunk',
        raw: ev.data,
      });
    }
    if (chunk.error || ev.event === 'error') {
      const e = chunk.error ?? {};
      throw new ProviderError({
        kind: 'upstream',
        message: e.message ?? 'upstream stream error',
        upstreamCode: e.code ?? e.type,
        raw: chunk,
      });
    }
    if (!started) {
      started = true;
      yield { type: 'start', id: chunk.id };
    }
    for (const c of chunk.choices ?? []) {
      const d = c.delta ?? {};
      if (d.reasoning_content) yield { type: 'reasoning', choice: c.index, text: d.reasoning_content };
      if (d.content) yield { type: 'text', choice: c.index, text: d.content };
      if (d.refusal) yield { type: 'refusal', choice: c.index, text: d.refusal };
      for (const t of d.tool_calls ?? []) {
        yield {
          type: 'tool_call',
          choice: c.index,
          index: t.index,
          id: t.id,
          name: t.function?.name,
          argumentsDelta: t.function?.arguments ?? '',
          thoughtSignature: t.provider_specific_fields?.thought_signature,
        };
      }
      if (d.audio?.data)
        yield { type: 'audio', choice: c.index, data: d.audio.data, transcript: d.audio.transcript };
      for (const img of d.images ?? []) yield { type: 'image', choice: c.index, url: img.image_url.url };
      if (c.finish_reason)
        yield { type: 'finish', choice: c.index, reason: fromOpenAiFinishReason(c.finish_reason) };
    }
    const usage = fromOpenAiUsage(chunk.usage);
    if (usage) yield { type: 'usage', usage };
  }
}
