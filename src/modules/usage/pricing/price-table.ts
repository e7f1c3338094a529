import type { LongContextPricing, PricingInput } from '../../../config/config.types';

/**
 * The price table that ships with the gateway: USD per million tokens (or per image / per video
 * second), as decimal strings, keyed by the provider's model id (the deployment's `upstream_model`).
 * The catalog's per-model `pricing` (YAML file or `PUT /admin/models/{name}/pricing`) merges over
 * these values field by field (see `effectivePricing`).
 *
 * Sources (list prices, standard tier, read 2025-11; verify before relying on them for invoicing):
 * - OpenAI: https://platform.openai.com/docs/pricing (cached input = "Cached input" column; Sora 2
 *   per second of video by resolution).
 * - Anthropic: https://docs.anthropic.com/en/docs/about-claude/pricing (cache write = 5-minute cache
 *   writes, 1.25 × input; `cache_write_1h_per_mtok` = 1-hour cache writes, 2 × input; cache read =
 *   0.1 × input; read 2026-12 from platform.claude.com/docs/en/about-claude/pricing).
 * - Google Gemini API: https://ai.google.dev/gemini-api/docs/pricing (Pro models priced in two tiers:
 *   prompts ≤ 200k tokens, and above, where the whole request bills at the upper rates; cached input =
 *   context caching price, cached audio its audio price; `cache_storage_per_mtok_hour` = the caching
 *   "storage price" per 1M tokens per hour, billed with a cache's creation (tokens × TTL hours) and on
 *   each TTL extension; audio input and TTS audio output priced separately; image output per token;
 *   Veo per second of generated video).
 * - DeepSeek: https://api-docs.deepseek.com/quick_start/pricing (cache hit = cached input, cache miss
 *   = input).
 * - Kling: https://klingai.com/global/dev/pricing (per-video unit prices, converted to per second).
 * - Seedance (BytePlus ModelArk): https://docs.byteplus.com/en/docs/ModelArk/1544106 (per-token video
 *   price converted to per second at the listed resolutions, 24 fps).
 *
 * Fields beyond the admin API's (`image_output_per_mtok`) are internal: image-output tokens that a
 * provider reports (Gemini image models) are priced with it; without it they cost `output_per_mtok`.
 */

/** Google's long-context tier of the Pro models: above 200k prompt tokens, input/output/cached at these. */
function geminiProLongContext(input: string, output: string, cachedInput: string): LongContextPricing {
  return {
    threshold_tokens: '200000',
    input_per_mtok: input,
    output_per_mtok: output,
    cached_input_per_mtok: cachedInput,
  };
}

