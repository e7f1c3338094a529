import { shown } from '../dialect-validation-error';
import { splitToolId, toolUseFromClient } from '../tool-call-id';
import type {
  AssistantBlock,
  ChatMessage,
  ChatRequest,
  MediaBlock,
  ReasoningEffort,
  ResponseFormat,
  ToolChoice,
  ToolDefinition,
  UserBlock,
} from '../../providers/core/canonical';
import {
  fail,
  type Json,
  optBoolean,
  optInteger,
  optNumber,
  optString,
  requireArray,
  requireObject,
  requireString,
} from '../anthropic/anthropic.fields';
import { optIntIn, TOKEN_LIMIT } from '../field-ranges';

/** A Responses body once parsed. */
export interface ParsedResponsesRequest {
  publicModel: string;
  stream: boolean;
  /** Save the answer for `previous_response_id` and `GET /v1/responses/{id}` (default true). */
  store: boolean;
  /** The stored response whose conversation comes before `input`. */
  previousResponseId?: string;
  body: Json;
  request: ChatRequest;
}

const EFFORTS: readonly ReasoningEffort[] = ['none', 'minimal', 'low', 'medium', 'high'];

/**
 * `POST /v1/responses` body → canonical request. `instructions` → a system message; `input` (a string,
 * or items: messages, `function_call`, `function_call_output`, `reasoning`) → turns in order. Throws
 * DialectValidationError naming the dotted field.
 */
export function fromResponsesRequest(raw: unknown): ParsedResponsesRequest {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail('body', 'must be a JSON object');
  const b = raw as Json;
  const publicModel = requireString(b.model, 'model');
  if (!publicModel) fail('model', 'is required');
  const stream = optBoolean(b.stream, 'stream') ?? false;
  const store = optBoolean(b.store, 'store') ?? true;
  const previousResponseId = optString(b.previous_response_id, 'previous_response_id');
  if (b.conversation !== undefined && b.conversation !== null)
    fail('conversation', 'is not supported by this gateway; use previous_response_id');
  if (b.background === true) fail('background', 'is not supported by this gateway');
  const messages: ChatMessage[] = [];
  const instructions = optString(b.instructions, 'instructions');
  if (instructions) messages.push({ role: 'system', content: [{ type: 'text', text: instructions }] });
  messages.push(...responsesInputToMessages(b.input, 'input'));
  const metadata =
    b.metadata === undefined || b.metadata === null ? undefined : requireObject(b.metadata, 'metadata');
  const request: ChatRequest = {
    messages,
    stream,
    maxTokens: optIntIn(b.max_output_tokens, 'max_output_tokens', TOKEN_LIMIT),
    temperature: optNumber(b.temperature, 'temperature', 0, 2),
    topP: optNumber(b.top_p, 'top_p', 0, 1),
    tools: parseTools(b.tools),
    toolChoice: parseToolChoice(b.tool_choice),
    parallelToolCalls: optBoolean(b.parallel_tool_calls, 'parallel_tool_calls'),
    responseFormat: parseTextFormat(b.text),
    reasoning: parseReasoning(b.reasoning),
    user: optString(b.user, 'user') ?? optString(b.safety_identifier, 'safety_identifier'),
    ...(metadata ? { metadata } : {}),
  };
  const topLogprobs = optInteger(b.top_logprobs, 'top_logprobs', 0);
  if (topLogprobs !== undefined) {
    request.logprobs = true;
    request.topLogprobs = topLogprobs;
  }
  return {
    publicModel,
    stream,
    store,
    ...(previousResponseId ? { previousResponseId } : {}),
    body: b,
    request,
  };
}

/**
 * `input` (or a stored Response's `output`) → canonical turns. Consecutive assistant items (reasoning,
 * message, function_call) make one assistant turn; consecutive user items and `function_call_output`s
 * one user turn.
 */
export function responsesInputToMessages(v: unknown, path: string): ChatMessage[] {
  if (typeof v === 'string') return [{ role: 'user', content: [{ type: 'text', text: v }] }];
  const out: ChatMessage[] = [];
  const push = (role: 'user' | 'assistant' | 'system', blocks: Array<UserBlock | AssistantBlock>) => {
    const last = out[out.length - 1];
    if (role !== 'system' && last && last.role === role) {
      (last.content as Array<UserBlock | AssistantBlock>).push(...blocks);
      return;
    }
    out.push({ role, content: blocks } as ChatMessage);
  };
  requireArray(v, path).forEach((raw, i) => {
    const p = `${path}[${i}]`;
    const item = requireObject(raw, p);
    const type = item.type ?? 'message';
    switch (type) {
      case 'message': {
        const role = item.role;
        if (role === 'system' || role === 'developer')
          push('system', mediaContent(item.content, `${p}.content`));
        else if (role === 'user') push('user', mediaContent(item.content, `${p}.content`));
        else if (role === 'assistant') push('assistant', assistantContent(item.content, `${p}.content`));
        else fail(`${p}.role`, "must be 'user', 'assistant', 'system' or 'developer'");
        break;
      }
      case 'function_call':
        push('assistant', [
          toolUseFromClient(
            requireString(item.call_id, `${p}.call_id`),
            requireString(item.name, `${p}.name`),
            optString(item.arguments, `${p}.arguments`) ?? '{}',
          ),
        ]);
        break;
      case 'function_call_output': {
        const output = item.output;
        const content: MediaBlock[] =
          typeof output === 'string' ? [{ type: 'text', text: output }] : mediaContent(output, `${p}.output`);
        push('user', [
          {
            type: 'tool_result',
            toolUseId: splitToolId(requireString(item.call_id, `${p}.call_id`)).id,
            content,
          },
        ]);
        break;
      }
      case 'reasoning': {
        const summary = Array.isArray(item.summary) ? (item.summary as Json[]) : [];
        const text = summary.map((s) => (typeof s?.text === 'string' ? s.text : '')).join('\n');
        const encrypted = optString(item.encrypted_content, `${p}.encrypted_content`);
        if (text || encrypted)
          push('assistant', [
            { type: 'thinking', thinking: text, ...(encrypted ? { signature: encrypted } : {}) },
          ]);
        break;
      }
      case 'item_reference':
        fail(`${p}.type`, "'item_reference' is not supported by this gateway; use previous_response_id");
      // falls through (fail never returns)
      default:
        fail(`${p}.type`, `'${shown(type)}' is not supported by this gateway`);
    }
  });
  return out;
}

