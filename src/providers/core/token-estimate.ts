import type { ChatRequest, ContentBlock } from './canonical';

/**
 * Cheap local token estimate (≈ 4 characters a token, the figure OpenAI documents for English),
 * used for budget reservations and for streams the provider never reported usage for.
 */
export function estimateTextTokens(text: string): number {
  return text.length === 0 ? 0 : Math.ceil(text.length / 4);
}

/** Estimated prompt tokens of a canonical request: text parts plus a flat allowance per media part. */
export function estimatePromptTokens(req: ChatRequest): number {
  let tokens = 0;
  for (const m of req.messages) {
    tokens += 4;
    for (const b of m.content) tokens += blockTokens(b);
  }
  for (const t of req.tools ?? [])
    tokens += t.type === 'function' ? estimateTextTokens(JSON.stringify(t.parameters ?? {})) + 8 : 8;
  return tokens;
}

/** Text by length, tool uses by name and arguments, tool results by their content, media flat. */
function blockTokens(b: ContentBlock): number {
  switch (b.type) {
    case 'text':
      return estimateTextTokens(b.text);
    case 'thinking':
    case 'redacted_thinking':
      return 0; // earlier turns' thinking: most providers drop it from the prompt

    case 'tool_use':
      return estimateTextTokens(b.name) + estimateTextTokens(b.arguments);
    case 'tool_result': {
      let n = 0;
      for (const c of b.content) n += blockTokens(c);
      return n;
    }
    default:
      return 258;
  }
}

/** Estimated prompt tokens of a prompt that is one text message (embeddings input, a passthrough body). */
export function estimateTextPromptTokens(text: string): number {
  return 4 + estimateTextTokens(text);
}
