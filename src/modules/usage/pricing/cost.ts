import Decimal from 'decimal.js';
import type { Usage } from '../../../providers/core/canonical';
import type { PricingInput } from '../../../config/config.types';
import { add, ceilUnits, divCeil, fixed, mul, shift, sum, toText, type Fixed } from './fixed-decimal';

/** Parsed prices, once per pricing object (catalog pricing objects live as long as the catalog). */
const parsed = new WeakMap<PricingInput, Map<string, Fixed>>();
const NONE: Fixed = { units: 0n, scale: 0 };

function price(p: PricingInput, field: string, fallback?: string): Fixed {
  let cache = parsed.get(p);
  if (!cache) {
    cache = new Map();
    parsed.set(p, cache);
  }
  const key = fallback ? `${field}|${fallback}` : field;
  let v = cache.get(key);
  if (!v) {
    const raw = p[field] ?? (fallback ? p[fallback] : undefined);
    v = typeof raw === 'string' ? fixed(raw) : NONE;
    cache.set(key, v);
  }
  return v;
}

/** tokens × price per million tokens, exactly. */
function perMillion(tokens: number, perMtok: Fixed): Fixed {
  return shift(mul(fixed(tokens), perMtok), 6);
}

export interface CostExtras {
  images?: number;
  videoSeconds?: string;
  resolution?: string;
  /** A context cache kept: `tokens` stored for `seconds` (decimal text), at `cache_storage_per_mtok_hour`. */
  cacheStorage?: { tokens: number; seconds: string };
}

/** Storage cost is rounded up to the usage records' scale (10 decimal places): an hour is 3,600 seconds. */
const STORAGE_DIGITS = 10;
const SECONDS_PER_HOUR_MTOK = 3_600n * 1_000_000n;

/**
 * Exact-decimal cost of one request (contract §9.5), never through a binary float (BigInt fixed point).
 * `promptTokens` includes cached tokens and cache writes (Anthropic codecs sum them), each priced at
 * its own rate. Reasoning tokens are part of completion, priced at `reasoning_per_mtok` (default: output);
 * audio input and audio/image output tokens (subsets of prompt/completion) at their own prices.
 */
export function costOf(usage: Usage | undefined, pricing: PricingInput, extra: CostExtras = {}): Decimal {
  return new Decimal(costTextOf(usage, pricing, extra));
}

/** The same cost as a plain decimal string (what usage records carry). */
export function costTextOf(usage: Usage | undefined, pricing: PricingInput, extra: CostExtras = {}): string {
  const parts: Fixed[] = [price(pricing, 'per_request')];
  if (usage) {
    const cached = usage.cachedTokens ?? 0;
    const cacheWrite = usage.cacheWriteTokens ?? 0;
    const audioIn = usage.audioInputTokens ?? 0;
    const completion = usage.completionTokens;
    const reasoning = Math.min(usage.reasoningTokens ?? 0, completion);
    const audioOut = Math.min(usage.audioOutputTokens ?? 0, completion - reasoning);
    const imageOut = Math.min(usage.imageOutputTokens ?? 0, completion - reasoning - audioOut);
    const plainPrompt = Math.max(0, usage.promptTokens - cached - cacheWrite - audioIn);
    const terms: Array<[tokens: number, field: string, fallback?: string]> = [
      [plainPrompt, 'input_per_mtok'],
      [cached, 'cached_input_per_mtok', 'input_per_mtok'],
      [cacheWrite, 'cache_write_per_mtok', 'input_per_mtok'],
      [audioIn, 'audio_input_per_mtok', 'input_per_mtok'],
      [completion - reasoning - audioOut - imageOut, 'output_per_mtok'],
      [reasoning, 'reasoning_per_mtok', 'output_per_mtok'],
      [audioOut, 'audio_output_per_mtok', 'output_per_mtok'],
      [imageOut, 'image_output_per_mtok', 'output_per_mtok'],
    ];
    // Most token kinds are zero on a given request: only the others cost BigInt arithmetic.
    for (const [tokens, field, fallback] of terms)
      if (tokens > 0) parts.push(perMillion(tokens, price(pricing, field, fallback)));
  }
  if (extra.images) parts.push(mul(fixed(extra.images), price(pricing, 'per_image')));
  if (extra.cacheStorage && extra.cacheStorage.tokens > 0) {
    const { tokens, seconds } = extra.cacheStorage;
    const tokenSeconds = mul(fixed(tokens), fixed(seconds));
    parts.push(
      divCeil(
        mul(tokenSeconds, price(pricing, 'cache_storage_per_mtok_hour')),
        SECONDS_PER_HOUR_MTOK,
        STORAGE_DIGITS,
      ),
    );
  }
  if (extra.videoSeconds) {
    const byRes = pricing.per_video_second_by_resolution;
    const resPrice = typeof byRes === 'object' && extra.resolution ? byRes[extra.resolution] : undefined;
    parts.push(
      mul(fixed(extra.videoSeconds), resPrice ? fixed(resPrice) : price(pricing, 'per_video_second')),
    );
  }
  return toText(sum(parts));
}

/**
 * Budget reservation estimate (contract §9.22) in nano-USD, rounded up: prompt estimate × input price +
 * output allowance (`max_tokens`, else the model's default reserve) × output price. Never below
 * `per_request`. Integer nano-USD is what the limits script counts, so no decimal text on the way.
 */
export function reserveEstimateNano(
  promptTokens: number,
  maxOutputTokens: number,
  pricing: PricingInput,
): number {
  const usd = add(
    price(pricing, 'per_request'),
    add(
      perMillion(promptTokens, price(pricing, 'input_per_mtok')),
      perMillion(maxOutputTokens, price(pricing, 'output_per_mtok')),
    ),
  );
  return Number(ceilUnits(usd, 9));
}

export function toNanoUsd(usd: Decimal.Value): number {
  const f = typeof usd === 'object' ? fixed(usd.toFixed()) : fixed(usd);
  return Number(ceilUnits(f, 9));
}
