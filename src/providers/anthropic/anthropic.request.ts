import type { ChatRequest, ReasoningOptions, ToolDefinition } from '../core/canonical';
import {
  toAnthropicAssistantBlocks,
  toAnthropicCacheControl,
  toAnthropicText,
  toAnthropicUserBlocks,
} from './anthropic.content';
import { invalidParam } from './anthropic.errors';
import type {
  AnthropicMessage,
  AnthropicMessagesRequest,
  AnthropicTextBlock,
  AnthropicTool,
  AnthropicToolChoice,
} from './anthropic.wire';

/** `max_tokens` is required by the Messages API: the request's, else this. */
export const DEFAULT_MAX_TOKENS = 4096;

/** Anthropic's smallest thinking budget. */
export const MIN_THINKING_BUDGET = 1024;

/** `reasoning_effort` → `thinking.budget_tokens` when the request gives no budget. */
export const THINKING_BUDGET_BY_EFFORT: Readonly<Record<'minimal' | 'low' | 'medium' | 'high', number>> = {
  minimal: 1024,
  low: 1024,
  medium: 2048,
  high: 4096,
};

/**
 * Canonical request → `POST /v1/messages` body. Pure.
 * - System messages (wherever they are) → `system` text blocks, `cache_control` kept.
 * - Turns keep their blocks in order; consecutive turns of one role are merged (tool results of
 *   several OpenAI `tool` messages become one user turn).
 * - `reasoning` → `thinking: {type: "enabled", budget_tokens}` (see `thinkingOf`); none/disable → none.
 *   With thinking on, temperature, top_p and top_k are left out (Anthropic refuses them with thinking).
 * - `response_format: json_schema` → structured outputs (`output_config.format`); `json_object` is
 *   refused (no JSON mode without a schema). `n > 1`, `logprobs`, audio output and other providers'
 *   built-in tools are refused naming the field; seed and penalties are dropped (no equivalent).
 * - `user` → `metadata.user_id`; `extensions.anthropic` fields are merged in unchanged.
 */
export function toAnthropicRequest(req: ChatRequest, upstreamModel: string): AnthropicMessagesRequest {
  refuseUnsupported(req);
  const system: AnthropicTextBlock[] = [];
  const messages: AnthropicMessage[] = [];
  req.messages.forEach((m, i) => {
    const param = `messages[${i}].content`;
    if (m.role === 'system') {
      m.content.forEach((b, j) => {
        if (b.type !== 'text')
          throw invalidParam(`${param}[${j}]`, 'an Anthropic system prompt is text only');
        if (b.text !== '') system.push(toAnthropicText(b.text, b.cacheControl));
      });
      return;
    }
    const blocks =
      m.role === 'user'
        ? toAnthropicUserBlocks(m.content, param)
        : toAnthropicAssistantBlocks(m.content, param);
    if (blocks.length === 0) return;
    const last = messages[messages.length - 1];
    if (last && last.role === m.role) last.content.push(...blocks);
    else messages.push({ role: m.role, content: blocks });
  });

  const thinking = thinkingOf(req.reasoning, req.maxTokens);
  const body: AnthropicMessagesRequest = {
    ...(req.extensions?.anthropic ?? {}),
    model: upstreamModel,
    max_tokens: thinking?.maxTokens ?? req.maxTokens ?? DEFAULT_MAX_TOKENS,
    messages,
  };
  if (system.length > 0) body.system = system;
  if (req.stream) body.stream = true;
  if (req.stop?.length) body.stop_sequences = req.stop;
  // Extended thinking refuses temperature ≠ 1, top_k and top_p < 0.95: with thinking they are left out.
  if (!thinking) {
    if (req.temperature !== undefined) body.temperature = req.temperature;
    if (req.topP !== undefined) body.top_p = req.topP;
    if (req.topK !== undefined) body.top_k = req.topK;
  }
  if (req.user) body.metadata = { user_id: req.user };
  if (req.tools?.length) {
    body.tools = req.tools.map(toAnthropicTool);
    const choice = toolChoiceOf(req);
    if (choice) body.tool_choice = choice;
  }
  if (thinking) body.thinking = { type: 'enabled', budget_tokens: thinking.budget };
  if (req.responseFormat?.type === 'json_schema')
    body.output_config = { format: { type: 'json_schema', schema: req.responseFormat.schema } };
  return body;
}

