import { DialectValidationError } from '../dialect-validation-error';
import { fail, field, fieldOnce, isObj, optArray, optObj, type Obj } from './google.fields';

/** A Google body forwarded as is to a Gemini deployment (countTokens, embedContent, batchEmbedContents). */
export interface GooglePassthroughBody {
  body: Obj;
  /** The body as text: what the budget estimate counts. */
  text: string;
  /** The cache the body names, if any (its owner is checked like on generateContent). */
  cachedContent?: string;
}

/**
 * The top-level fields each forwarded body must hold, by action (the shape only: Gemini checks the
 * rest), so a body of the wrong shape is a 400 naming the field rather than whatever the upstream says.
 */
const SHAPES: Readonly<Record<string, { required?: string; arrays?: string[]; objects?: string[] }>> = {
  countTokens: { arrays: ['contents', 'tools'], objects: ['generateContentRequest', 'systemInstruction'] },
  embedContent: { required: 'content', objects: ['content'] },
  batchEmbedContents: { required: 'requests', arrays: ['requests'] },
  cachedContents: { arrays: ['contents', 'tools'], objects: ['systemInstruction', 'toolConfig'] },
};

/** A forwarded body (`action`: the model action, or `cachedContents`), its top-level shape checked. */
export function fromGooglePassthroughBody(raw: unknown, action: string): GooglePassthroughBody {
  if (!isObj(raw)) throw new DialectValidationError('the request body must be a JSON object', 'body');
  checkShape(raw, action);
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

export function checkShape(body: Obj, action: string): void {
  const shape = SHAPES[action] ?? {};
  if (shape.required !== undefined && field(body, shape.required) == null)
    fail(shape.required, 'required field is missing');
  for (const key of shape.arrays ?? []) optArray(body, key, key);
  for (const key of shape.objects ?? []) optObj(body, key, key);
}
