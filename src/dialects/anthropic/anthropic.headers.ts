/** The client headers an Anthropic passthrough forwards (contract §9.13): the API version and betas. */
export const ANTHROPIC_FORWARDED_HEADERS = ['anthropic-version', 'anthropic-beta'] as const;

/**
 * The client's `anthropic-version` and `anthropic-beta` headers (names lower-case, as Node gives them;
 * repeated betas joined with commas), or undefined when it sent neither. For `ParsedCall.forwardHeaders`.
 */
export function anthropicForwardHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string> | undefined {
  let out: Record<string, string> | undefined;
  for (const name of ANTHROPIC_FORWARDED_HEADERS) {
    const v = headers[name];
    const value = Array.isArray(v) ? v.join(',') : v;
    if (value) (out ??= {})[name] = value;
  }
  return out;
}
