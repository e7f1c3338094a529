import type { LongContextPricing, PricingInput } from '../../../config/config.types';

/** The fields of a pricing's `long_context` object (contract "Pricing fields"), in the contract's order. */
export const LONG_CONTEXT_FIELDS: readonly (keyof LongContextPricing)[] = [
  'threshold_tokens',
  'input_per_mtok',
  'output_per_mtok',
  'cached_input_per_mtok',
];

interface UpperTier {
  threshold: number;
  pricing: PricingInput;
}

/** Per pricing object: its upper tier, or null when it has none (memoised like the parsed prices). */
const upperTiers = new WeakMap<PricingInput, UpperTier | null>();

/**
 * The pricing a request with `promptTokens` prompt tokens is billed at. Above `long_context.threshold_tokens`,
 * Google's rule: the whole request (input, cached input and output, thinking included) is priced at the
 * upper tier. The tier's output defaults to the base output price, its cached input to its input price;
 * rates that fall back to input or output (cache writes, audio, reasoning) follow the tier's.
 * A pricing without `long_context` has one tier.
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
  const lc = pricing.long_context;
  const threshold = Number(lc?.threshold_tokens);
  if (!lc || typeof lc.input_per_mtok !== 'string' || !Number.isInteger(threshold) || threshold < 0)
    return null;
  const { long_context: _tier, ...base } = pricing;
  const upper: PricingInput = {
    ...base,
    input_per_mtok: lc.input_per_mtok,
    cached_input_per_mtok: lc.cached_input_per_mtok ?? lc.input_per_mtok,
  };
  if (lc.output_per_mtok !== undefined) upper.output_per_mtok = lc.output_per_mtok;
  return { threshold, pricing: upper };
}
