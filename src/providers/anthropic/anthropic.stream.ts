import type { ChatStreamEvent } from '../core/canonical';
import { ProviderError } from '../core/provider-error';
import type { SseEvent } from '../core/sse';
import { parseAnthropicError } from './anthropic.errors';
import { fromAnthropicStopReason } from './anthropic.response';
import { fromAnthropicUsage, mergeAnthropicUsage } from './anthropic.usage';
import type { AnthropicStreamEvent, AnthropicUsage } from './anthropic.wire';

interface ToolBlock {
  /** Position of the call among the message's tool calls. */
  index: number;
  /** Argument text received so far (a call with none gets `{}` when its block stops). */
  received: boolean;
}

/**
 * Messages API SSE → canonical stream events (choice 0; every content event carries `block`, the
 * upstream content-block index). `message_start` → start; text/thinking/signature deltas → text and
 * reasoning (a signature closes its thinking block: `reasoning` with empty text and `signature`);
 * `redacted_thinking` → redacted_reasoning; `tool_use` → a tool_call with id and name, then its
 * `input_json_delta` fragments; `message_delta` → finish. Usage is cumulative over message_start and
 * message_delta (merged, never summed) and is emitted once at the end, when a message_delta reported
 * it. `ping` is ignored; `event: error` throws a ProviderError classified by `error.type`; a stream
 * that ends without message_stop (or mid-event) throws `upstream` / `stream_truncated`.
 */
export async function* fromAnthropicStream(
  events: AsyncIterable<SseEvent>,
  requestId: string,
): AsyncGenerator<ChatStreamEvent> {
  let usage: AnthropicUsage | undefined;
  let finalUsage = false;
  let started = false;
  let finished = false;
  let stopped = false;
  let toolCalls = 0;
  const tools = new Map<number, ToolBlock>();

  for await (const ev of events) {
    const data = parseEvent(ev);
    if (!data || data.type === 'ping') continue;
    if (data.type === 'error') throw parseAnthropicError(200, data, {});
    if (!started) {
      started = true;
      const id = data.type === 'message_start' ? data.message?.id : undefined;
      yield { type: 'start', id: id ?? requestId };
    }
    switch (data.type) {
      case 'message_start':
        if (data.message?.usage) usage = mergeAnthropicUsage(usage, data.message.usage);
        break;
      case 'content_block_start': {
        const block = data.index;
        const b = data.content_block;
        if (b.type === 'text' && typeof b.text === 'string' && b.text !== '')
          yield { type: 'text', choice: 0, text: b.text, block };
        else if (b.type === 'thinking' && typeof b.thinking === 'string' && b.thinking !== '')
          yield { type: 'reasoning', choice: 0, text: b.thinking, block };
        else if (b.type === 'redacted_thinking' && typeof b.data === 'string')
          yield { type: 'redacted_reasoning', choice: 0, data: b.data, block };
        else if (b.type === 'tool_use' && typeof b.id === 'string' && typeof b.name === 'string') {
          const index = toolCalls++;
          const input = b.input as Record<string, unknown> | undefined;
          const args =
            input && typeof input === 'object' && Object.keys(input).length > 0 ? JSON.stringify(input) : '';
          tools.set(block, { index, received: args !== '' });
          yield { type: 'tool_call', choice: 0, index, id: b.id, name: b.name, argumentsDelta: args, block };
        }
        break;
      }
      case 'content_block_delta': {
        const block = data.index;
        const d = data.delta;
        if (d.type === 'text_delta' && typeof d.text === 'string') {
          if (d.text !== '') yield { type: 'text', choice: 0, text: d.text, block };
        } else if (d.type === 'thinking_delta' && typeof d.thinking === 'string') {
          if (d.thinking !== '') yield { type: 'reasoning', choice: 0, text: d.thinking, block };
        } else if (d.type === 'signature_delta' && typeof d.signature === 'string') {
          yield { type: 'reasoning', choice: 0, text: '', signature: d.signature, block };
        } else if (d.type === 'input_json_delta' && typeof d.partial_json === 'string') {
          const tool = tools.get(block);
          if (tool && d.partial_json !== '') {
            tool.received = true;
            yield { type: 'tool_call', choice: 0, index: tool.index, argumentsDelta: d.partial_json, block };
          }
        }
        break;
      }
      case 'content_block_stop': {
        const tool = tools.get(data.index);
        if (tool && !tool.received) {
          tool.received = true;
          yield { type: 'tool_call', choice: 0, index: tool.index, argumentsDelta: '{}', block: data.index };
        }
        break;
      }
      case 'message_delta':
        if (data.usage) {
          usage = mergeAnthropicUsage(usage, data.usage);
          finalUsage = true;
        }
        if (data.delta?.stop_reason && !finished) {
          finished = true;
          yield { type: 'finish', choice: 0, reason: fromAnthropicStopReason(data.delta.stop_reason) };
        }
        break;
      case 'message_stop':
        stopped = true;
        break;
      default:
        break;
    }
  }

  const canonical = finalUsage ? fromAnthropicUsage(usage) : undefined;
  if (canonical) yield { type: 'usage', usage: canonical };
  if (!stopped) {
    throw new ProviderError({
      kind: 'upstream',
      upstreamCode: 'stream_truncated',
      message: 'Anthropic stream ended before message_stop',
    });
  }
}

function parseEvent(ev: SseEvent): AnthropicStreamEvent | undefined {
  const text = ev.data.trim();
  if (text === '') return undefined;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new ProviderError({
      kind: 'upstream',
      upstreamCode: 'stream_truncated',
      message: 'Anthropic stream sent an event that is not JSON (cut mid-event?)',
      raw: text.slice(0, 500),
    });
  }
  if (!data || typeof data !== 'object') {
    throw new ProviderError({
      kind: 'upstream',
      message: 'Anthropic stream sent an event that is not an object',
    });
  }
  const typed = data as { type?: unknown };
  // The `event:` line names the type when the data leaves it out.
  if (typeof typed.type !== 'string' && ev.event)
    return { ...(data as object), type: ev.event } as AnthropicStreamEvent;
  return data as AnthropicStreamEvent;
}
