import Decimal from 'decimal.js';
import type { Usage } from '../../../providers/core/canonical';
import type { PricingInput } from '../../../config/config.types';
import { ceilUnits, divCeil, fixed, mul, sum, toText, type Fixed } from './fixed-decimal';
import { perMillion, price, RATE, type Rate } from './rates';
import { pricingForPrompt } from './long-context';

export { reserveEstimateNano } from './reserve-estimate';

export interface CostExtras {
  images?: number;
  videoSeconds?: string;
  /** Seconds of audio transcribed or spoken (decimal text), at `per_audio_second`. */
  audioSeconds?: string;
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
 * its own rate; the 1-hour part of the cache writes (`cacheWrite1hTokens`) at `cache_write_1h_per_mtok`. Reasoning tokens are part of completion, priced at `reasoning_per_mtok` (default: output);
 * audio input and audio/image output tokens (subsets of prompt/completion) at their own prices. Audio
 * input includes its cached part (Gemini and OpenAI count it so): cached audio is priced at
 * `cached_audio_input_per_mtok`, so every prompt token is billed once, as uncached text, uncached audio,
 * cached text or cached audio. A prompt above the pricing's `long_context.threshold_tokens` prices the
 * whole request at the `long_context` rates (see `pricingForPrompt`).
 */
export function costOf(usage: Usage | undefined, pricing: PricingInput, extra: CostExtras = {}): Decimal {
  return new Decimal(costTextOf(usage, pricing, extra));
}

/** The same cost as a plain decimal string (what usage records carry). */
export function costTextOf(usage: Usage | undefined, pricing: PricingInput, extra: CostExtras = {}): string {
  const parts: Fixed[] = [price(pricing, RATE.perRequest)];
  if (usage) {
    const p = pricingForPrompt(pricing, usage.promptTokens);
    const cached = usage.cachedTokens ?? 0;
    const cacheWrite = usage.cacheWriteTokens ?? 0;
    const cacheWrite1h = Math.min(usage.cacheWrite1hTokens ?? 0, cacheWrite);
    const audioIn = usage.audioInputTokens ?? 0;
    const cachedAudio = cachedAudioTokens(usage, cached, audioIn);
    const completion = usage.completionTokens;
    const reasoning = Math.min(usage.reasoningTokens ?? 0, completion);
    const audioOut = Math.min(usage.audioOutputTokens ?? 0, completion - reasoning);
    const imageOut = Math.min(usage.imageOutputTokens ?? 0, completion - reasoning - audioOut);
    const uncachedAudio = audioIn - cachedAudio;
    const terms: Array<[tokens: number, rate: Rate]> = [
      [Math.max(0, usage.promptTokens - cached - cacheWrite - uncachedAudio), RATE.input],
      [cached - cachedAudio, RATE.cachedInput],
      [cachedAudio, RATE.cachedAudioInput],
      [cacheWrite - cacheWrite1h, RATE.cacheWrite],
      [cacheWrite1h, RATE.cacheWrite1h],
      [uncachedAudio, RATE.audioInput],
      [completion - reasoning - audioOut - imageOut, RATE.output],
      [reasoning, RATE.reasoning],
      [audioOut, RATE.audioOutput],
      [imageOut, RATE.imageOutput],
    ];
    // Most token kinds are zero on a given request: only the others cost BigInt arithmetic.
    for (const [tokens, rate] of terms) if (tokens > 0) parts.push(perMillion(tokens, price(p, rate)));
  }
  if (extra.images) parts.push(mul(fixed(extra.images), price(pricing, RATE.perImage)));
  if (extra.cacheStorage && extra.cacheStorage.tokens > 0) {
    const { tokens, seconds } = extra.cacheStorage;
    const tokenSeconds = mul(fixed(tokens), fixed(seconds));
    parts.push(
      divCeil(
        mul(tokenSeconds, price(pricing, RATE.cacheStoragePerHour)),
        SECONDS_PER_HOUR_MTOK,
        STORAGE_DIGITS,
      ),
    );
  }
  if (extra.audioSeconds) parts.push(mul(fixed(extra.audioSeconds), price(pricing, RATE.perAudioSecond)));
  if (extra.videoSeconds) {
    const byRes = pricing.per_video_second_by_resolution;
    const resPrice = typeof byRes === 'object' && extra.resolution ? byRes[extra.resolution] : undefined;
    parts.push(
      mul(fixed(extra.videoSeconds), resPrice ? fixed(resPrice) : price(pricing, RATE.perVideoSecond)),
    );
  }
  return toText(sum(parts));
}

/**
 * The cached tokens that are audio: as reported (Gemini's `cacheTokensDetails`), else apportioned in
 * the prompt's audio share. Never more than was cached or sent as audio, and never so few that the
 * cached text would exceed the text sent.
 */
function cachedAudioTokens(usage: Usage, cached: number, audioIn: number): number {
  if (cached === 0 || audioIn === 0) return 0;
  const share = usage.cachedAudioTokens ?? Math.round((cached * audioIn) / Math.max(usage.promptTokens, 1));
  const textIn = Math.max(0, usage.promptTokens - audioIn);
  return Math.max(0, Math.min(cached, audioIn, Math.max(share, cached - textIn)));
}

/** A USD amount as nano-USD, rounded up (what the limits script counts). */
export function toNanoUsd(usd: Decimal.Value): number {
  const f = typeof usd === 'object' ? fixed(usd.toFixed()) : fixed(usd);
  return Number(ceilUnits(f, 9));
}
