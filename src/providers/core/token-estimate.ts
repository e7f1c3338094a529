import type { ChatRequest } from './canonical';

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
    for (const p of m.content) {
      if (p.type === 'text') tokens += estimateTextTokens(p.text);
      else tokens += 258;
    }
    for (const c of m.toolCalls ?? []) tokens += estimateTextTokens(c.name) + estimateTextTokens(c.arguments);
  }
  for (const t of req.tools ?? [])
    tokens += t.type === 'function' ? estimateTextTokens(JSON.stringify(t.parameters ?? {})) + 8 : 8;
  return tokens;
}

/** Estimated prompt tokens of a prompt that is one text message (embeddings input, a passthrough body). */
export function estimateTextPromptTokens(text: string): number {
  return 4 + estimateTextTokens(text);
}