function mediaContent(v: unknown, path: string): MediaBlock[] {
  if (typeof v === 'string') return [{ type: 'text', text: v }];
  return requireArray(v, path).map((raw, i): MediaBlock => {
    const p = `${path}[${i}]`;
    const part = requireObject(raw, p);
    switch (part.type) {
      case 'input_text':
      case 'output_text':
        return { type: 'text', text: requireString(part.text, `${p}.text`) };
      case 'input_image': {
        const url = optString(part.image_url, `${p}.image_url`) ?? optString(part.file_id, `${p}.file_id`);
        if (!url) fail(`${p}.image_url`, 'is required');
        const detail = optString(part.detail, `${p}.detail`);
        return { type: 'image', url, ...(detail ? { detail: detail as 'low' | 'high' | 'auto' } : {}) };
      }
      case 'input_file': {
        const data = optString(part.file_data, `${p}.file_data`);
        const uri = optString(part.file_url, `${p}.file_url`) ?? optString(part.file_id, `${p}.file_id`);
        if (!data && !uri) fail(`${p}.file_data`, 'or file_url or file_id is required');
        const filename = optString(part.filename, `${p}.filename`);
        return {
          type: 'file',
          ...(data ? { data } : {}),
          ...(uri ? { uri } : {}),
          ...(filename ? { filename } : {}),
        };
      }
      default:
        return fail(`${p}.type`, "must be 'input_text', 'input_image' or 'input_file'");
    }
  });
}

function assistantContent(v: unknown, path: string): AssistantBlock[] {
  if (typeof v === 'string') return [{ type: 'text', text: v }];
  const out: AssistantBlock[] = [];
  requireArray(v, path).forEach((raw, i) => {
    const p = `${path}[${i}]`;
    const part = requireObject(raw, p);
    if (part.type === 'output_text' || part.type === 'input_text')
      out.push({ type: 'text', text: requireString(part.text, `${p}.text`) });
    else if (part.type === 'refusal')
      out.push({ type: 'text', text: requireString(part.refusal, `${p}.refusal`) });
    else fail(`${p}.type`, "must be 'output_text' or 'refusal'");
  });
  return out;
}

/** Function tools (flat shape); any other tool type → 400 naming it. */
function parseTools(v: unknown): ToolDefinition[] | undefined {
  if (v === undefined || v === null) return undefined;
  return requireArray(v, 'tools').map((raw, i): ToolDefinition => {
    const p = `tools[${i}]`;
    const t = requireObject(raw, p);
    if (t.type !== 'function')
      fail(`${p}.type`, `'${shown(t.type)}' tools are not supported by this gateway`);
    const tool: ToolDefinition = { type: 'function', name: requireString(t.name, `${p}.name`) };
    const description = optString(t.description, `${p}.description`);
    if (description !== undefined) tool.description = description;
    if (t.parameters !== undefined && t.parameters !== null)
      tool.parameters = requireObject(t.parameters, `${p}.parameters`);
    const strict = optBoolean(t.strict, `${p}.strict`);
    if (strict !== undefined) tool.strict = strict;
    return tool;
  });
}

function parseToolChoice(v: unknown): ToolChoice | undefined {
  if (v === undefined || v === null) return undefined;
  if (v === 'auto' || v === 'none' || v === 'required') return v;
  const c = requireObject(v, 'tool_choice');
  if (c.type === 'function') return { name: requireString(c.name, 'tool_choice.name') };
  return fail('tool_choice', "must be 'auto', 'none', 'required' or {type: 'function', name}");
}

/** `text.format`: json_schema (flat: name, schema, strict) / json_object / text. */
function parseTextFormat(v: unknown): ResponseFormat | undefined {
  if (v === undefined || v === null) return undefined;
  const text = requireObject(v, 'text');
  if (text.format === undefined || text.format === null) return undefined;
  const f = requireObject(text.format, 'text.format');
  switch (f.type) {
    case 'text':
      return { type: 'text' };
    case 'json_object':
      return { type: 'json_object' };
    case 'json_schema': {
      const strict = optBoolean(f.strict, 'text.format.strict');
      return {
        type: 'json_schema',
        name: optString(f.name, 'text.format.name'),
        schema: requireObject(f.schema, 'text.format.schema'),
        ...(strict !== undefined ? { strict } : {}),
      };
    }
    default:
      return fail('text.format.type', "must be 'text', 'json_object' or 'json_schema'");
  }
}

function parseReasoning(v: unknown): ChatRequest['reasoning'] {
  if (v === undefined || v === null) return undefined;
  const r = requireObject(v, 'reasoning');
  const effort = optString(r.effort, 'reasoning.effort');
  if (effort === undefined) return r.summary ? { includeThoughts: true } : undefined;
  if (!EFFORTS.includes(effort as ReasoningEffort))
    fail('reasoning.effort', `must be one of ${EFFORTS.map((e) => `'${e}'`).join(', ')}`);
  return { effort: effort as ReasoningEffort, ...(r.summary ? { includeThoughts: true } : {}) };
}
