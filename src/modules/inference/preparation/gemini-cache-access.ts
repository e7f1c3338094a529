import type { ChatRequest } from '../../../providers/core/canonical';

/** A cache a request names, and the field it was named in (what an error about it points at). */
export interface NamedCache {
  name: string;
  field: string;
}

/**
 * The `cachedContents/{id}` a request would have Gemini read, wherever the caller put it: Google
 * `cachedContent` (the Google dialect's parse puts countTokens' `generateContentRequest.cachedContent`
 * there too, and refuses a field given under both spellings), OpenAI-dialect
 * `cached_content` / `cachedContent`, or a `generationConfig` that carries it (the fields
 * `fromExtensions` reads). Undefined when the request names none.
 */
export function cachedContentNamedBy(request: ChatRequest): NamedCache | undefined {
  const gemini = request.extensions?.gemini;
  const openai = request.extensions?.openai;
  const nested = gemini?.generationConfig as { cachedContent?: unknown } | undefined;
  if (gemini?.cachedContent != null) return named(gemini.cachedContent, 'cachedContent');
  if (nested?.cachedContent != null) return named(nested.cachedContent, 'generationConfig.cachedContent');
  if (openai?.cached_content != null) return named(openai.cached_content, 'cached_content');
  return named(openai?.cachedContent, 'cachedContent');
}

export function named(value: unknown, field: string): NamedCache | undefined {
  if (typeof value !== 'string') return undefined;
  return { name: value.startsWith('cachedContents/') ? value : `cachedContents/${value}`, field };
}
