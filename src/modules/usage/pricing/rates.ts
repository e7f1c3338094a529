import type { PricingInput } from '../../../config/config.types';
import { fixed, mul, shift, type Fixed } from './fixed-decimal';

/** A price field and the fields it falls back to, in order, when the pricing leaves it out. */
export interface Rate {
  /** Cache key of the parsed value (the field names joined). */
  readonly key: string;
  readonly fields: readonly string[];
}

function rate(...fields: string[]): Rate {
  return { key: fields.join('|'), fields };
}

/**
 * Every per-token (and per-unit) price the cost computation reads. Cached audio falls back to the
 * audio price when the pricing has one, else audio is priced like text (cached, then input).
 */
export const RATE = {
  input: rate('input_per_mtok'),
  cachedInput: rate('cached_input_per_mtok', 'input_per_mtok'),
  cachedAudioInput: rate(
    'cached_audio_input_per_mtok',
    'audio_input_per_mtok',
    'cached_input_per_mtok',
    'input_per_mtok',
  ),
  cacheWrite: rate('cache_write_per_mtok', 'input_per_mtok'),
  /** Anthropic's 1-hour cache writes: their own price, else the (5-minute) cache-write price, else input. */
  cacheWrite1h: rate('cache_write_1h_per_mtok', 'cache_write_per_mtok', 'input_per_mtok'),
  audioInput: rate('audio_input_per_mtok', 'input_per_mtok'),
  output: rate('output_per_mtok'),
  reasoning: rate('reasoning_per_mtok', 'output_per_mtok'),
  audioOutput: rate('audio_output_per_mtok', 'output_per_mtok'),
  imageOutput: rate('image_output_per_mtok', 'output_per_mtok'),
  perRequest: rate('per_request'),
  perImage: rate('per_image'),
  cacheStoragePerHour: rate('cache_storage_per_mtok_hour'),
  perVideoSecond: rate('per_video_second'),
  /** Audio priced by duration (whisper-1: $0.006 a minute = `0.0001` a second), apart from any tokens. */
  perAudioSecond: rate('per_audio_second'),
} as const;

/** The rates an output token can be billed at without asking for audio (text, reasoning, image). */
export const OUTPUT_RATES: readonly Rate[] = [RATE.output, RATE.reasoning, RATE.imageOutput];

/** Parsed prices, once per pricing object (catalog pricing objects live as long as the catalog). */
const parsed = new WeakMap<PricingInput, Map<string, Fixed>>();
const NONE: Fixed = { units: 0n, scale: 0 };

/** The price of `r` in `p` (its first field present), parsed once; zero when none is present. */
export function price(p: PricingInput, r: Rate): Fixed {
  let cache = parsed.get(p);
  if (!cache) {
    cache = new Map();
    parsed.set(p, cache);
  }
  let v = cache.get(r.key);
  if (!v) {
    let raw: PricingInput[string];
    for (let i = 0; raw === undefined && i < r.fields.length; i++) raw = p[r.fields[i]];
    v = typeof raw === 'string' ? fixed(raw) : NONE;
    cache.set(r.key, v);
  }
  return v;
}

/** tokens × price per million tokens, exactly. */
export function perMillion(tokens: number, perMtok: Fixed): Fixed {
  return shift(mul(fixed(tokens), perMtok), 6);
}
