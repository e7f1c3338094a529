import type { PricingInput } from '../../../config/config.types';

/** Prompts above this many tokens are priced at the `*_above_threshold` rates (Gemini's long-context tier). */
export const LONG_CONTEXT_THRESHOLD = 'long_context_threshold_tokens';
/** Suffix of a price field's long-context rate: `input_per_mtok_above_threshold` replaces `input_per_mtok`. */
export const ABOVE_THRESHOLD = '_above_threshold';

/** The long-context price fields the admin API and the YAML accept (the threshold and its rates). */
export const LONG_CONTEXT_FIELDS = [
  LONG_CONTEXT_THRESHOLD,
  `input_per_mtok${ABOVE_THRESHOLD}`,
  `output_per_mtok${ABOVE_THRESHOLD}`,
  `cached_input_per_mtok${ABOVE_THRESHOLD}`,
] as const;

interface UpperTier {
  threshold: number;
  pricing: PricingInput;
}

/** Per pricing object: its upper tier, or null when it has none (memoised like the parsed prices). */
const upperTiers = new WeakMap<PricingInput, UpperTier | null>();

/**
 * The pricing a request with `promptTokens` prompt tokens is billed at. Above the threshold, Google's
 * rule: the whole request (input, cached input and output, thinking included) is priced at the upper
 * tier, each `X_above_threshold` replacing `X`; a rate without an upper value keeps its base price.
 * A pricing without a threshold, or without any upper rate, has one tier.
 */
export function pricingForPrompt(pricing: PricingInput, promptTokens: number): PricingInput {
  const tier = upperTierOf(pricing);
  return tier && promptTokens > tier.threshold ? tier.pricing : pricing;
}

/** The prompt size above which `pricing` changes tier, if it does. */
export function longContextThreshold(pricing: PricingInput): number | undefined {
  return upperTierOf(pricing)?.threshold;
}

function upperTierOf(pricing: PricingInput): UpperTier | null {
  let tier = upperTiers.get(pricing);
  if (tier === undefined) {
    tier = buildUpperTier(pricing);
    upperTiers.set(pricing, tier);
  }
  return tier;
}

function buildUpperTier(pricing: PricingInput): UpperTier | null {
  const raw = pricing[LONG_CONTEXT_THRESHOLD];
  const threshold = typeof raw === 'string' ? Number(raw) : NaN;
  if (!Number.isInteger(threshold) || threshold < 0) return null;
  const upper: PricingInput = { ...pricing };
  let rates = 0;
  for (const [field, value] of Object.entries(pricing)) {
    if (!field.endsWith(ABOVE_THRESHOLD) || typeof value !== 'string') continue;
    upper[field.slice(0, -ABOVE_THRESHOLD.length)] = value;
    rates++;
  }
  return rates ? { threshold, pricing: upper } : null;
}
