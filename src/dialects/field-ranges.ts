import { failQuoted, type FailAt } from './dialect-validation-error';

/** An inclusive integer range a request field must fall in. */
export interface IntRange {
  readonly min: number;
  readonly max: number;
}

/** Largest int32: the type upstream APIs (Gemini's proto, OpenAI's, Anthropic's) decode token counts into. */
export const INT32_MAX = 2_147_483_647;

/** Output-token limits (`max_tokens`, `max_completion_tokens`, `max_output_tokens`, `maxOutputTokens`). */
export const TOKEN_LIMIT: IntRange = { min: 1, max: INT32_MAX };

/** Choices per request (`n`, `candidateCount`): OpenAI's own limit, 1 to 128. */
export const CHOICE_COUNT: IntRange = { min: 1, max: 128 };

/**
 * `v` when it is an integer in `range`, undefined when absent (undefined or null); anything else
 * (a string, 1.5, 1e12, a value below the minimum) is refused naming `path`.
 */
export function optIntIn(
  v: unknown,
  path: string,
  range: IntRange,
  fail: FailAt = failQuoted,
): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < range.min || v > range.max)
    fail(path, `must be an integer from ${range.min} to ${range.max}, got ${JSON.stringify(v)}`);
  return v;
}
