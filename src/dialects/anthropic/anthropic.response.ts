import { toolIdWithSignature } from '../tool-call-id';
import type { AssistantBlock, ChatResponse, FinishReason, Usage } from '../../providers/core/canonical';

/** A Messages `usage` object. */
export interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

/**
 * Canonical finish → Anthropic `stop_reason`: stop → end_turn, length → max_tokens, tool_calls →
 * tool_use, content_filter → refusal (an `error` finish, which Anthropic has no name for, → end_turn).
 */
export function toAnthropicStopReason(reason: FinishReason | undefined): string {
  switch (reason) {
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    default:
      return 'end_turn';
  }
}

/**
 * Canonical usage → Anthropic usage: `input_tokens` excludes cache reads and writes (canonical
 * `promptTokens` includes both), so the three add up to the prompt again and nothing counts twice.
 */
export function toAnthropicUsage(u: Usage | undefined): AnthropicUsage {
  if (!u)
    return { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
  const cached = u.cachedTokens ?? 0;
  const written = u.cacheWriteTokens ?? 0;
  return {
    input_tokens: Math.max(0, u.promptTokens - cached - written),
    output_tokens: u.completionTokens,
    cache_creation_input_tokens: written,
    cache_read_input_tokens: cached,
  };
}

/** `msg_…`: the upstream's id when it is already one, otherwise one derived from it. */
export function anthropicMessageId(id: string): string {
  if (id.startsWith('msg_')) return id;
  const tail = id.replace(/^chatcmpl-/, '').replace(/[^A-Za-z0-9_]/g, '');
  return `msg_${tail || Date.now().toString(36)}`;
}

/**
 * Canonical response → Messages `message` JSON (its first choice), with the public model name
 * (contract §9.17). Blocks keep their order: thinking (with its signature), redacted thinking, text,
 * tool use (`input` parsed from the arguments' JSON text), images. An OpenAI refusal becomes a text
 * block with `stop_reason: "refusal"`.
 */
export function toAnthropicMessage(resp: ChatResponse, publicModel: string): Record<string, unknown> {
  const choice = resp.choices.find((c) => c.index === 0) ?? resp.choices[0];
  const content: Array<Record<string, unknown>> = [];
  for (const b of choice?.message.content ?? []) {
    const block = toAnthropicBlock(b);
    if (block) content.push(block);
  }
  const refusal = choice?.message.refusal;
  if (refusal) content.push({ type: 'text', text: refusal });
  return {
    id: anthropicMessageId(resp.id),
    type: 'message',
    role: 'assistant',
    model: publicModel,
    content,
    stop_reason: refusal ? 'refusal' : toAnthropicStopReason(choice?.finishReason),
    stop_sequence: null,
    usage: toAnthropicUsage(resp.usage),
  };
}

/** A tool call's arguments as the `input` object; text that is not JSON is kept as it came. */
export function toolInputOf(args: string): unknown {
  if (!args.trim()) return {};
  try {
    return JSON.parse(args) as unknown;
  } catch {
    return args;
  }
}

function toAnthropicBlock(b: AssistantBlock): Record<string, unknown> | undefined {
  switch (b.type) {
    case 'text':
      // Anthropic refuses empty text blocks when a client sends the turn back.
      return b.text ? { type: 'text', text: b.text } : undefined;
    case 'thinking':
      return { type: 'thinking', thinking: b.thinking, signature: b.signature ?? '' };
    case 'redacted_thinking':
      return { type: 'redacted_thinking', data: b.data };
    case 'tool_use':
      return {
        type: 'tool_use',
        id: toolIdWithSignature(b.id, b.thoughtSignature),
        name: b.name,
        input: toolInputOf(b.arguments),
      };
    case 'image':
      return { type: 'image', source: imageSource(b.url) };
    default:
      // Generated audio and files have no Messages block.
      return undefined;
  }
}

function imageSource(url: string): Record<string, unknown> {
  const m = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  if (m) return { type: 'base64', media_type: m[1], data: m[2] };
  return { type: 'url', url };
}
