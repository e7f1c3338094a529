import type { AssistantBlock, ChatResponse, FinishReason } from '../core/canonical';
import { ProviderError } from '../core/provider-error';
import { parseAnthropicError } from './anthropic.errors';
import { fromAnthropicUsage } from './anthropic.usage';
import type { AnthropicMessageResponse, AnthropicResponseBlock } from './anthropic.wire';

/**
 * `stop_reason` → finish reason: end_turn, stop_sequence and pause_turn → stop; max_tokens and
 * model_context_window_exceeded → length; tool_use → tool_calls; refusal → content_filter.
 */
export function fromAnthropicStopReason(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      return 'stop';
  }
}

/**
 * Answer blocks → canonical blocks, in order: text, thinking (with its signature), redacted thinking
 * (kept for replay), tool use (input serialised once). Server tool blocks (web search…) are left out.
 */
export function fromAnthropicBlocks(blocks: readonly AnthropicResponseBlock[]): AssistantBlock[] {
  const out: AssistantBlock[] = [];
  for (const b of blocks) {
    if (b.type === 'text' && typeof b.text === 'string') out.push({ type: 'text', text: b.text });
    else if (b.type === 'thinking' && typeof b.thinking === 'string') {
      const block: AssistantBlock = { type: 'thinking', thinking: b.thinking };
      if (typeof b.signature === 'string' && b.signature !== '') block.signature = b.signature;
      out.push(block);
    } else if (b.type === 'redacted_thinking' && typeof b.data === 'string')
      out.push({ type: 'redacted_thinking', data: b.data });
    else if (b.type === 'tool_use' && typeof b.id === 'string' && typeof b.name === 'string')
      out.push({ type: 'tool_use', id: b.id, name: b.name, arguments: JSON.stringify(b.input ?? {}) });
  }
  return out;
}

/** A `POST /v1/messages` answer → canonical. Pure but for `created` (now). */
export function fromAnthropicResponse(body: unknown, requestId: string): ChatResponse {
  const r = body as Partial<AnthropicMessageResponse> | undefined;
  if (r && typeof r === 'object' && (r as { type?: string }).type === 'error')
    throw parseAnthropicError(200, body, {});
  if (!r || typeof r !== 'object' || !Array.isArray(r.content)) {
    throw new ProviderError({ kind: 'upstream', message: 'Anthropic answer is not a message', raw: body });
  }
  const out: ChatResponse = {
    id: typeof r.id === 'string' ? r.id : requestId,
    created: Math.floor(Date.now() / 1000),
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: fromAnthropicBlocks(r.content) },
        finishReason: fromAnthropicStopReason(r.stop_reason),
      },
    ],
  };
  const usage = fromAnthropicUsage(r.usage);
  if (usage) out.usage = usage;
  return out;
}
