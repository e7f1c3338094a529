import type { PricingInput } from '../../config/config.types';
import { costTextOf } from '../usage/pricing/cost';
import { ceilUnits, fixed, max, type Fixed } from '../usage/pricing/fixed-decimal';

/** Seconds a provider makes when the request names none (its documented default). */
const DEFAULT_SECONDS: Record<string, string> = {
  kling: '5',
  seedance: '5',
  gemini: '8',
  openai: '4',
  'openai-compatible': '4',
  'azure-openai': '4',
};

/** The seconds a task is estimated at: the requested ones, else the provider's default. */
export function requestedSeconds(provider: string, durationSeconds: number | undefined): string {
  return durationSeconds !== undefined ? String(durationSeconds) : (DEFAULT_SECONDS[provider] ?? '10');
}

/** The resolution a price is looked up by: Kling's modes name theirs (`std` 720p, `pro` 1080p). */
export function pricingResolution(resolution: string | undefined): string | undefined {
  if (resolution === 'std') return '720p';
  if (resolution === 'pro') return '1080p';
  return resolution;
}

/** The exact cost of `seconds` of video at `resolution` (decimal text, USD). */
export function videoCostText(pricing: PricingInput, seconds: string, resolution?: string): string {
  return costTextOf(undefined, pricing, { videoSeconds: seconds, resolution: pricingResolution(resolution) });
}

/**
 * The reservation of a task, nano-USD: its seconds at the costliest price any deployment of the route
 * can bill (every resolution's when the request names none), rounded up, so the settlement never
 * exceeds what was held (a pre-charge estimated too low leaves a budget negative).
 */
export function videoReserveNano(
  pricings: readonly PricingInput[],
  seconds: string,
  resolution?: string,
): number {
  let worst: Fixed = fixed('0');
  const res = pricingResolution(resolution);
  for (const p of pricings) {
    const candidates = res ? [res] : [undefined, ...Object.keys(p.per_video_second_by_resolution ?? {})];
    for (const r of candidates) worst = max(worst, fixed(videoCostText(p, seconds, r)));
  }
  return Number(ceilUnits(worst, 9));
}
