import Decimal from 'decimal.js';
import { ConfigError } from './config-error';
import type { PricingInput } from './config.types';
import { decimalText } from './yaml-values';

/** LiteLLM's per-token cost keys → Switchboard's per-million-token price fields. */
const PER_TOKEN_FIELDS: Record<string, string> = {
  input_cost_per_token: 'input_per_mtok',
  output_cost_per_token: 'output_per_mtok',
  cache_read_input_token_cost: 'cached_input_per_mtok',
  cache_creation_input_token_cost: 'cache_write_per_mtok',
  cache_creation_input_token_cost_above_1hr: 'cache_write_1h_per_mtok',
  output_cost_per_reasoning_token: 'reasoning_per_mtok',
  input_cost_per_audio_token: 'audio_input_per_mtok',
  cache_read_input_audio_token_cost: 'cached_audio_input_per_mtok',
  output_cost_per_audio_token: 'audio_output_per_mtok',
};

/** `<key>_above_<N>k_tokens`: LiteLLM's long-context rate of `<key>` for prompts above N thousand tokens. */
const ABOVE = /^(.+)_above_(\d+)k_tokens$/;

/** The price fields the long-context tier has (`long_context`); LiteLLM's other `_above_` keys are ignored. */
const LONG_CONTEXT_RATES = new Set(['input_per_mtok', 'output_per_mtok', 'cached_input_per_mtok']);

/**
 * The pricing a LiteLLM `model_list` entry declares in `model_info` or `litellm_params` (LiteLLM's cost
 * keys, USD per token), as Switchboard price fields (USD per million tokens, exact decimals).
 * `input_cost_per_token_above_200k_tokens`, `output_cost_per_token_above_200k_tokens` and
 * `cache_read_input_token_cost_above_200k_tokens` become `long_context` (threshold 200000; the input
 * one is required with the others); a model has one threshold.
 * Returns undefined when the entry declares no price.
 */
export function fromLiteLlmPricing(
  sources: Array<[path: string, values: Record<string, unknown>]>,
): PricingInput | undefined {
  const out: PricingInput = {};
  const upper: Record<string, string> = {};
  let firstAbove = '';
  for (const [path, values] of sources) {
    for (const [key, value] of Object.entries(values)) {
      const above = ABOVE.exec(key);
      const field = PER_TOKEN_FIELDS[above ? above[1] : key];
      if (!field || (above && !LONG_CONTEXT_RATES.has(field))) continue;
      const perMtok = new Decimal(decimalText(value, `${path}.${key}`)).times(1_000_000).toFixed();
      if (!above) {
        out[field] = perMtok;
        continue;
      }
      const threshold = String(Number(above[2]) * 1000);
      if (upper.threshold_tokens && upper.threshold_tokens !== threshold)
        throw new ConfigError(`${path}.${key}`, 'a model has one long-context threshold');
      upper.threshold_tokens = threshold;
      upper[field] = perMtok;
      firstAbove ||= `${path}.${key}`;
    }
  }
  if (firstAbove) {
    const { threshold_tokens, input_per_mtok, ...rest } = upper;
    if (input_per_mtok === undefined)
      throw new ConfigError(
        firstAbove,
        `needs input_cost_per_token_above_${Number(threshold_tokens) / 1000}k_tokens`,
      );
    out.long_context = { threshold_tokens, input_per_mtok, ...rest };
  }
  return Object.keys(out).length ? out : undefined;
}

/** Whether a `litellm_params` key is a LiteLLM cost key (a price, not a provider setting). */
export function isLiteLlmCostKey(key: string): boolean {
  return PER_TOKEN_FIELDS[ABOVE.exec(key)?.[1] ?? key] !== undefined;
}
