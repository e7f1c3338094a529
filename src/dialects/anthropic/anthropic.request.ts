import type {
  ChatMessage,
  ChatRequest,
  ReasoningOptions,
  ToolChoice,
  ToolDefinition,
} from '../../providers/core/canonical';
import { parseAssistantContent, parseSystem, parseUserContent, type BlockSink } from './anthropic.blocks';
import {
  fail,
  type Json,
  optBoolean,
  optCacheControl,
  optInteger,
  optNumber,
  optString,
  requireArray,
  requireObject,
  requireString,
} from './anthropic.fields';
import { optIntIn, TOKEN_LIMIT } from '../field-ranges';

/** A Messages body once parsed. */
export interface ParsedAnthropicMessages {
  publicModel: string;
  stream: boolean;
  /** The client's body, forwarded unchanged on passthrough (unknown fields included). */
  body: Json;
  request: ChatRequest;
  /**
   * Paths of content blocks the canonical schema has no place for (server tools' blocks…): kept by the
   * passthrough, absent from a translation.
   */
  skippedBlocks: string[];
}

/**
 * `POST /v1/messages` body → canonical request. Throws DialectValidationError naming the dotted field
 * (`max_tokens`, `messages[2].content[0].source.data`). Unknown top-level fields are not translated;
 * the passthrough keeps them, since it forwards the raw body.
 */
export function fromAnthropicMessagesRequest(raw: unknown): ParsedAnthropicMessages {
  return parseBody(raw, true);
}

/**
 * `POST /v1/messages/count_tokens` body (a Messages body without `max_tokens`) → the canonical request
 * whose prompt a local estimate counts.
 */
export function parseAnthropicCountTokens(raw: unknown): ParsedAnthropicMessages {
  return parseBody(raw, false);
}

/** The count_tokens answer: `{"input_tokens": n}`. */
export function anthropicCountTokensAnswer(tokens: number): { input_tokens: number } {
  return { input_tokens: tokens };
}

function parseBody(raw: unknown, messagesCall: boolean): ParsedAnthropicMessages {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail('body', 'must be a JSON object');
  const b = raw as Json;
  const publicModel = requireString(b.model, 'model');
  if (!publicModel) fail('model', 'is required');
  const maxTokens = optIntIn(b.max_tokens, 'max_tokens', TOKEN_LIMIT);
  if (messagesCall && maxTokens === undefined) fail('max_tokens', 'is required');
  const stream = (messagesCall && optBoolean(b.stream, 'stream')) || false;
  const sink: BlockSink = { skipped: [] };
  const messages = parseMessages(b, sink);
  const metadata =
    b.metadata === undefined || b.metadata === null ? undefined : requireObject(b.metadata, 'metadata');
  const request: ChatRequest = {
    messages,
    stream,
    maxTokens,
    temperature: optNumber(b.temperature, 'temperature', 0, 1),
    topP: optNumber(b.top_p, 'top_p', 0, 1),
    topK: optInteger(b.top_k, 'top_k', 0),
    stop: parseStopSequences(b.stop_sequences),
    tools: parseTools(b.tools),
    toolChoice: undefined,
    parallelToolCalls: undefined,
    reasoning: parseThinking(b.thinking),
    user: metadata ? optString(metadata.user_id, 'metadata.user_id') : undefined,
  };
  parseToolChoice(b.tool_choice, request);
  return { publicModel, stream, body: b, request, skippedBlocks: sink.skipped };
}

/** The system prompt first, then the turns in order; each turn's blocks keep their order. */
function parseMessages(b: Json, sink: BlockSink): ChatMessage[] {
  const out: ChatMessage[] = [];
  if (b.system !== undefined && b.system !== null) {
    const content = parseSystem(b.system, 'system');
    if (content.length > 0) out.push({ role: 'system', content });
  }
  const list = requireArray(b.messages, 'messages');
  list.forEach((raw, i) => {
    const path = `messages[${i}]`;
    const m = requireObject(raw, path);
    if (m.content === undefined || m.content === null) fail(`${path}.content`, 'is required');
    if (m.role === 'user')
      out.push({ role: 'user', content: parseUserContent(m.content, `${path}.content`, sink) });
    else if (m.role === 'assistant')
      out.push({ role: 'assistant', content: parseAssistantContent(m.content, `${path}.content`, sink) });
    else fail(`${path}.role`, "must be 'user' or 'assistant'");
  });
  return out;
}

