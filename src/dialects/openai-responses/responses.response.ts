import { toolIdWithSignature } from '../tool-call-id';
import { randomUUID } from 'node:crypto';
import type { AssistantMessage, ChatResponse, FinishReason, Usage } from '../../providers/core/canonical';

type Json = Record<string, unknown>;

/** What a Response object says besides its output: its id, time and public model. */
export interface ResponseHeader {
  /** `resp_<32 hex>` (newResponseId). */
  id: string;
  publicModel: string;
  /** Unix seconds. */
  createdAt: number;
  /** The stored response this one continues, echoed as `previous_response_id`. */
  previousResponseId?: string;
}

/** A fresh Response id: `resp_` and 32 hex digits. */
export function newResponseId(): string {
  return `resp_${randomUUID().replace(/-/g, '')}`;
}

/** An output item's id: its kind's prefix (`msg`, `fc`, `rs`), the response's hex and the item's position. */
export function outputItemId(prefix: 'msg' | 'fc' | 'rs', responseId: string, index: number): string {
  return `${prefix}_${responseId.replace(/^resp_/, '')}${index.toString(16).padStart(2, '0')}`;
}

/** Canonical usage → Responses `usage` (zeros when the upstream reported none). */
export function toResponsesUsage(u: Usage | undefined): Json {
  const input = u?.promptTokens ?? 0;
  const output = u?.completionTokens ?? 0;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: u?.cachedTokens ?? 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: u?.reasoningTokens ?? 0 },
    total_tokens: input + output,
  };
}

/** `status` and `incomplete_details` for a finish reason. */
export function responseStatus(reason: FinishReason | undefined): {
  status: 'completed' | 'incomplete';
  incomplete_details: Json | null;
} {
  if (reason === 'length')
    return { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } };
  if (reason === 'content_filter')
    return { status: 'incomplete', incomplete_details: { reason: 'content_filter' } };
  return { status: 'completed', incomplete_details: null };
}

/** The Response object around `output` (the members the SDK types require, with neutral values). */
export function responseObject(
  h: ResponseHeader,
  status: string,
  output: Json[],
  usage: Json | null,
  incompleteDetails: Json | null = null,
): Json {
  return {
    id: h.id,
    object: 'response',
    created_at: h.createdAt,
    status,
    error: null,
    incomplete_details: incompleteDetails,
    model: h.publicModel,
    output,
    parallel_tool_calls: true,
    previous_response_id: h.previousResponseId ?? null,
    tool_choice: 'auto',
    tools: [],
    usage,
  };
}

/**
 * An assistant message → output items in the model's order: thinking → a `reasoning` item (its text
 * as one summary part, its signature as `encrypted_content`), adjacent text blocks → one `message` with
 * an `output_text` part each, a tool use → a `function_call` item.
 */
export function toOutputItems(message: AssistantMessage, responseId: string): Json[] {
  const items: Json[] = [];
  let open: Json[] | undefined;
  for (const b of message.content) {
    if (b.type === 'text') {
      if (!open) {
        open = [];
        items.push({
          id: outputItemId('msg', responseId, items.length),
          type: 'message',
          status: 'completed',
          role: 'assistant',
          content: open,
        });
      }
      open.push({ type: 'output_text', text: b.text, annotations: [], logprobs: [] });
      continue;
    }
    open = undefined;
    if (b.type === 'thinking')
      items.push(reasoningItem(outputItemId('rs', responseId, items.length), b.thinking, b.signature));
    else if (b.type === 'tool_use')
      items.push({
        id: outputItemId('fc', responseId, items.length),
        type: 'function_call',
        status: 'completed',
        call_id: toolIdWithSignature(b.id, b.thoughtSignature),
        name: b.name,
        arguments: b.arguments,
      });
  }
  if (message.refusal)
    items.push({
      id: outputItemId('msg', responseId, items.length),
      type: 'message',
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'refusal', refusal: message.refusal }],
    });
  return items;
}

/** A `reasoning` output item. */
export function reasoningItem(id: string, text: string, signature?: string): Json {
  return {
    id,
    type: 'reasoning',
    summary: text ? [{ type: 'summary_text', text }] : [],
    ...(signature ? { encrypted_content: signature } : {}),
  };
}

/** Canonical answer → Response object (first choice). */
export function toResponsesObject(resp: ChatResponse, h: ResponseHeader): Json {
  const choice = resp.choices[0];
  const output = choice ? toOutputItems(choice.message, h.id) : [];
  const { status, incomplete_details } = responseStatus(choice?.finishReason);
  return responseObject(h, status, output, toResponsesUsage(resp.usage), incomplete_details);
}