function refuseUnsupported(req: ChatRequest): void {
  if (req.n !== undefined && req.n > 1) throw invalidParam('n', 'Anthropic answers with one choice only');
  if (req.logprobs) throw invalidParam('logprobs', 'Anthropic does not return log probabilities');
  if (req.audio || req.modalities?.some((m) => m !== 'text'))
    throw invalidParam('modalities', 'Anthropic models answer with text only');
  if (req.responseFormat?.type === 'json_object')
    throw invalidParam(
      'response_format',
      'Anthropic has no JSON mode without a schema; use {"type": "json_schema"} (structured outputs)',
    );
}

/**
 * The thinking budget and the `max_tokens` to send with it, or undefined for no thinking.
 * An explicit `budgetTokens` wins (raised to Anthropic's minimum, 1,024); otherwise the effort's
 * budget (low 1,024, medium 2,048, high 4,096; `enabled` alone is medium). The budget must stay below
 * `max_tokens`: without a request limit `max_tokens` becomes budget + 4,096; with one, an effort's
 * budget shrinks to half of it (at least 1,024), and an explicit budget that does not fit is refused.
 */
export function thinkingOf(
  r: ReasoningOptions | undefined,
  maxTokens: number | undefined,
): { budget: number; maxTokens: number } | undefined {
  if (!r || r.effort === 'none' || r.effort === 'disable' || r.enabled === false) return undefined;
  let budget: number;
  const explicit = r.budgetTokens !== undefined;
  if (r.budgetTokens !== undefined) {
    if (r.budgetTokens <= 0) return undefined;
    budget = Math.max(MIN_THINKING_BUDGET, Math.floor(r.budgetTokens));
  } else if (r.effort) budget = THINKING_BUDGET_BY_EFFORT[r.effort];
  else if (r.enabled) budget = THINKING_BUDGET_BY_EFFORT.medium;
  else return undefined;

  if (maxTokens === undefined) {
    return {
      budget,
      maxTokens: budget < DEFAULT_MAX_TOKENS ? DEFAULT_MAX_TOKENS : budget + DEFAULT_MAX_TOKENS,
    };
  }
  if (budget < maxTokens) return { budget, maxTokens };
  if (!explicit) {
    const shrunk = Math.max(MIN_THINKING_BUDGET, Math.floor(maxTokens / 2));
    if (shrunk < maxTokens) return { budget: shrunk, maxTokens };
  }
  throw invalidParam(
    'max_tokens',
    `must be greater than the thinking budget (${budget}); Anthropic's smallest budget is ${MIN_THINKING_BUDGET}`,
  );
}

function toAnthropicTool(t: ToolDefinition, i: number): AnthropicTool {
  if (t.type !== 'function') {
    throw invalidParam(
      `tools[${i}]`,
      `tool "${t.name}" is a built-in tool of another provider; this deployment speaks Anthropic`,
    );
  }
  const schema = t.parameters ?? { type: 'object', properties: {} };
  const tool: AnthropicTool = {
    name: t.name,
    input_schema: schema.type === undefined ? { type: 'object', ...schema } : schema,
  };
  if (t.description) tool.description = t.description;
  const cc = toAnthropicCacheControl(t.cacheControl);
  if (cc) tool.cache_control = cc;
  return tool;
}

/** auto → auto, none → none, required → any, {name} → tool; `parallel_tool_calls: false` → disable_parallel_tool_use. */
function toolChoiceOf(req: ChatRequest): AnthropicToolChoice | undefined {
  const c = req.toolChoice;
  const serial = req.parallelToolCalls === false;
  let out: AnthropicToolChoice;
  if (c === undefined) {
    if (!serial) return undefined;
    out = { type: 'auto' };
  } else if (c === 'auto') out = { type: 'auto' };
  else if (c === 'none') return { type: 'none' };
  else if (c === 'required') out = { type: 'any' };
  else out = { type: 'tool', name: c.name };
  if (serial) out.disable_parallel_tool_use = true;
  return out;
}
