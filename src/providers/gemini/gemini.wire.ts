/**
 * Gemini API (generativelanguage v1beta) wire types, as the `@google/genai` SDK sends and reads them
 * for the Gemini Developer API (see /work/shared/docs/providers.md §1). Only JSON shapes, no logic.
 */

export type GeminiRole = 'user' | 'model';

export interface GeminiBlob {
  mimeType: string;
  /** base64 */
  data: string;
}

export interface GeminiFileData {
  fileUri: string;
  mimeType?: string;
}

export interface GeminiFunctionCall {
  name: string;
  args?: Record<string, unknown>;
  id?: string;
}

export interface GeminiFunctionResponse {
  name: string;
  response: Record<string, unknown>;
  id?: string;
}

export type GeminiMediaResolutionLevel =
  | 'MEDIA_RESOLUTION_LOW'
  | 'MEDIA_RESOLUTION_MEDIUM'
  | 'MEDIA_RESOLUTION_HIGH'
  | 'MEDIA_RESOLUTION_ULTRA_HIGH';

/** Exactly one data field per part; `thought`, `thoughtSignature`, `mediaResolution`, `videoMetadata` are modifiers. */
export interface GeminiPart {
  text?: string;
  inlineData?: GeminiBlob;
  fileData?: GeminiFileData;
  functionCall?: GeminiFunctionCall;
  functionResponse?: GeminiFunctionResponse;
  executableCode?: { language?: string; code: string; id?: string };
  codeExecutionResult?: { outcome?: string; output?: string; id?: string };
  thought?: boolean;
  thoughtSignature?: string;
  mediaResolution?: { level: GeminiMediaResolutionLevel };
  videoMetadata?: { startOffset?: string; endOffset?: string; fps?: number };
}

export interface GeminiContent {
  role?: GeminiRole;
  parts?: GeminiPart[];
}

export interface GeminiFunctionDeclaration {
  name: string;
  description?: string;
  /** OpenAPI-3.0 subset schema (legacy 1.x models). */
  parameters?: Record<string, unknown>;
  /** Plain JSON Schema (what current SDKs send). */
  parametersJsonSchema?: Record<string, unknown>;
}

/** One tool kind per object: `{functionDeclarations}`, `{googleSearch:{}}`, `{urlContext:{}}`, `{codeExecution:{}}`… */
export interface GeminiTool {
  functionDeclarations?: GeminiFunctionDeclaration[];
  googleSearch?: Record<string, unknown>;
  urlContext?: Record<string, unknown>;
  codeExecution?: Record<string, unknown>;
  googleSearchRetrieval?: Record<string, unknown>;
  googleMaps?: Record<string, unknown>;
  fileSearch?: Record<string, unknown>;
  [builtin: string]: unknown;
}

export type GeminiFunctionCallingMode = 'AUTO' | 'ANY' | 'NONE' | 'VALIDATED';

export interface GeminiToolConfig {
  functionCallingConfig?: { mode?: GeminiFunctionCallingMode; allowedFunctionNames?: string[] };
  [key: string]: unknown;
}

export interface GeminiThinkingConfig {
  thinkingBudget?: number;
  thinkingLevel?: string;
  includeThoughts?: boolean;
}

export interface GeminiSpeechConfig {
  voiceConfig?: { prebuiltVoiceConfig?: { voiceName: string } };
  [key: string]: unknown;
}

export type GeminiModality = 'TEXT' | 'IMAGE' | 'AUDIO';

export interface GeminiGenerationConfig {
  temperature?: number;
  topP?: number;
  topK?: number;
  candidateCount?: number;
  maxOutputTokens?: number;
  stopSequences?: string[];
  presencePenalty?: number;
  frequencyPenalty?: number;
  seed?: number;
  responseLogprobs?: boolean;
  logprobs?: number;
  responseMimeType?: string;
  responseSchema?: Record<string, unknown>;
  responseJsonSchema?: Record<string, unknown>;
  responseModalities?: GeminiModality[];
  speechConfig?: GeminiSpeechConfig;
  thinkingConfig?: GeminiThinkingConfig;
  mediaResolution?: string;
  imageConfig?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface GeminiSafetySetting {
  category: string;
  threshold: string;
}

export interface GeminiGenerateContentRequest {
  contents: GeminiContent[];
  systemInstruction?: GeminiContent;
  tools?: GeminiTool[];
  toolConfig?: GeminiToolConfig;
  safetySettings?: GeminiSafetySetting[];
  generationConfig?: GeminiGenerationConfig;
  cachedContent?: string;
  serviceTier?: string;
}

export interface GeminiModalityTokenCount {
  modality: 'TEXT' | 'IMAGE' | 'VIDEO' | 'AUDIO' | 'DOCUMENT' | string;
  tokenCount?: number;
}

export interface GeminiUsageMetadata {
  promptTokenCount?: number;
  cachedContentTokenCount?: number;
  candidatesTokenCount?: number;
  toolUsePromptTokenCount?: number;
  thoughtsTokenCount?: number;
  totalTokenCount?: number;
  promptTokensDetails?: GeminiModalityTokenCount[];
  cacheTokensDetails?: GeminiModalityTokenCount[];
  candidatesTokensDetails?: GeminiModalityTokenCount[];
  toolUsePromptTokensDetails?: GeminiModalityTokenCount[];
}

export interface GeminiLogprobsCandidate {
  token?: string;
  tokenId?: number;
  logProbability?: number;
}

export interface GeminiLogprobsResult {
  chosenCandidates?: GeminiLogprobsCandidate[];
  topCandidates?: Array<{ candidates?: GeminiLogprobsCandidate[] }>;
}

export interface GeminiCandidate {
  content?: GeminiContent;
  finishReason?: string;
  finishMessage?: string;
  index?: number;
  safetyRatings?: unknown[];
  citationMetadata?: unknown;
  groundingMetadata?: unknown;
  urlContextMetadata?: unknown;
  avgLogprobs?: number;
  logprobsResult?: GeminiLogprobsResult;
  tokenCount?: number;
}

export interface GeminiPromptFeedback {
  blockReason?: string;
  blockReasonMessage?: string;
  safetyRatings?: unknown[];
}

/** Also the shape of every `:streamGenerateContent?alt=sse` event (incremental parts). */
export interface GeminiGenerateContentResponse {
  candidates?: GeminiCandidate[];
  promptFeedback?: GeminiPromptFeedback;
  usageMetadata?: GeminiUsageMetadata;
  modelVersion?: string;
  responseId?: string;
}

export interface GeminiBatchEmbedRequest {
  requests: Array<{
    model: string;
    content: GeminiContent;
    taskType?: string;
    title?: string;
    outputDimensionality?: number;
  }>;
}

export interface GeminiBatchEmbedResponse {
  embeddings?: Array<{ values?: number[] }>;
  /** Not sent by the Gemini API today; read when present. */
  usageMetadata?: GeminiUsageMetadata;
}

export interface GeminiCountTokensResponse {
  totalTokens?: number;
  cachedContentTokenCount?: number;
}

/** `google.rpc.Status` as the Gemini API returns it: `{"error":{code,message,status,details}}`. */
export interface GeminiErrorDetail {
  '@type'?: string;
  reason?: string;
  domain?: string;
  metadata?: Record<string, string>;
  /** google.rpc.RetryInfo: a duration such as "27s" or "1.5s". */
  retryDelay?: string;
  [key: string]: unknown;
}

export interface GeminiErrorBody {
  error?: {
    code?: number;
    message?: string;
    status?: string;
    details?: GeminiErrorDetail[];
  };
}
