import { toolIdWithSignature } from '../tool-call-id';
import type { ChatStreamEvent, FinishReason, Usage } from '../../providers/core/canonical';
import { StreamBlockCounter } from '../../providers/core/stream-blocks';
import {
  outputItemId,
  reasoningItem,
  responseObject,
  responseStatus,
  toResponsesUsage,
  type ResponseHeader,
} from './responses.response';

type Json = Record<string, unknown>;

/** One Responses SSE event: its `event:` name and its data (whose `type` is the same name). */
export interface ResponsesSseEvent {
  event: string;
  data: Json;
}

export interface ResponsesStreamOptions extends ResponseHeader {
  /**
   * Asked once the content ended: an error (`{code, message}`) to end with `response.failed` instead
   * of `response.completed` (an answer that failed its response-schema check).
   */
  endWith?: () => Json | undefined;
  /** An upstream failure mid-stream → the `error` member of `response.failed` (then the error is thrown on). */
  errorOf?: (err: unknown) => Json;
  /** Called with the final Response once `response.completed` was yielded (storage). */
  onCompleted?: (response: Json) => Promise<void>;
}

/** Serialises one event as an SSE frame with its `event:` line. */
export function formatResponsesSse(ev: ResponsesSseEvent): string {
  return `event: ${ev.event}\ndata: ${JSON.stringify(ev.data)}\n\n`;
}

/** An output item being streamed: its position, its item and (message, reasoning) its text so far. */
interface OpenItem {
  block: number;
  index: number;
  item: Json;
  text: string;
}

/**
 * Canonical stream events → the Responses SSE sequence the `openai` SDK reads: `response.created`,
 * `response.in_progress`, then per output item `output_item.added` … `output_item.done` (one open at a
 * time): text → a `message` with one `output_text` part (`content_part.added`, `output_text.delta`…,
 * `output_text.done`, `content_part.done`); reasoning → a `reasoning` item with one summary part
 * (`reasoning_summary_part.added`, `reasoning_summary_text.delta`…, `.done`s); a tool call → a
 * `function_call` item (`function_call_arguments.delta`…, `.done`). Ends with `response.completed`
 * (or `response.incomplete` on a length stop) carrying the full Response with `output` and `usage`; an
 * upstream failure → `response.failed` (then the error is thrown on). Every event has its
 * `sequence_number`. Only the first choice is rendered.
 */
