import { createHmac } from 'node:crypto';

/** A JSON object as the fake reads it. */
export type Json = Record<string, unknown>;

/** One Messages API content block as the fake reads it (`type` plus the fields of that type). */
export type ContentBlock = Json & { type: string };

/** A message of the request, its string content read as one text block. */
export interface RequestMessage {
  role: string;
  blocks: ContentBlock[];
}

const SIGNING_KEY = 'fake-anthropic-signing-key';
const THINKING_DOCS = 'https://docs.claude.com/en/docs/build-with-claude/extended-thinking';

/** The `signature` the fake gives a thinking block: bound to its text, so an edited block fails. */
export function signThinking(thinking: string): string {
  const mac = createHmac('sha256', SIGNING_KEY).update(`thinking:${thinking}`).digest('base64');
  return Buffer.from(`fakesig.${mac}`).toString('base64');
}

/** The opaque `data` of a redacted_thinking block: a nonce and its MAC, so an edited block fails. */
export function redactedThinkingData(nonce: string): string {
  const mac = createHmac('sha256', SIGNING_KEY).update(`redacted:${nonce}`).digest('base64');
  return Buffer.from(`fakeredacted.${nonce}.${mac}`).toString('base64');
}

function validRedactedData(data: unknown): boolean {
  if (typeof data !== 'string') return false;
  const match = /^fakeredacted\.([^.]+)\./.exec(Buffer.from(data, 'base64').toString('utf8'));
  return match !== null && redactedThinkingData(match[1]) === data;
}

/** The request's messages with string content read as one text block (invalid shapes left to the rules). */
export function readMessages(body: Json): RequestMessage[] {
  const messages = Array.isArray(body.messages) ? (body.messages as Json[]) : [];
  return messages.map((m) => ({
    role: String(m?.role),
    blocks:
      typeof m?.content === 'string'
        ? [{ type: 'text', text: m.content }]
        : Array.isArray(m?.content)
          ? (m.content as ContentBlock[])
          : [],
  }));
}

/** Whether the request turns extended thinking on (`enabled` with a budget, or `adaptive`). */
export function thinkingEnabled(body: Json): boolean {
  const type = (body.thinking as Json | undefined)?.type;
  return type === 'enabled' || type === 'adaptive';
}

/**
 * The first rule of the Messages API the request breaks, as Anthropic words it (a 400
 * `invalid_request_error`), or undefined. `countTokens`: the count_tokens endpoint (no max_tokens).
 */
export function requestError(
  body: Json,
  opts: { countTokens?: boolean; strictAlternation?: boolean } = {},
): string | undefined {
  if (typeof body.model !== 'string' || body.model === '') return 'model: Field required';
  if (!opts.countTokens) {
    if (body.max_tokens === undefined) return 'max_tokens: Field required';
    if (!Number.isInteger(body.max_tokens)) return 'max_tokens: Input should be a valid integer';
    if ((body.max_tokens as number) < 1) return 'max_tokens: Input should be greater than or equal to 1';
  }
  if (!Array.isArray(body.messages)) return 'messages: Field required';
  if (body.messages.length === 0) return 'messages: at least one message is required';
  return (
    thinkingConfigError(body, opts.countTokens === true) ??
    messagesShapeError(body, opts.strictAlternation !== false) ??
    toolPairingError(readMessages(body)) ??
    thinkingReplayError(body)
  );
}

function thinkingConfigError(body: Json, countTokens: boolean): string | undefined {
  const thinking = body.thinking as Json | undefined;
  if (thinking === undefined) return undefined;
  if (!['enabled', 'disabled', 'adaptive'].includes(String(thinking.type)))
    return "thinking.type: Input should be 'enabled', 'disabled' or 'adaptive'";
  if (thinking.type !== 'enabled') return undefined;
  const budget = thinking.budget_tokens;
  if (budget === undefined) return 'thinking.enabled.budget_tokens: Field required';
  if (!Number.isInteger(budget)) return 'thinking.enabled.budget_tokens: Input should be a valid integer';
  if ((budget as number) < 1024)
    return 'thinking.enabled.budget_tokens: Input should be greater than or equal to 1024';
  if (!countTokens && (body.max_tokens as number) <= (budget as number))
    return `\`max_tokens\` must be greater than \`thinking.budget_tokens\`. Please consult our documentation at ${THINKING_DOCS}#max-tokens-and-context-window-size`;
  if (body.temperature !== undefined && body.temperature !== 1)
    return (
      '`temperature` may only be set to 1 when thinking is enabled or in adaptive mode. Please consult our documentation at ' +
      THINKING_DOCS
    );
  return undefined;
}

