/**
 * How deep a JSON body may nest arrays and objects (every route): deeper values are refused with a 400
 * as they are read, so no recursive walk (validation, translation, logging) meets them.
 */
export const MAX_JSON_DEPTH = 128;

/**
 * Whether a parsed JSON value nests arrays and objects deeper than `max` (`{"a":[1]}` is 2 deep).
 * Visits containers only, never deeper than `max + 1`: far cheaper than the parse that made them.
 */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (max === 0) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (nestsDeeperThan(value[i], max - 1)) return true;
    return false;
  }
  for (const key in value) if (nestsDeeperThan((value as Record<string, unknown>)[key], max - 1)) return true;
  return false;
}
