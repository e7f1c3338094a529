import type { ParsedChat } from '../chat-dialect';

/**
 * The `cachedContents/{id}` a request would have Gemini read, wherever the caller put it: Google
 * `cachedContent` (the Google dialect's parse puts countTokens' `generateContentRequest.cachedContent`
 * there too, and refuses a field given under both spellings), OpenAI-dialect
 * `cached_content` / `cachedContent`, or a `generationConfig` that carries it (the fields
 * `fromExtensions` reads). Undefined when the request names none.
 */
export function cachedContentNamedBy(parsed: ParsedChat): string | undefined {
  const gemini = parsed.request.extensions?.gemini;
  const openai = parsed.request.extensions?.openai;
  const nested = gemini?.generationConfig as { cachedContent?: unknown } | undefined;
  const named =
    gemini?.cachedContent ?? nested?.cachedContent ?? openai?.cached_content ?? openai?.cachedContent;
  if (typeof named !== 'string') return undefined;
  return named.startsWith('cachedContents/') ? named : `cachedContents/${named}`;
}
