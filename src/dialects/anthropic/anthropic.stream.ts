import { toolIdWithSignature } from '../tool-call-id';
import type { ChatStreamEvent, FinishReason, Usage } from '../../providers/core/canonical';
import { StreamBlockCounter } from '../../providers/core/stream-blocks';
import { anthropicMessageId, toAnthropicStopReason, toAnthropicUsage } from './anthropic.response';

/** One Messages SSE event: its `event:` name and its `data` object (whose `type` is the same name). */
export interface AnthropicSseEvent {
  event: string;
  data: Record<string, unknown>;
}

export interface AnthropicStreamOptions {
  /** The message id (`msg_…`, or an id `anthropicMessageId` derives one from). */
  id: string;
  publicModel: string;
  /**
   * Asked once the content ended: an event to end the stream with instead of `message_delta` and
   * `message_stop` (the `error` event of an answer that failed its response-schema check).
   */
  endWith?: () => AnthropicSseEvent | undefined;
}

/** The `event: error` of a failure, given the dialect's error body (`{type: "error", error: {…}}`). */
export function anthropicErrorEvent(body: unknown): AnthropicSseEvent {
  return { event: 'error', data: body as Record<string, unknown> };
}

/** Serialises one event as an SSE frame with its `event:` line. */
export function formatAnthropicSse(ev: AnthropicSseEvent): string {
  return `event: ${ev.event}\ndata: ${JSON.stringify(ev.data)}\n\n`;
}

/**
 * Canonical stream events → the Messages SSE sequence `@anthropic-ai/sdk` reads: `message_start`
 * (content empty), then per block `content_block_start` / `content_block_delta`… / `content_block_stop`
 * with indexes 0, 1, 2… (one block open at a time: the open one is closed before the next starts),
 * then `message_delta` (stop reason, cumulative usage) and `message_stop`. Only the first choice is
 * rendered (Messages has one). Text → `text_delta`; reasoning → a thinking block with `thinking_delta`
 * and `signature_delta`; redacted reasoning → a whole `redacted_thinking` block; a tool call → a
 * `tool_use` block whose argument fragments are `input_json_delta`s; a refusal → text, stop reason
 * `refusal`. Generated audio and images have no Messages form and are left out.
 *
 * A fragment for a tool call whose block was already closed (parallel calls interleaved by the
 * upstream, which OpenAI and Gemini do not do) is sent to that block's index, where the SDKs append it.
 */
export async function* toAnthropicEvents(
  events: AsyncIterable<ChatStreamEvent>,
  opts: AnthropicStreamOptions,
): AsyncGenerator<AnthropicSseEvent> {
  const counter = new StreamBlockCounter();
  const messageId = anthropicMessageId(opts.id);
  /** Message index of each tool call's block, by canonical block number. */
  const toolIndexes = new Map<number, number>();
  let started = false;
  /** The open block: its canonical number and its message index (-1 when none is open). */
  let openBlock = -1;
  let openIndex = -1;
  let nextIndex = 0;
  let usage: Usage | undefined;
  let finish: FinishReason | undefined;
  let refused = false;

  const close = function* (): Generator<AnthropicSseEvent> {
    if (openIndex === -1) return;
    yield { event: 'content_block_stop', data: { type: 'content_block_stop', index: openIndex } };
    openBlock = openIndex = -1;
  };
  /** Closes the open block and starts `block` as `contentBlock` (called only on a change of block). */
  const start = function* (
    block: number,
    contentBlock: Record<string, unknown>,
  ): Generator<AnthropicSseEvent> {
    yield* close();
    openBlock = block;
    openIndex = nextIndex++;
    yield {
      event: 'content_block_start',
      data: { type: 'content_block_start', index: openIndex, content_block: contentBlock },
    };
  };
  const delta = (index: number, d: Record<string, unknown>): AnthropicSseEvent => ({
    event: 'content_block_delta',
    data: { type: 'content_block_delta', index, delta: d },
  });

  for await (const ev of events) {
    if (!started) {
      started = true;
      if (ev.type === 'usage') usage = ev.usage;
      yield messageStart(messageId, opts.publicModel, usage);
    }
    switch (ev.type) {
      case 'text':
      case 'refusal': {
        if (ev.choice !== 0) break;
        if (ev.type === 'refusal') refused = true;
        const block = counter.blockOf(ev);
        if (block !== openBlock) yield* start(block, { type: 'text', text: '' });
        if (ev.text) yield delta(openIndex, { type: 'text_delta', text: ev.text });
        break;
      }
      case 'reasoning': {
        if (ev.choice !== 0) break;
        const block = counter.blockOf(ev);
        if (block !== openBlock) yield* start(block, { type: 'thinking', thinking: '', signature: '' });
        if (ev.text) yield delta(openIndex, { type: 'thinking_delta', thinking: ev.text });
        if (ev.signature) yield delta(openIndex, { type: 'signature_delta', signature: ev.signature });
        break;
      }
      case 'redacted_reasoning':
        if (ev.choice !== 0) break;
        yield* start(counter.blockOf(ev), { type: 'redacted_thinking', data: ev.data });
        yield* close();
        break;
      case 'tool_call': {
        if (ev.choice !== 0) break;
        const block = counter.blockOf(ev);
        let index = toolIndexes.get(block);
        if (index === undefined) {
          const id = toolIdWithSignature(
            ev.id ?? `toolu_${messageId.slice(4)}_${ev.index}`,
            ev.thoughtSignature,
          );
          yield* start(block, { type: 'tool_use', id, name: ev.name ?? '', input: {} });
          toolIndexes.set(block, (index = openIndex));
        }
        if (ev.argumentsDelta)
          yield delta(index, { type: 'input_json_delta', partial_json: ev.argumentsDelta });
        break;
      }
      case 'finish':
        if (ev.choice === 0) finish = ev.reason;
        break;
      case 'usage':
        usage = ev.usage;
        break;
      default:
        // start, metadata, audio, image: nothing to send.
        break;
    }
  }
  if (!started) yield messageStart(messageId, opts.publicModel, undefined);
  yield* close();
  const ending = opts.endWith?.();
  if (ending) {
    yield ending;
    return;
  }
  yield {
    event: 'message_delta',
    data: {
      type: 'message_delta',
      delta: { stop_reason: refused ? 'refusal' : toAnthropicStopReason(finish), stop_sequence: null },
      usage: toAnthropicUsage(usage),
    },
  };
  yield { event: 'message_stop', data: { type: 'message_stop' } };
}

/** `message_start`: the message with no content yet, and the usage known so far (often none). */
function messageStart(id: string, model: string, usage: Usage | undefined): AnthropicSseEvent {
  return {
    event: 'message_start',
    data: {
      type: 'message_start',
      message: {
        id,
        type: 'message',
        role: 'assistant',
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: toAnthropicUsage(usage),
      },
    },
  };
}