function parseStopSequences(v: unknown): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  const list = requireArray(v, 'stop_sequences');
  list.forEach((s, i) => requireString(s, `stop_sequences[${i}]`));
  return list.length > 0 ? (list as string[]) : undefined;
}

/**
 * Client tools (`{name, description, input_schema, cache_control}`, `type` absent or `custom`) →
 * function tools; Anthropic's server tools (`{type: "web_search_20250305", name, …}`) → built-ins
 * named by their type, with their settings as config.
 */
function parseTools(v: unknown): ToolDefinition[] | undefined {
  if (v === undefined || v === null) return undefined;
  return requireArray(v, 'tools').map((raw, i): ToolDefinition => {
    const path = `tools[${i}]`;
    const t = requireObject(raw, path);
    if (t.type !== undefined && t.type !== null && t.type !== 'custom') {
      const type = requireString(t.type, `${path}.type`);
      const { type: _type, ...config } = t;
      return { type: 'builtin', name: type, config };
    }
    const name = requireString(t.name, `${path}.name`);
    if (!name) fail(`${path}.name`, 'must not be empty');
    const tool: ToolDefinition = {
      type: 'function',
      name,
      parameters: requireObject(t.input_schema, `${path}.input_schema`),
    };
    const description = optString(t.description, `${path}.description`);
    if (description !== undefined) tool.description = description;
    const strict = optBoolean(t.strict, `${path}.strict`);
    if (strict !== undefined) tool.strict = strict;
    const cacheControl = optCacheControl(t.cache_control, `${path}.cache_control`);
    if (cacheControl) tool.cacheControl = cacheControl;
    return tool;
  });
}

/** auto → auto, any → required, tool → {name}, none → none; `disable_parallel_tool_use` → parallelToolCalls false. */
function parseToolChoice(v: unknown, req: ChatRequest): void {
  if (v === undefined || v === null) return;
  const c = requireObject(v, 'tool_choice');
  let choice: ToolChoice;
  switch (c.type) {
    case 'auto':
      choice = 'auto';
      break;
    case 'any':
      choice = 'required';
      break;
    case 'none':
      choice = 'none';
      break;
    case 'tool':
      choice = { name: requireString(c.name, 'tool_choice.name') };
      break;
    default:
      fail('tool_choice.type', "must be one of 'auto', 'any', 'tool', 'none'");
  }
  req.toolChoice = choice;
  const disable = optBoolean(c.disable_parallel_tool_use, 'tool_choice.disable_parallel_tool_use');
  if (disable !== undefined) req.parallelToolCalls = !disable;
}

/**
 * `thinking`: enabled with `budget_tokens` → enabled with that budget, thoughts included; adaptive →
 * enabled (the model decides the budget); disabled → disabled. `display: "omitted"` → thoughts not
 * returned.
 */
function parseThinking(v: unknown): ReasoningOptions | undefined {
  if (v === undefined || v === null) return undefined;
  const t = requireObject(v, 'thinking');
  let out: ReasoningOptions;
  switch (t.type) {
    case 'enabled': {
      const budget = optInteger(t.budget_tokens, 'thinking.budget_tokens', 0);
      if (budget === undefined)
        fail('thinking.budget_tokens', "is required when 'thinking.type' is 'enabled'");
      out = { enabled: true, budgetTokens: budget, includeThoughts: true };
      break;
    }
    case 'adaptive':
      out = { enabled: true, includeThoughts: true };
      break;
    case 'disabled':
      return { enabled: false };
    default:
      fail('thinking.type', "must be one of 'enabled', 'disabled', 'adaptive'");
  }
  if (t.display === 'omitted') out.includeThoughts = false;
  return out;
}
