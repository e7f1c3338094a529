import type { ToolUseBlock } from '../providers/core/canonical';

/**
 * Gemini's `thoughtSignature` on a function call, carried inside the tool call's id in the dialects
 * that have no field for it (Anthropic `tool_use.id`, Responses `call_id`). Clients echo the id back
 * unchanged on the call and on its result, so the signature returns with the next turn and Gemini 3
 * gets its function call signed (LiteLLM embeds it in the id the same way).
 *
 * The signature is base64url of its UTF-8 bytes, so the id stays within Anthropic's `[A-Za-z0-9_-]`
 * and decodes back byte for byte. The id a provider sees is always the bare one: OpenAI refuses tool
 * call ids over 40 characters.
 */
const SIGNATURE_MARK = '__thought__';

/** The id a client sees: the call's own id, with its thought signature appended when it has one. */
export function toolIdWithSignature(id: string, thoughtSignature: string | undefined): string {
  if (!thoughtSignature) return id;
  return `${id}${SIGNATURE_MARK}${Buffer.from(thoughtSignature, 'utf8').toString('base64url')}`;
}

/** A client's tool call id split into the call's own id and the thought signature it carries. */
export function splitToolId(clientId: string): { id: string; thoughtSignature?: string } {
  const at = clientId.indexOf(SIGNATURE_MARK);
  if (at < 0) return { id: clientId };
  const encoded = clientId.slice(at + SIGNATURE_MARK.length);
  const thoughtSignature = /^[A-Za-z0-9_-]+$/.test(encoded)
    ? Buffer.from(encoded, 'base64url').toString('utf8')
    : '';
  const id = clientId.slice(0, at);
  return thoughtSignature ? { id, thoughtSignature } : { id };
}

/** A `tool_use` block from a client's call id, name and arguments, its signature restored. */
export function toolUseFromClient(clientId: string, name: string, args: string): ToolUseBlock {
  const { id, thoughtSignature } = splitToolId(clientId);
  const block: ToolUseBlock = { type: 'tool_use', id, name, arguments: args };
  if (thoughtSignature) block.thoughtSignature = thoughtSignature;
  return block;
}