function messagesShapeError(body: Json, strictAlternation: boolean): string | undefined {
  const raw = body.messages as Json[];
  for (const [i, m] of raw.entries()) {
    if (m === null || typeof m !== 'object') return `messages.${i}: Input should be a valid dictionary`;
    if (m.role !== 'user' && m.role !== 'assistant')
      return `messages.${i}.role: Input should be 'user' or 'assistant'`;
    if (typeof m.content !== 'string' && !Array.isArray(m.content))
      return `messages.${i}.content: Input should be a valid list`;
    if (Array.isArray(m.content)) {
      const bad = (m.content as unknown[]).findIndex(
        (b) => b === null || typeof b !== 'object' || typeof (b as Json).type !== 'string',
      );
      if (bad >= 0) return `messages.${i}.content.${bad}: Input tag not found; expected a \`type\` field`;
    }
  }
  if (raw[0].role !== 'user') return 'messages: first message must use the "user" role';
  if (strictAlternation) {
    for (let i = 1; i < raw.length; i++)
      if (raw[i].role === raw[i - 1].role)
        return `messages: roles must alternate between "user" and "assistant", but found multiple "${String(raw[i].role)}" roles in a row`;
  }
  return undefined;
}

/** Each tool_result answers a tool_use of the message just before; each tool_use is answered just after. */
function toolPairingError(messages: RequestMessage[]): string | undefined {
  for (const [i, m] of messages.entries()) {
    const previous = messages[i - 1];
    const offered = new Set(
      previous?.role === 'assistant'
        ? previous.blocks.filter((b) => b.type === 'tool_use').map((b) => String(b.id))
        : [],
    );
    for (const [j, block] of m.blocks.entries()) {
      if (block.type !== 'tool_result') continue;
      if (m.role !== 'user')
        return `messages.${i}.content.${j}: tool_result blocks are only allowed in user messages`;
      if (!offered.has(String(block.tool_use_id)))
        return `messages.${i}.content.${j}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(block.tool_use_id)}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
    }
    if (m.role !== 'assistant') continue;
    const uses = m.blocks.filter((b) => b.type === 'tool_use').map((b) => String(b.id));
    if (uses.length === 0) continue;
    const next = messages[i + 1];
    if (next === undefined) continue; // a prefill ending in tool_use is the model's turn again
    const answered = new Set(
      next.blocks.filter((b) => b.type === 'tool_result').map((b) => String(b.tool_use_id)),
    );
    const missing = uses.filter((id) => !answered.has(id));
    if (missing.length > 0)
      return `messages.${i}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
  }
  return undefined;
}

/**
 * Thinking blocks come back unchanged (signature and redacted data checked), an assistant message
 * with thinking starts with it, and with thinking on, the assistant turn that a trailing tool_result
 * answers starts with a thinking block.
 */
function thinkingReplayError(body: Json): string | undefined {
  const messages = readMessages(body);
  for (const [i, m] of messages.entries()) {
    if (m.role !== 'assistant') continue;
    const isThinking = (b: ContentBlock) => b.type === 'thinking' || b.type === 'redacted_thinking';
    for (const [j, block] of m.blocks.entries()) {
      if (block.type === 'thinking' && signThinking(String(block.thinking)) !== block.signature)
        return `messages.${i}.content.${j}: Invalid \`signature\` in \`thinking\` block`;
      if (block.type === 'redacted_thinking' && !validRedactedData(block.data))
        return `messages.${i}.content.${j}: Invalid \`data\` in \`redacted_thinking\` block`;
    }
    if (m.blocks.some(isThinking) && !isThinking(m.blocks[0]))
      return `messages.${i}.content.0: If an assistant message contains any thinking blocks, the first block must be thinking or redacted_thinking. Found ${m.blocks[0].type}.`;
  }
  if (!thinkingEnabled(body)) return undefined;
  const last = messages.length - 1;
  const continuesToolUse =
    messages[last].role === 'user' &&
    messages[last].blocks.some((b) => b.type === 'tool_result') &&
    messages[last - 1]?.role === 'assistant';
  if (!continuesToolUse) return undefined;
  const first = messages[last - 1].blocks[0];
  if (first && first.type !== 'thinking' && first.type !== 'redacted_thinking')
    return `messages.${last - 1}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${first.type}\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block (preceeding the lastmost set of \`tool_use\` and \`tool_result\` blocks). We recommend you include thinking blocks from previous turns. To avoid this requirement, disable \`thinking\`. Please consult our documentation at ${THINKING_DOCS}`;
  return undefined;
}
