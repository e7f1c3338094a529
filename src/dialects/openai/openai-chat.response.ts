import type { AssistantMessage, ChatResponse, ChatStreamEvent, Usage } from '../../providers/core/canonical';
import { hasSignedThinking, textOf, thinkingTextOf } from '../../providers/core/content';
import { toOpenAiUsage } from '../../providers/openai-compatible/openai.usage';

/** Canonical response → OpenAI `chat.completion`, with the public model name (contract §9.17). */
export function toOpenAiChatResponse(resp: ChatResponse, publicModel: string): Record<string, unknown> {
  return {
    id: resp.id,
    object: 'chat.completion',
    created: resp.created,
    model: publicModel,
    choices: resp.choices.map((c) => ({
      index: c.index,
      message: toOpenAiAssistantMessage(c.message),
      logprobs: c.logprobs ?? null,
      finish_reason: c.finishReason,
    })),
    usage: resp.usage ? toOpenAiUsage(resp.usage) : undefined,
    ...clientMetadata(resp.providerMetadata),
  };
}

/**
 * Provider metadata (grounding, safety ratings…) as extra top-level members. `modelVersion` is left
 * out: the upstream model travels in the `x-switchboard-upstream-model` header (contract §9.17).
 */
function clientMetadata(meta: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!meta || !('modelVersion' in meta)) return meta ?? {};
  const { modelVersion: _upstream, ...rest } = meta;
  return rest;
}

/**
 * Blocks → OpenAI message: text blocks joined into `content` (null without any), thinking joined into
 * `reasoning_content` (DeepSeek/LiteLLM) plus LiteLLM's `thinking_blocks` when a signature or a
 * redacted block must travel, tool uses as `tool_calls`, generated images and audio.
 */
function toOpenAiAssistantMessage(m: AssistantMessage): Record<string, unknown> {
  const out: Record<string, unknown> = {
    role: 'assistant',
    content: textOf(m.content),
    refusal: m.refusal ?? null,
  };
  const reasoning = thinkingTextOf(m.content);
  if (reasoning) out.reasoning_content = reasoning;
  if (hasSignedThinking(m.content))
    out.thinking_blocks = m.content.filter((b) => b.type === 'thinking' || b.type === 'redacted_thinking');
  const calls: Array<Record<string, unknown>> = [];
  const images: Array<Record<string, unknown>> = [];
  let audio: Record<string, unknown> | undefined;
  for (const b of m.content) {
    if (b.type === 'tool_use')
      calls.push({
        id: b.id,
        type: 'function',
        function: { name: b.name, arguments: b.arguments },
        ...(b.thoughtSignature
          ? { provider_specific_fields: { thought_signature: b.thoughtSignature } }
          : {}),
      });
    else if (b.type === 'image') images.push({ type: 'image_url', image_url: { url: b.url } });
    else if (b.type === 'audio')
      audio = {
        id: `audio_${Date.now().toString(36)}`,
        data: b.data,
        format: b.format,
        transcript: b.transcript ?? '',
        expires_at: 0,
      };
  }
  if (calls.length > 0) out.tool_calls = calls;
  if (audio) out.audio = audio;
  if (images.length > 0) out.images = images;
  return out;
}

export interface OpenAiStreamOptions {
  id: string;
  created: number;
  publicModel: string;
  includeUsage: boolean;
}

/**
 * Canonical stream events → OpenAI `chat.completion.chunk` objects (no `system_fingerprint`: only
 * OpenAI has one). Every chunk but the usage chunk has one choice; the usage chunk (`choices: []`)
 * comes last, only when the client asked for it. Provider metadata, which arrives at the end, is
 * folded into the last finish chunk, held back until then; a stream that has none drops it.
 * A signed thinking block (its signature arrives last) or a redacted one, which must be sent back
 * unchanged, also travels whole as `delta.thinking_blocks` (LiteLLM's field, as in the JSON answer):
 * one chunk per completed block, so a client collects them in order.
 */