export const PRICE_TABLE: Readonly<Record<string, PricingInput>> = {
  // ── OpenAI ────────────────────────────────────────────────────────────────────────────────────
  'gpt-5': { input_per_mtok: '1.25', cached_input_per_mtok: '0.125', output_per_mtok: '10.00' },
  'gpt-5.1': { input_per_mtok: '1.25', cached_input_per_mtok: '0.125', output_per_mtok: '10.00' },
  'gpt-5-mini': { input_per_mtok: '0.25', cached_input_per_mtok: '0.025', output_per_mtok: '2.00' },
  'gpt-5-nano': { input_per_mtok: '0.05', cached_input_per_mtok: '0.005', output_per_mtok: '0.40' },
  'gpt-4.1': { input_per_mtok: '2.00', cached_input_per_mtok: '0.50', output_per_mtok: '8.00' },
  'gpt-4.1-mini': { input_per_mtok: '0.40', cached_input_per_mtok: '0.10', output_per_mtok: '1.60' },
  'gpt-4.1-nano': { input_per_mtok: '0.10', cached_input_per_mtok: '0.025', output_per_mtok: '0.40' },
  'gpt-4o': { input_per_mtok: '2.50', cached_input_per_mtok: '1.25', output_per_mtok: '10.00' },
  'gpt-4o-mini': { input_per_mtok: '0.15', cached_input_per_mtok: '0.075', output_per_mtok: '0.60' },
  'gpt-4o-audio-preview': {
    input_per_mtok: '2.50',
    output_per_mtok: '10.00',
    audio_input_per_mtok: '40.00',
    audio_output_per_mtok: '80.00',
  },
  'whisper-1': { per_audio_second: '0.0001' },
  'gpt-4o-mini-tts': { input_per_mtok: '0.60', output_per_mtok: '12.00', audio_output_per_mtok: '12.00' },
  o1: { input_per_mtok: '15.00', cached_input_per_mtok: '7.50', output_per_mtok: '60.00' },
  o3: { input_per_mtok: '2.00', cached_input_per_mtok: '0.50', output_per_mtok: '8.00' },
  'o3-mini': { input_per_mtok: '1.10', cached_input_per_mtok: '0.55', output_per_mtok: '4.40' },
  'o4-mini': { input_per_mtok: '1.10', cached_input_per_mtok: '0.275', output_per_mtok: '4.40' },
  'gpt-image-1': {
    input_per_mtok: '5.00',
    cached_input_per_mtok: '1.25',
    output_per_mtok: '40.00',
    image_output_per_mtok: '40.00',
  },
  'dall-e-3': { per_image: '0.04' },
  'text-embedding-3-small': { input_per_mtok: '0.02', output_per_mtok: '0' },
  'text-embedding-3-large': { input_per_mtok: '0.13', output_per_mtok: '0' },
  'sora-2': { per_video_second: '0.10' },
  'sora-2-pro': {
    per_video_second: '0.30',
    per_video_second_by_resolution: { '720p': '0.30', '1080p': '0.50', '1024p': '0.50' },
  },

  // ── Anthropic (prompt_tokens = input + cache read + cache write, contract §9.5; 5-minute cache
  //    writes at 1.25 × input, 1-hour writes at 2 × input, cache reads at 0.1 × input) ────────────────
  'claude-opus-4-8': {
    input_per_mtok: '5.00',
    output_per_mtok: '25.00',
    cache_write_per_mtok: '6.25',
    cache_write_1h_per_mtok: '10.00',
    cached_input_per_mtok: '0.50',
  },
  'claude-opus-4-7': {
    input_per_mtok: '5.00',
    output_per_mtok: '25.00',
    cache_write_per_mtok: '6.25',
    cache_write_1h_per_mtok: '10.00',
    cached_input_per_mtok: '0.50',
  },
  'claude-opus-4-6': {
    input_per_mtok: '5.00',
    output_per_mtok: '25.00',
    cache_write_per_mtok: '6.25',
    cache_write_1h_per_mtok: '10.00',
    cached_input_per_mtok: '0.50',
  },
  'claude-opus-4-5': {
    input_per_mtok: '5.00',
    output_per_mtok: '25.00',
    cache_write_per_mtok: '6.25',
    cache_write_1h_per_mtok: '10.00',
    cached_input_per_mtok: '0.50',
  },
  'claude-opus-4-1': {
    input_per_mtok: '15.00',
    output_per_mtok: '75.00',
    cache_write_per_mtok: '18.75',
    cache_write_1h_per_mtok: '30.00',
    cached_input_per_mtok: '1.50',
  },
  'claude-opus-4': {
    input_per_mtok: '15.00',
    output_per_mtok: '75.00',
    cache_write_per_mtok: '18.75',
    cache_write_1h_per_mtok: '30.00',
    cached_input_per_mtok: '1.50',
  },
  'claude-sonnet-4-6': {
    input_per_mtok: '3.00',
    output_per_mtok: '15.00',
    cache_write_per_mtok: '3.75',
    cache_write_1h_per_mtok: '6.00',
    cached_input_per_mtok: '0.30',
  },
  'claude-sonnet-4-5': {
    input_per_mtok: '3.00',
    output_per_mtok: '15.00',
    cache_write_per_mtok: '3.75',
    cache_write_1h_per_mtok: '6.00',
    cached_input_per_mtok: '0.30',
  },
  'claude-sonnet-4': {
    input_per_mtok: '3.00',
    output_per_mtok: '15.00',
    cache_write_per_mtok: '3.75',
    cache_write_1h_per_mtok: '6.00',
    cached_input_per_mtok: '0.30',
  },
  'claude-3-7-sonnet': {
    input_per_mtok: '3.00',
    output_per_mtok: '15.00',
    cache_write_per_mtok: '3.75',
    cache_write_1h_per_mtok: '6.00',
    cached_input_per_mtok: '0.30',
  },
  'claude-3-5-sonnet': {
    input_per_mtok: '3.00',
    output_per_mtok: '15.00',
    cache_write_per_mtok: '3.75',
    cache_write_1h_per_mtok: '6.00',
    cached_input_per_mtok: '0.30',
  },
  'claude-haiku-4-5': {
    input_per_mtok: '1.00',
    output_per_mtok: '5.00',
    cache_write_per_mtok: '1.25',
    cache_write_1h_per_mtok: '2.00',
    cached_input_per_mtok: '0.10',
  },
  'claude-3-5-haiku': {
    input_per_mtok: '0.80',
    output_per_mtok: '4.00',
    cache_write_per_mtok: '1.00',
    cache_write_1h_per_mtok: '1.60',
    cached_input_per_mtok: '0.08',
  },
  'claude-3-haiku': {
    input_per_mtok: '0.25',
    output_per_mtok: '1.25',
    cache_write_per_mtok: '0.30',
    cache_write_1h_per_mtok: '0.50',
    cached_input_per_mtok: '0.03',
  },

  // ── Google Gemini (Pro models: prompts above 200k tokens bill the whole request at the upper tier) ──
  'gemini-3-pro-preview': {
    input_per_mtok: '2.00',
    cached_input_per_mtok: '0.20',
    cache_storage_per_mtok_hour: '4.50',
    output_per_mtok: '12.00',
    long_context: geminiProLongContext('4.00', '18.00', '0.40'),
  },
  'gemini-3-flash-preview': {
    input_per_mtok: '0.50',
    cached_input_per_mtok: '0.05',
    cache_storage_per_mtok_hour: '1.00',
    output_per_mtok: '3.00',
    audio_input_per_mtok: '1.00',
    cached_audio_input_per_mtok: '0.10',
  },
  'gemini-3-pro-image-preview': {
    input_per_mtok: '2.00',
    output_per_mtok: '12.00',
    image_output_per_mtok: '120.00',
  },
  'gemini-2.5-pro': {
    input_per_mtok: '1.25',
    cached_input_per_mtok: '0.125',
    cache_storage_per_mtok_hour: '4.50',
    output_per_mtok: '10.00',
    long_context: geminiProLongContext('2.50', '15.00', '0.25'),
  },
  'gemini-2.5-flash': {
    input_per_mtok: '0.30',
    cached_input_per_mtok: '0.03',
    cache_storage_per_mtok_hour: '1.00',
    output_per_mtok: '2.50',
    audio_input_per_mtok: '1.00',
    cached_audio_input_per_mtok: '0.10',
  },
  'gemini-2.5-flash-lite': {
    input_per_mtok: '0.10',
    cached_input_per_mtok: '0.01',
    cache_storage_per_mtok_hour: '1.00',
    output_per_mtok: '0.40',
    audio_input_per_mtok: '0.30',
    cached_audio_input_per_mtok: '0.03',
  },
  'gemini-2.5-flash-image': {
    input_per_mtok: '0.30',
    output_per_mtok: '2.50',
    image_output_per_mtok: '30.00',
  },
  'gemini-2.5-flash-image-preview': {
    input_per_mtok: '0.30',
    output_per_mtok: '2.50',
    image_output_per_mtok: '30.00',
  },
  'gemini-2.5-flash-preview-tts': {
    input_per_mtok: '0.50',
    output_per_mtok: '10.00',
    audio_output_per_mtok: '10.00',
  },
  'gemini-2.5-pro-preview-tts': {
    input_per_mtok: '1.00',
    output_per_mtok: '20.00',
    audio_output_per_mtok: '20.00',
  },
  'gemini-2.5-flash-native-audio-preview': {
    input_per_mtok: '0.50',
    output_per_mtok: '2.00',
    audio_input_per_mtok: '3.00',
    audio_output_per_mtok: '12.00',
  },
  'gemini-2.0-flash': {
    input_per_mtok: '0.10',
    cached_input_per_mtok: '0.025',
    cache_storage_per_mtok_hour: '1.00',
    output_per_mtok: '0.40',
    audio_input_per_mtok: '0.70',
    cached_audio_input_per_mtok: '0.175',
  },
  'gemini-2.0-flash-lite': { input_per_mtok: '0.075', output_per_mtok: '0.30' },
  'gemini-embedding-001': { input_per_mtok: '0.15', output_per_mtok: '0' },
  'text-embedding-004': { input_per_mtok: '0', output_per_mtok: '0' },
  'imagen-4.0-generate-001': { per_image: '0.04' },
  'imagen-4.0-ultra-generate-001': { per_image: '0.06' },
  'imagen-4.0-fast-generate-001': { per_image: '0.02' },
  'veo-3.1-generate-preview': { per_video_second: '0.40' },
  'veo-3.1-fast-generate-preview': { per_video_second: '0.15' },
  'veo-3.0-generate-001': { per_video_second: '0.40' },
  'veo-3.0-fast-generate-001': { per_video_second: '0.15' },
  'veo-2.0-generate-001': { per_video_second: '0.35' },

  // ── DeepSeek (cache hit = cached input, cache miss = input) ─────────────────────────────────
  'deepseek-chat': { input_per_mtok: '0.28', cached_input_per_mtok: '0.028', output_per_mtok: '0.42' },
  'deepseek-reasoner': { input_per_mtok: '0.28', cached_input_per_mtok: '0.028', output_per_mtok: '0.42' },

  // ── Kling (per second of output video) ──────────────────────────────────────────────────────
  'kling-v2-5-turbo': {
    per_video_second: '0.07',
    per_video_second_by_resolution: { '720p': '0.042', '1080p': '0.07' },
  },
  'kling-v2-1-master': { per_video_second: '0.28' },
  'kling-v2-1': {
    per_video_second: '0.098',
    per_video_second_by_resolution: { '720p': '0.056', '1080p': '0.098' },
  },
  'kling-v1-6': {
    per_video_second: '0.098',
    per_video_second_by_resolution: { '720p': '0.056', '1080p': '0.098' },
  },

  // ── Seedance (per second of output video) ───────────────────────────────────────────────────
  'seedance-1-0-pro-250528': {
    per_video_second: '0.124',
    per_video_second_by_resolution: { '480p': '0.025', '720p': '0.054', '1080p': '0.124' },
  },
  'seedance-1-0-pro-fast-251015': {
    per_video_second: '0.05',
    per_video_second_by_resolution: { '480p': '0.01', '720p': '0.022', '1080p': '0.05' },
  },
  'seedance-1-0-lite-t2v-250428': {
    per_video_second: '0.089',
    per_video_second_by_resolution: { '480p': '0.018', '720p': '0.039', '1080p': '0.089' },
  },
  'seedance-1-0-lite-i2v-250428': {
    per_video_second: '0.089',
    per_video_second_by_resolution: { '480p': '0.018', '720p': '0.039', '1080p': '0.089' },
  },
};

