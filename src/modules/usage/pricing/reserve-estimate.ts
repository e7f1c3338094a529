import type { PricingInput } from '../../../config/config.types';
import { add, ceilUnits, fixed, max, mul, type Fixed } from './fixed-decimal';
import { longContextThreshold, pricingForPrompt } from './long-context';
import { OUTPUT_RATES, perMillion, price, RATE } from './rates';

/** The rates one prompt-size tier of a route reserves at. */
interface ReserveTier {
  /** The tier applies to prompts of more than this many tokens (-1: any prompt). */
  above: number;
  input: Fixed;
  /** The highest rate of text, reasoning and image output. */
  output: Fixed;
  /** The same with audio output, for requests that ask for audio. */
  outputWithAudio: Fixed;
}

/**
 * The rates a budget reservation is estimated at for one route: the costliest of every pricing a
 * request can be billed at (each deployment of the model and of its fallback chain), per prompt-size
 * tier. Built once per catalog version, read per request.
 */
export interface ReserveRates {
  perRequest: Fixed;
  /** The highest `per_image` price (image generation and edits). */
  perImage: Fixed;
  /** The highest `per_audio_second` price (transcription, translation and speech priced by duration). */
  perAudioSecond: Fixed;
  /** Ascending `above`; the first tier takes any prompt. */
  tiers: ReserveTier[];
}

const ZERO: Fixed = { units: 0n, scale: 0 };

/**
 * Reserve rates over `pricings`: the highest per-request price, the highest input rate, and the
 * highest rate an output token can be billed at (text, reasoning or image output, whichever the
 * pricing has; audio output apart, since chat models answer in audio only when asked to), in each
 * long-context tier of any of them.
 */
export function reserveRatesOf(pricings: readonly PricingInput[]): ReserveRates {
  const thresholds = [...new Set(pricings.map(longContextThreshold).filter((t) => t !== undefined))];
  thresholds.sort((a, b) => a - b);
  const tierAt = (above: number): ReserveTier => {
    let input = ZERO;
    let output = ZERO;
    let audio = ZERO;
    for (const base of pricings) {
      const p = pricingForPrompt(base, above + 1);
      input = max(input, price(p, RATE.input));
      for (const r of OUTPUT_RATES) output = max(output, price(p, r));
      audio = max(audio, price(p, RATE.audioOutput));
    }
    return { above, input, output, outputWithAudio: max(output, audio) };
  };
  return {
    perRequest: pricings.reduce((m, p) => max(m, price(p, RATE.perRequest)), ZERO),
    perImage: pricings.reduce((m, p) => max(m, price(p, RATE.perImage)), ZERO),
    perAudioSecond: pricings.reduce((m, p) => max(m, price(p, RATE.perAudioSecond)), ZERO),
    tiers: [tierAt(-1), ...thresholds.map(tierAt)],
  };
}

/** Reserve rates of one pricing, memoised per pricing object. */
const singleRates = new WeakMap<PricingInput, ReserveRates>();

/**
 * Budget reservation estimate (contract §9.22) in nano-USD, rounded up: prompt estimate × input rate +
 * output allowance (`max_tokens`, else the model's default reserve) × the highest output rate (with
 * audio output when `audioAsked`), at the long-context tier the estimated prompt falls in. Never below
 * `per_request`. Integer nano-USD is what the limits script counts, so no decimal text on the way.
 */
export function reserveEstimateNano(
  promptTokens: number,
  maxOutputTokens: number,
  rates: ReserveRates | PricingInput,
  audioAsked = false,
): number {
  const r = isReserveRates(rates) ? rates : ratesOfPricing(rates);
  let tier = r.tiers[0];
  for (let i = 1; i < r.tiers.length; i++) if (promptTokens > r.tiers[i].above) tier = r.tiers[i];
  const usd = add(
    r.perRequest,
    add(
      perMillion(promptTokens, tier.input),
      perMillion(maxOutputTokens, audioAsked ? tier.outputWithAudio : tier.output),
    ),
  );
  return Number(ceilUnits(usd, 9));
}

/** `images` × the highest `per_image` price of the route, in nano-USD rounded up (image calls add it). */
export function perImageReserveNano(images: number, rates: ReserveRates): number {
  return Number(ceilUnits(mul(fixed(images), rates.perImage), 9));
}

/**
 * `seconds` (a whole number or decimal text) × the highest `per_audio_second` price of the route, in
 * nano-USD rounded up (audio calls priced by duration add it).
 */
export function perAudioSecondReserveNano(seconds: number | string, rates: ReserveRates): number {
  return Number(ceilUnits(mul(fixed(seconds), rates.perAudioSecond), 9));
}

function ratesOfPricing(p: PricingInput): ReserveRates {
  let r = singleRates.get(p);
  if (!r) {
    r = reserveRatesOf([p]);
    singleRates.set(p, r);
  }
  return r;
}

function isReserveRates(v: ReserveRates | PricingInput): v is ReserveRates {
  return Array.isArray((v as ReserveRates).tiers);
}
