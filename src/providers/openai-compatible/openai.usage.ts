import type { Usage } from '../core/canonical';
import type { OpenAiUsage } from './openai.wire';

/** OpenAI (and DeepSeek) usage → canonical. `prompt_tokens` already includes cached tokens. */
export function fromOpenAiUsage(u: OpenAiUsage | null | undefined): Usage | undefined {
  if (!u || typeof u !== 'object') return undefined;
  const usage: Usage = { promptTokens: u.prompt_tokens ?? 0, completionTokens: u.completion_tokens ?? 0 };
  const cached = u.prompt_tokens_details?.cached_tokens ?? u.prompt_cache_hit_tokens;
  if (cached) usage.cachedTokens = cached;
  const reasoning = u.completion_tokens_details?.reasoning_tokens;
  if (reasoning) usage.reasoningTokens = reasoning;
  const audioIn = u.prompt_tokens_details?.audio_tokens;
  if (audioIn) usage.audioInputTokens = audioIn;
  const audioOut = u.completion_tokens_details?.audio_tokens;
  if (audioOut) usage.audioOutputTokens = audioOut;
  return usage;
}

/** Responses API / embeddings usage shapes. */
export function fromOpenAiAnyUsage(raw: unknown): Usage | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const u = raw as Record<string, unknown> & {
    input_tokens?: number;
    output_tokens?: number;
    input_tokens_details?: { cached_tokens?: number };
    output_tokens_details?: { reasoning_tokens?: number };
  };
  if (typeof u.prompt_tokens === 'number') {
    return fromOpenAiUsage(u as unknown as OpenAiUsage);
  }
  if (typeof u.input_tokens === 'number' || typeof u.output_tokens === 'number') {
    const usage: Usage = { promptTokens: u.input_tokens ?? 0, completionTokens: u.output_tokens ?? 0 };
    if (u.input_tokens_details?.cached_tokens) usage.cachedTokens = u.input_tokens_details.cached_tokens;
    if (u.output_tokens_details?.reasoning_tokens)
      usage.reasoningTokens = u.output_tokens_details.reasoning_tokens;
    return usage;
  }
  return undefined;
}

/** Canonical → OpenAI usage object as clients expect it. */
export function toOpenAiUsage(u: Usage): OpenAiUsage {
  return {
    prompt_tokens: u.promptTokens,
    completion_tokens: u.completionTokens,
    total_tokens: u.promptTokens + u.completionTokens,
    prompt_tokens_details: { cached_tokens: u.cachedTokens ?? 0, audio_tokens: u.audioInputTokens ?? 0 },
    completion_tokens_details: {
      reasoning_tokens: u.reasoningTokens ?? 0,
      audio_tokens: u.audioOutputTokens ?? 0,
    },
  };
}