export async function* toOpenAiChunks(
  events: AsyncIterable<ChatStreamEvent>,
  opts: OpenAiStreamOptions,
): AsyncGenerator<Record<string, unknown>> {
  const base = {
    id: opts.id,
    object: 'chat.completion.chunk',
    created: opts.created,
    model: opts.publicModel,
  };
  const usageField = opts.includeUsage ? { usage: null } : {};
  const chunk = (choice: number, delta: Record<string, unknown>, finish: string | null = null) => ({
    ...base,
    choices: [{ index: choice, delta, logprobs: null, finish_reason: finish }],
    ...usageField,
  });
  const rolesSent = new Set<number>();
  /** The reasoning text of each choice's open thinking block, until its signature closes it. */
  const thinking = new Map<number, string>();
  let usage: Usage | undefined;
  let metadata: Record<string, unknown> | undefined;
  /** Finish chunks not yet sent: the last one takes the metadata. */
  let held: Array<Record<string, unknown>> = [];
  const withRole = (choice: number, delta: Record<string, unknown>) => {
    if (rolesSent.has(choice)) return delta;
    rolesSent.add(choice);
    return { role: 'assistant', ...delta };
  };
  for await (const ev of events) {
    if (held.length > 0 && ev.type !== 'finish' && ev.type !== 'usage' && ev.type !== 'metadata') {
      yield* held;
      held = [];
    }
    switch (ev.type) {
      case 'start':
        break;
      case 'text':
        yield chunk(ev.choice, withRole(ev.choice, { content: ev.text }));
        break;
      case 'reasoning':
        if (ev.text) {
          thinking.set(ev.choice, (thinking.get(ev.choice) ?? '') + ev.text);
          yield chunk(ev.choice, withRole(ev.choice, { reasoning_content: ev.text }));
        }
        if (ev.signature) {
          const block = {
            type: 'thinking',
            thinking: thinking.get(ev.choice) ?? '',
            signature: ev.signature,
          };
          thinking.delete(ev.choice);
          yield chunk(ev.choice, withRole(ev.choice, { thinking_blocks: [block] }));
        }
        break;
      case 'redacted_reasoning':
        yield chunk(
          ev.choice,
          withRole(ev.choice, { thinking_blocks: [{ type: 'redacted_thinking', data: ev.data }] }),
        );
        break;
      case 'refusal':
        yield chunk(ev.choice, withRole(ev.choice, { refusal: ev.text }));
        break;
      case 'tool_call': {
        const call: Record<string, unknown> = {
          index: ev.index,
          function: { arguments: ev.argumentsDelta, ...(ev.name ? { name: ev.name } : {}) },
        };
        if (ev.id) Object.assign(call, { id: ev.id, type: 'function' });
        if (ev.thoughtSignature) call.provider_specific_fields = { thought_signature: ev.thoughtSignature };
        yield chunk(ev.choice, withRole(ev.choice, { tool_calls: [call] }));
        break;
      }
      case 'audio':
        yield chunk(ev.choice, withRole(ev.choice, { audio: { data: ev.data, transcript: ev.transcript } }));
        break;
      case 'image':
        yield chunk(
          ev.choice,
          withRole(ev.choice, { images: [{ type: 'image_url', image_url: { url: ev.url } }] }),
        );
        break;
      case 'finish':
        held.push(
          chunk(ev.choice, rolesSent.has(ev.choice) ? {} : withRole(ev.choice, { content: '' }), ev.reason),
        );
        break;
      case 'usage':
        usage = ev.usage;
        break;
      case 'metadata':
        metadata = { ...metadata, ...clientMetadata(ev.metadata) };
        break;
    }
  }
  if (held.length > 0 && metadata) Object.assign(held[held.length - 1], metadata);
  yield* held;
  if (opts.includeUsage && usage) yield { ...base, choices: [], usage: toOpenAiUsage(usage) };
}
