import { DialectValidationError } from '../dialect-validation-error';
import { fieldOnce, isObj, type Obj } from './google.fields';

/** A Google body forwarded as is to a Gemini deployment (countTokens, embedContent, batchEmbedContents). */
export interface GooglePassthroughBody {
  body: Obj;
  /** The body as text: what the budget estimate counts. */
  text: string;
  /** The cache the body names, if any (its owner is checked like on generateContent). */
  cachedContent?: string;
}

export function fromGooglePassthroughBody(raw: unknown): GooglePassthroughBody {
  if (!isObj(raw)) throw new DialectValidationError('the request body must be a JSON object', 'body');
  const cachedContent = countedCacheOf(raw);
  return { body: raw, text: JSON.stringify(raw), ...(cachedContent !== undefined ? { cachedContent } : {}) };
}

/**
 * The cache a countTokens body names (`generateContentRequest.cachedContent`), read as Google reads
 * it (either spelling, at either level), so the caller's right to it is checked like on generateContent.
 */
export function countedCacheOf(body: Obj): string | undefined {
  const inner = fieldOnce(body, 'generateContentRequest', 'generateContentRequest');
  const named =
    (isObj(inner) ? fieldOnce(inner, 'cachedContent', 'generateContentRequest.cachedContent') : undefined) ??
    fieldOnce(body, 'cachedContent', 'cachedContent');
  if (named === undefined || named === null) return undefined;
  if (typeof named !== 'string')
    throw new DialectValidationError(
      "'cachedContent' must be a string (cachedContents/{id})",
      'cachedContent',
    );
  return named;
}
