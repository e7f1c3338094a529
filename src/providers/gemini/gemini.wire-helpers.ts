import type { GeminiCandidate } from './gemini.wire';

/**
 * Pure facts about the Gemini wire format shared by the provider codec (canonical ⇄ upstream) and
 * the Google client dialect (client ⇄ canonical), so both read and write the same keys.
 */

/**
 * Per-candidate metadata carried through `providerMetadata` as one list per key (one entry per
 * candidate that had it): read from a Gemini answer, written back onto a Google-dialect answer.
 */
export const CANDIDATE_METADATA_KEYS = [
  'groundingMetadata',
  'urlContextMetadata',
  'safetyRatings',
  'citationMetadata',
] as const satisfies ReadonlyArray<keyof GeminiCandidate>;

/** `GenerationConfig` keys that have a canonical `ChatRequest` field (sampling, format, modalities, speech, thinking). */
export const CANONICAL_GENERATION_CONFIG_KEYS: ReadonlySet<string> = new Set([
  'temperature',
  'topP',
  'topK',
  'candidateCount',
  'maxOutputTokens',
  'stopSequences',
  'presencePenalty',
  'frequencyPenalty',
  'seed',
  'responseLogprobs',
  'logprobs',
  'responseMimeType',
  'responseSchema',
  'responseJsonSchema',
  'responseModalities',
  'speechConfig',
  'thinkingConfig',
]);
