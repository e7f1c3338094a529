import type { ChatRequest } from '../core/canonical';
import { toGeminiContents } from './gemini.contents';
import { invalidParam } from './gemini.errors';
import { fromExtensions } from './gemini.extensions';
import {
  bareModelId,
  geminiMajorVersion,
  resolveThinkingTable,
  toGeminiThinkingConfig,
  type ThinkingTable,
} from './gemini.thinking';
import { toGeminiTools, toOpenApiSchema } from './gemini.tools';
import type { GeminiGenerateContentRequest, GeminiGenerationConfig, GeminiModality } from './gemini.wire';

/** What the request mapping needs to know about the upstream model, derived from its id and settings. */
export interface GeminiModelTraits {
  thinking: ThinkingTable;
  /** Gemini 1.x reads OpenAPI `responseSchema`/`parameters`, not JSON Schema. */
  legacySchema: boolean;
  /** Gemini 3+: per-part media resolution. */
  perPartMediaResolution: boolean;
  /** Native image-generation model ("…-image…"): answers TEXT and IMAGE by default. */
  imageOutput: boolean;
}

export function geminiModelTraits(
  upstreamModel: string,
  settings: Record<string, unknown> | undefined,
): GeminiModelTraits {
  const id = bareModelId(upstreamModel).toLowerCase();
  const major = geminiMajorVersion(id);
  return {
    thinking: resolveThinkingTable(upstreamModel, settings),
    legacySchema: major === 1 || id === 'gemini-pro' || id === 'gemini-pro-vision',
    perPartMediaResolution: (major ?? 0) >= 3,
    imageOutput: /-image(-|$)/.test(id),
  };
}

/** Canonical chat request → the `generateContent` body. Throws `invalid_request` naming the field Gemini cannot honour. */
export function toGeminiRequest(req: ChatRequest, traits: GeminiModelTraits): GeminiGenerateContentRequest {
  const conversation = toGeminiContents(req.messages, {
    perPartMediaResolution: traits.perPartMediaResolution,
  });
  const tools = toGeminiTools(req, traits.legacySchema);
  const ext = fromExtensions(req);
  const generationConfig = { ...toGenerationConfig(req, traits), ...ext.generationConfig };

  const body: GeminiGenerateContentRequest = { contents: conversation.contents };
  if (conversation.systemInstruction) body.systemInstruction = conversation.systemInstruction;
  if (tools.tools) body.tools = tools.tools;
  const toolConfig =
    tools.toolConfig || ext.toolConfig ? { ...tools.toolConfig, ...ext.toolConfig } : undefined;
  if (toolConfig) body.toolConfig = toolConfig;
  if (ext.safetySettings) body.safetySettings = ext.safetySettings;
  if (Object.keys(generationConfig).length > 0) body.generationConfig = generationConfig;
  if (ext.cachedContent) body.cachedContent = ext.cachedContent;
  if (ext.serviceTier) body.serviceTier = ext.serviceTier;
  return body;
}

function toGenerationConfig(req: ChatRequest, traits: GeminiModelTraits): GeminiGenerationConfig {
  const g: GeminiGenerationConfig = {};
  const temperature = req.temperature ?? traits.thinking.defaultTemperature;
  if (temperature !== undefined) g.temperature = temperature;
  if (req.topP !== undefined) g.topP = req.topP;
  if (req.topK !== undefined) g.topK = req.topK;
  if (req.n !== undefined) g.candidateCount = req.n;
  if (req.maxTokens !== undefined) g.maxOutputTokens = req.maxTokens;
  if (req.stop !== undefined && req.stop.length > 0) g.stopSequences = req.stop;
  if (req.presencePenalty !== undefined) g.presencePenalty = req.presencePenalty;
  if (req.frequencyPenalty !== undefined) g.frequencyPenalty = req.frequencyPenalty;
  if (req.seed !== undefined) g.seed = req.seed;
  if (req.logprobs !== undefined) g.responseLogprobs = req.logprobs;
  if (req.topLogprobs !== undefined) g.logprobs = req.topLogprobs;

  const format = req.responseFormat;
  if (format?.type === 'json_object') g.responseMimeType = 'application/json';
  else if (format?.type === 'json_schema') {
    g.responseMimeType = 'application/json';
    if (traits.legacySchema) g.responseSchema = toOpenApiSchema(format.schema) as Record<string, unknown>;
    else g.responseJsonSchema = format.schema;
  }

  const modalities = toResponseModalities(req, traits);
  if (modalities) g.responseModalities = modalities;
  if (req.audio) {
    const { voice, format: audioFormat } = req.audio;
    if (audioFormat !== undefined && audioFormat !== 'pcm16') {
      throw invalidParam('audio.format', `Gemini speech models answer only pcm16 (got "${audioFormat}")`);
    }
    if (voice) g.speechConfig = { voiceConfig: { prebuiltVoiceConfig: { voiceName: voice } } };
  }

  const thinkingConfig = toGeminiThinkingConfig(req.reasoning, traits.thinking);
  if (thinkingConfig) g.thinkingConfig = thinkingConfig;
  return g;
}

/** ["audio"] → ["AUDIO"]; ["image"] / ["text","image"] / image models → ["TEXT","IMAGE"]; `audio` implies AUDIO. */
function toResponseModalities(req: ChatRequest, traits: GeminiModelTraits): GeminiModality[] | undefined {
  const asked = req.modalities;
  let out: GeminiModality[] | undefined;
  if (asked && asked.length > 0) {
    if (asked.includes('image')) out = ['TEXT', 'IMAGE'];
    else if (asked.length === 1 && asked[0] === 'text') out = traits.imageOutput ? ['TEXT'] : undefined;
    else out = asked.map((m) => m.toUpperCase() as GeminiModality);
    if (asked.includes('image') && asked.includes('audio')) out = ['TEXT', 'IMAGE', 'AUDIO'];
  } else if (traits.imageOutput) out = ['TEXT', 'IMAGE'];
  if (req.audio && !(out ?? []).includes('AUDIO')) out = [...(out ?? []), 'AUDIO'];
  return out;
}
