import type { Usage } from '../core/canonical';
import type { AnthropicUsage } from './anthropic.wire';

function count(v: number | null | undefined): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0;
}

/**
 * Anthropic usage → canonical (contract §9.5): `input_tokens` excludes the cache, so
 * `promptTokens = input + cache_read + cache_creation`, `cachedTokens = cache_read`,
 * `cacheWriteTokens = cache_creation` and `cacheWrite1hTokens` its 1-hour part. Each cache token is
 * counted once: `cache_creation` (5m + 1h) is the total, never added to its split.
 */
export function fromAnthropicUsage(u: AnthropicUsage | null | undefined): Usage | undefined {
  if (!u || typeof u !== 'object') return undefined;
  const input = count(u.input_tokens);
  const read = count(u.cache_read_input_tokens);
  const split5m = count(u.cache_creation?.ephemeral_5m_input_tokens);
  const split1h = count(u.cache_creation?.ephemeral_1h_input_tokens);
  // The total is authoritative; a body with only the split (some proxies) sums it.
  const write =
    u.cache_creation_input_tokens != null ? count(u.cache_creation_input_tokens) : split5m + split1h;
  const usage: Usage = { promptTokens: input + read + write, completionTokens: count(u.output_tokens) };
  if (read) usage.cachedTokens = read;
  if (write) usage.cacheWriteTokens = write;
  const write1h = Math.min(split1h, write);
  if (write1h) usage.cacheWrite1hTokens = write1h;
  const thinking = count(u.output_tokens_details?.thinking_tokens);
  if (thinking) usage.reasoningTokens = Math.min(thinking, usage.completionTokens);
  return usage;
}

/**
 * A stream's usage so far: `message_start` carries the input and cache counts, each `message_delta`
 * the cumulative output (and, sometimes, input and cache counts again). Fields present in `next`
 * replace those in `acc`, never add to them.
 */
export function mergeAnthropicUsage(acc: AnthropicUsage | undefined, next: AnthropicUsage): AnthropicUsage {
  const out: AnthropicUsage = { ...(acc ?? {}) };
  for (const [k, v] of Object.entries(next) as Array<[keyof AnthropicUsage, unknown]>) {
    if (v !== null && v !== undefined) (out as Record<string, unknown>)[k] = v;
  }
  return out;
}
