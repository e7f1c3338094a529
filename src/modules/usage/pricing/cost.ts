import Decimal from 'decimal.js';
import type { Usage } from '../../../providers/core/canonical';
import type { PricingInput } from '../../../config/config.types';

const MTOK = new Decimal(1_000_000);

function price(p: PricingInput, field: string, fallback?: string): Decimal {
  const v = p[field] ?? (fallback ? p[fallback] : undefined);
  return typeof v === 'string' ? new Decimal(v) : new Decimal(0);
}

export interface CostExtras {
  images?: number;
  videoSeconds?: string;
  resolution?: string;
}

/**
 * Exact-decimal cost of one request (contract §9.5), never through a binary float.
 * `promptTokens` includes cached tokens and cache writes (Anthropic codecs sum them), each priced at
 * its own rate. Reasoning tokens are part of completion, priced at `reasoning_per_mtok` (default: output);
 * audio input and audio/image output tokens (subsets of prompt/completion) at their own prices.
 */
export function costOf(usage: Usage | undefined, pricing: PricingInput, extra: CostExtras = {}): Decimal {
  let total = price(pricing, 'per_request');
  if (usage) {
    const cached = usage.cachedTokens ?? 0;
    const cacheWrite = usage.cacheWriteTokens ?? 0;
    const audioIn = usage.audioInputTokens ?? 0;
    const completion = usage.completionTokens;
    const reasoning = Math.min(usage.reasoningTokens ?? 0, completion);
    const audioOut = Math.min(usage.audioOutputTokens ?? 0, completion - reasoning);
    const imageOut = Math.min(usage.imageOutputTokens ?? 0, completion - reasoning - audioOut);
    const plainPrompt = Math.max(0, usage.promptTokens - cached - cacheWrite - audioIn);
    const perMillion = new Decimal(plainPrompt)
      .mul(price(pricing, 'input_per_mtok'))
      .plus(new Decimal(cached).mul(price(pricing, 'cached_input_per_mtok', 'input_per_mtok')))
      .plus(new Decimal(cacheWrite).mul(price(pricing, 'cache_write_per_mtok', 'input_per_mtok')))
      .plus(new Decimal(audioIn).mul(price(pricing, 'audio_input_per_mtok', 'input_per_mtok')))
      .plus(new Decimal(completion - reasoning - audioOut - imageOut).mul(price(pricing, 'output_per_mtok')))
      .plus(new Decimal(reasoning).mul(price(pricing, 'reasoning_per_mtok', 'output_per_mtok')))
      .plus(new Decimal(audioOut).mul(price(pricing, 'audio_output_per_mtok', 'output_per_mtok')))
      .plus(new Decimal(imageOut).mul(price(pricing, 'image_output_per_mtok', 'output_per_mtok')));
    total = total.plus(perMillion.div(MTOK));
  }
  if (extra.images) total = total.plus(new Decimal(extra.images).mul(price(pricing, 'per_image')));
  if (extra.videoSeconds) {
    const byRes = pricing.per_video_second_by_resolution;
    const resPrice = typeof byRes === 'object' && extra.resolution ? byRes[extra.resolution] : undefined;
    total = total.plus(new Decimal(extra.videoSeconds).mul(resPrice ? new Decimal(resPrice) : price(pricing, 'per_video_second')));
  }
  return total;
}

/**
 * Budget reservation estimate (contract §9.22): prompt estimate × input price + output allowance
 * (`max_tokens`, else the model's default reserve) × output price. Never below `per_request`.
 */
export function reserveEstimate(promptTokens: number, maxOutputTokens: number, pricing: PricingInput): Decimal {
  return price(pricing, 'per_request').plus(
    new Decimal(promptTokens).mul(price(pricing, 'input_per_mtok')).plus(new Decimal(maxOutputTokens).mul(price(pricing, 'output_per_mtok'))).div(MTOK),
  );
}

/** USD as integer nano-dollars (the unit of the Redis budget counters), rounded up. */
export function toNanoUsd(usd: Decimal.Value): number {
  return new Decimal(usd).mul(1_000_000_000).toDecimalPlaces(0, Decimal.ROUND_UP).toNumber();
}
