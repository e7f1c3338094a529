import type { ChatRequest } from '../core/canonical';
import { invalidParam } from './gemini.errors';
import type {
  GeminiGenerateContentRequest,
  GeminiGenerationConfig,
  GeminiSafetySetting,
  GeminiToolConfig,
} from './gemini.wire';
import { CANONICAL_GENERATION_CONFIG_KEYS } from './gemini.wire-helpers';

/**
 * Provider-specific passthrough (`ChatRequest.extensions`), merged last so explicit values win:
 *
 * - `extensions.gemini`: `safetySettings`, `cachedContent`, `serviceTier`, `toolConfig` go to the
 *   top level; `generationConfig` (an object) and every other key are merged into `generationConfig`
 *   (`{topK: 1}`, `{imageConfig: {...}}`, `{mediaResolution: "MEDIA_RESOLUTION_LOW"}`).
 * - `extensions.openai` (unknown OpenAI-body fields, as LiteLLM reads them): `safety_settings`,
 *   `cached_content`, `service_tier`, and camelCase GenerationConfig keys (`topK`…). OpenAI
 *   parameters Gemini has no equivalent for (`logit_bias`, `prediction`) are refused.
 */
export interface GeminiExtensionPart {
  generationConfig: GeminiGenerationConfig;
  safetySettings?: GeminiSafetySetting[];
  cachedContent?: string;
  serviceTier?: string;
  toolConfig?: GeminiToolConfig;
}

const TOP_LEVEL_KEYS = new Set([
  'safetySettings',
  'cachedContent',
  'serviceTier',
  'toolConfig',
  'generationConfig',
]);

/** GenerationConfig keys the Gemini API (not Vertex) accepts; only these are taken from an OpenAI body. */
export const GENERATION_CONFIG_KEYS = new Set([
  ...CANONICAL_GENERATION_CONFIG_KEYS,
  'mediaResolution',
  'imageConfig',
  'enableEnhancedCivicAnswers',
]);

const UNSUPPORTED_OPENAI_PARAMS = ['logit_bias', 'prediction'];

export function fromExtensions(req: ChatRequest): GeminiExtensionPart {
  let gemini = req.extensions?.gemini ?? {};
  const openai = req.extensions?.openai ?? {};
  for (const p of UNSUPPORTED_OPENAI_PARAMS) {
    if (openai[p] !== undefined && openai[p] !== null) throw invalidParam(p, 'not supported by Gemini');
  }

  const generationConfig: GeminiGenerationConfig = {};
  for (const [key, value] of Object.entries(openai))
    if (GENERATION_CONFIG_KEYS.has(key)) generationConfig[key] = value;
  // A top-level request key that landed among generation settings (a camelCase OpenAI-body field) goes back up.
  const nested = isRecord(gemini.generationConfig) ? gemini.generationConfig : {};
  const lifted: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(nested))
    (TOP_LEVEL_KEYS.has(key) ? lifted : generationConfig)[key] = value;
  for (const [key, value] of Object.entries(gemini))
    if (!TOP_LEVEL_KEYS.has(key)) generationConfig[key] = value;
  gemini = { ...lifted, ...gemini };

  const out: GeminiExtensionPart = { generationConfig };
  const safety = gemini.safetySettings ?? openai.safety_settings ?? openai.safetySettings;
  if (safety !== undefined) {
    if (!Array.isArray(safety))
      throw invalidParam('safety_settings', 'expected an array of {category, threshold}');
    out.safetySettings = safety as GeminiSafetySetting[];
  }
  const cached = gemini.cachedContent ?? openai.cached_content ?? openai.cachedContent;
  if (cached !== undefined) {
    if (typeof cached !== 'string') throw invalidParam('cached_content', 'expected "cachedContents/{id}"');
    out.cachedContent = cached.startsWith('cachedContents/') ? cached : `cachedContents/${cached}`;
  }
  const tier = gemini.serviceTier ?? serviceTierOf(openai.service_tier);
  if (typeof tier === 'string') out.serviceTier = tier;
  if (isRecord(gemini.toolConfig)) out.toolConfig = gemini.toolConfig as GeminiToolConfig;
  return out;
}

/** OpenAI `service_tier`: auto/default/standard are Gemini's default; flex and priority exist on both. */
function serviceTierOf(value: unknown): GeminiGenerateContentRequest['serviceTier'] {
  if (
    value === undefined ||
    value === null ||
    value === 'auto' ||
    value === 'default' ||
    value === 'standard'
  )
    return undefined;
  if (value === 'flex' || value === 'priority') return value;
  throw invalidParam(
    'service_tier',
    `service_tier "${String(value)}" is not offered by Gemini (flex, priority, standard)`,
  );
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}