export async function* toResponsesEvents(
  events: AsyncIterable<ChatStreamEvent>,
  opts: ResponsesStreamOptions,
): AsyncGenerator<ResponsesSseEvent> {
  let seq = 0;
  const ev = (type: string, data: Json): ResponsesSseEvent => ({
    event: type,
    data: { type, sequence_number: seq++, ...data },
  });
  const counter = new StreamBlockCounter();
  const output: Json[] = [];
  /** Closed tool-call items by canonical block (a late fragment is appended to its item). */
  const calls = new Map<number, OpenItem>();
  let open: OpenItem | undefined;
  let usage: Usage | undefined;
  let finish: FinishReason | undefined;

  const close = function* (): Generator<ResponsesSseEvent> {
    if (!open) return;
    const { item, index, text } = open;
    const base = { item_id: item.id, output_index: index };
    if (item.type === 'message') {
      const part = { type: 'output_text', text, annotations: [], logprobs: [] };
      yield ev('response.output_text.done', { ...base, content_index: 0, text, logprobs: [] });
      yield ev('response.content_part.done', { ...base, content_index: 0, part });
      item.content = [part];
    } else if (item.type === 'reasoning') {
      const part = { type: 'summary_text', text };
      yield ev('response.reasoning_summary_text.done', { ...base, summary_index: 0, text });
      yield ev('response.reasoning_summary_part.done', { ...base, summary_index: 0, part });
      item.summary = [part];
    } else if (item.type === 'function_call') {
      yield ev('response.function_call_arguments.done', {
        ...base,
        name: item.name,
        arguments: item.arguments,
      });
    }
    item.status = item.type === 'reasoning' ? undefined : 'completed';
    if (item.status === undefined) delete item.status;
    output[index] = item;
    yield ev('response.output_item.done', { output_index: index, item });
    open = undefined;
  };
  const start = function* (block: number, item: Json): Generator<ResponsesSseEvent> {
    yield* close();
    open = { block, index: output.length, item, text: '' };
    output.push(item);
    yield ev('response.output_item.added', { output_index: open.index, item: { ...item } });
  };

  const header = responseObject(opts, 'in_progress', [], null);
  yield ev('response.created', { response: header });
  yield ev('response.in_progress', { response: header });
  try {
    for await (const e of events) {
      switch (e.type) {
        case 'text':
        case 'refusal': {
          if (e.choice !== 0) break;
          const block = counter.blockOf(e);
          if (open?.block !== block) {
            const id = outputItemId('msg', opts.id, output.length);
            yield* start(block, {
              id,
              type: 'message',
              status: 'in_progress',
              role: 'assistant',
              content: [],
            });
            yield ev('response.content_part.added', {
              item_id: id,
              output_index: open!.index,
              content_index: 0,
              part: { type: 'output_text', text: '', annotations: [], logprobs: [] },
            });
          }
          const cur = open!;
          cur.text += e.text;
          if (e.text)
            yield ev('response.output_text.delta', {
              item_id: cur.item.id,
              output_index: cur.index,
              content_index: 0,
              delta: e.text,
              logprobs: [],
            });
          break;
        }
        case 'reasoning': {
          if (e.choice !== 0) break;
          const block = counter.blockOf(e);
          if (open?.block !== block) {
            const item = reasoningItem(outputItemId('rs', opts.id, output.length), '');
            yield* start(block, item);
            yield ev('response.reasoning_summary_part.added', {
              item_id: item.id,
              output_index: open!.index,
              summary_index: 0,
              part: { type: 'summary_text', text: '' },
            });
          }
          const cur = open!;
          if (e.signature) cur.item.encrypted_content = e.signature;
          cur.text += e.text;
          if (e.text)
            yield ev('response.reasoning_summary_text.delta', {
              item_id: cur.item.id,
              output_index: cur.index,
              summary_index: 0,
              delta: e.text,
            });
          break;
        }
        case 'tool_call': {
          if (e.choice !== 0) break;
          const block = counter.blockOf(e);
          let cur = open?.block === block ? open : calls.get(block);
          if (!cur) {
            const id = outputItemId('fc', opts.id, output.length);
            yield* start(block, {
              id,
              type: 'function_call',
              status: 'in_progress',
              call_id: toolIdWithSignature(e.id ?? `call_${id.slice(3)}`, e.thoughtSignature),
              name: e.name ?? '',
              arguments: '',
            });
            cur = open!;
            calls.set(block, cur);
          }
          if (e.argumentsDelta) {
            cur.item.arguments = String(cur.item.arguments) + e.argumentsDelta;
            yield ev('response.function_call_arguments.delta', {
              item_id: cur.item.id,
              output_index: cur.index,
              delta: e.argumentsDelta,
            });
          }
          break;
        }
        case 'finish':
          if (e.choice === 0) finish = e.reason;
          break;
        case 'usage':
          usage = e.usage;
          break;
        default:
          // start, metadata, redacted reasoning, audio, image: no Responses form here.
          break;
      }
    }
  } catch (err) {
    yield* close();
    const error = opts.errorOf?.(err) ?? { code: 'server_error', message: 'upstream stream failed' };
    const failed = responseObject(opts, 'failed', output, toResponsesUsage(usage));
    failed.error = error;
    yield ev('response.failed', { response: failed });
    throw err;
  }
  yield* close();
  const failure = opts.endWith?.();
  if (failure) {
    const failed = responseObject(opts, 'failed', output, toResponsesUsage(usage));
    failed.error = failure;
    yield ev('response.failed', { response: failed });
    return;
  }
  const { status, incomplete_details } = responseStatus(finish);
  const final = responseObject(opts, status, output, toResponsesUsage(usage), incomplete_details);
  yield ev(status === 'completed' ? 'response.completed' : 'response.incomplete', { response: final });
  await opts.onCompleted?.(final);
}