/**
 * Shipped prices for a model id: an exact match, else the longest table key the id starts with
 * followed by a dated or versioned suffix (`gpt-4o-2024-08-06` → `gpt-4o`, `claude-sonnet-4-5-20250929`
 * → `claude-sonnet-4-5`). Provider prefixes (`models/`, `openai/`) are ignored.
 */
export function shippedPricing(modelId: string | undefined): PricingInput | undefined {
  if (!modelId) return undefined;
  const id = modelId.replace(/^models\//, '').replace(/^[a-z-]+\//, '');
  if (Object.hasOwn(PRICE_TABLE, id)) return PRICE_TABLE[id];
  let best: string | undefined;
  for (const key of Object.keys(PRICE_TABLE)) {
    if (
      id.startsWith(`${key}-`) &&
      /^-(\d{4}-?\d{2}-?\d{2}|\d{3,}|latest|preview|exp)/.test(id.slice(key.length)) &&
      (!best || key.length > best.length)
    )
      best = key;
  }
  return best ? PRICE_TABLE[best] : undefined;
}

/**
 * The prices a request is billed at: the shipped table (by upstream model, then by public model name)
 * with the catalog's pricing merged over it field by field. Pricing the catalog leaves empty keeps
 * the shipped values; `cached_input_per_mtok` and the others fall back inside `costOf`.
 */
export function effectivePricing(
  catalogPricing: PricingInput | undefined,
  upstreamModel?: string,
  publicModel?: string,
): PricingInput {
  // Memoised per catalog pricing object (replaced on every catalog reload), so the request path merges
  // and parses prices once per model, not once per request.
  const owner = catalogPricing ?? NO_CATALOG_PRICING;
  let byModel = mergedPricingCache.get(owner);
  if (!byModel) {
    byModel = new Map();
    mergedPricingCache.set(owner, byModel);
  }
  const key = `${upstreamModel ?? ''}|${publicModel ?? ''}`;
  let out = byModel.get(key);
  if (!out) {
    out = mergePricing(catalogPricing, upstreamModel, publicModel);
    byModel.set(key, out);
  }
  return out;
}

const NO_CATALOG_PRICING: PricingInput = {};
/** Results are shared: callers must treat them as read-only. */
const mergedPricingCache = new WeakMap<PricingInput, Map<string, PricingInput>>();

function mergePricing(
  catalogPricing: PricingInput | undefined,
  upstreamModel?: string,
  publicModel?: string,
): PricingInput {
  const shipped = shippedPricing(upstreamModel) ?? shippedPricing(publicModel) ?? {};
  const merged: PricingInput = { ...shipped };
  for (const [k, v] of Object.entries(catalogPricing ?? {})) if (v !== undefined && v !== null) merged[k] = v;
  return merged;
}
