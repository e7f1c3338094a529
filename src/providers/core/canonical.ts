/**
 * The canonical chat schema: every dialect parses into it and every provider codec builds from it.
 * Wire formats live only in `src/dialects/*` and in each provider's `*.wire.ts`.
 */

export type ChatRole = 'system' | 'user' | 'assistant' | 'tool';

export interface CacheControl {
  type: 'ephemeral';
  /** Duration string such as "3600s" or "5m". */
  ttl?: string;
}

export type ContentPart =
  | { type: 'text'; text: string; cacheControl?: CacheControl }
  /** `url` is https://, gs:// or a data: URI. */
  | {
      type: 'image';
      url: string;
      detail?: 'low' | 'medium' | 'high' | 'ultra_high' | 'auto';
      mimeType?: string;
      cacheControl?: CacheControl;
    }
  /** Raw base64 audio, `format` such as "wav" or "mp3". */
  | { type: 'audio'; data: string; format: string }
  /** A file by data URI (`data`) or by reference (`uri`: https://, gs://, an uploaded file id). */
  | {
      type: 'file';
      data?: string;
      uri?: string;
      mimeType?: string;
      filename?: string;
      detail?: 'low' | 'medium' | 'high' | 'ultra_high' | 'auto';
      cacheControl?: CacheControl;
    };

export interface ToolCall {
  id: string;
  name: string;
  /** JSON text of the arguments, as OpenAI carries it. */
  arguments: string;
  /** Gemini thought signature attached to this call, echoed back unchanged on the next turn. */
  thoughtSignature?: string;
}

export interface ChatMessage {
  role: ChatRole;
  content: ContentPart[];
  name?: string;
  /** assistant turns */
  toolCalls?: ToolCall[];
  reasoningContent?: string;
  /** Anthropic-style thinking blocks carried back verbatim (signature included). */
  thinkingBlocks?: Array<
    { type: 'thinking'; thinking: string; signature?: string } | { type: 'redacted_thinking'; data: string }
  >;
  /** tool turns */
  toolCallId?: string;
}

export type ToolDefinition =
  | {
      type: 'function';
      name: string;
      description?: string;
      parameters?: Record<string, unknown>;
      strict?: boolean;
    }
  /** Provider built-in tools (Gemini googleSearch, urlContext, codeExecution…), config passed through. */
  | {
      type: 'builtin';
      name: 'google_search' | 'url_context' | 'code_execution' | 'google_maps' | 'file_search' | string;
      config?: Record<string, unknown>;
    };

export type ToolChoice = 'auto' | 'none' | 'required' | { name: string };

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | {
      type: 'json_schema';
      name?: string;
      schema: Record<string, unknown>;
      strict?: boolean;
      enforceValidation?: boolean;
    };

export type ReasoningEffort = 'none' | 'disable' | 'minimal' | 'low' | 'medium' | 'high';

export interface ReasoningOptions {
  effort?: ReasoningEffort;
  /** Explicit thinking budget in tokens (Anthropic `thinking.budget_tokens`, Gemini `thinkingBudget`). */
  budgetTokens?: number;
  /** Explicitly enabled (`thinking.type: enabled`) or disabled. */
  enabled?: boolean;
  includeThoughts?: boolean;
}

export interface ChatRequest {
  messages: ChatMessage[];
  stream: boolean;
  /** The client asked for the usage chunk (`stream_options.include_usage`). The gateway always gets usage. */
  streamIncludeUsage?: boolean;
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  stop?: string[];
  n?: number;
  seed?: number;
  frequencyPenalty?: number;
  presencePenalty?: number;
  logprobs?: boolean;
  topLogprobs?: number;
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  parallelToolCalls?: boolean;
  responseFormat?: ResponseFormat;
  reasoning?: ReasoningOptions;
  modalities?: Array<'text' | 'audio' | 'image'>;
  audio?: { voice?: string; format?: string };
  user?: string;
  metadata?: Record<string, unknown>;
  /**
   * Provider-specific fields passed through untouched, keyed by provider family
   * (e.g. `gemini: { safetySettings, generationConfig }`), plus unknown OpenAI fields under `openai`.
   */
  extensions?: Record<string, Record<string, unknown>>;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'error';

export interface Usage {
  /** Includes cached tokens (OpenAI/Gemini convention; Anthropic codecs sum input + cache read + cache write). */
  promptTokens: number;
  /** Includes reasoning tokens. */
  completionTokens: number;
  reasoningTokens?: number;
  cachedTokens?: number;
  cacheWriteTokens?: number;
  /** Audio prompt tokens, cached ones included (both Gemini and OpenAI count them so). */
  audioInputTokens?: number;
  /** The cached tokens that are audio (a part of both `cachedTokens` and `audioInputTokens`), when reported. */
  cachedAudioTokens?: number;
  audioOutputTokens?: number;
  imageOutputTokens?: number;
  /** Tokens were counted by the gateway, not reported by the provider. */
  estimated?: boolean;
}

export interface AssistantMessage {
  role: 'assistant';
  content: string | null;
  reasoningContent?: string;
  refusal?: string | null;
  toolCalls?: ToolCall[];
  /** Generated audio (pcm16 base64 etc.). */
  audio?: { data: string; format: string; transcript?: string };
  /** Generated images as data URIs. */
  images?: Array<{ url: string }>;
  thinkingBlocks?: ChatMessage['thinkingBlocks'];
}

export interface ChatChoice {
  index: number;
  message: AssistantMessage;
  finishReason: FinishReason;
  logprobs?: unknown;
}

export interface ChatResponse {
  id: string;
  created: number;
  choices: ChatChoice[];
  usage?: Usage;
  /** Provider-specific metadata surfaced to clients (grounding, url context, safety ratings…). */
  providerMetadata?: Record<string, unknown>;
}

export type ChatStreamEvent =
  | { type: 'start'; id?: string }
  | { type: 'text'; choice: number; text: string }
  | { type: 'reasoning'; choice: number; text: string }
  | { type: 'refusal'; choice: number; text: string }
  | {
      type: 'tool_call';
      choice: number;
      /** position of the call within the message */
      index: number;
      id?: string;
      name?: string;
      argumentsDelta: string;
      thoughtSignature?: string;
    }
  | { type: 'audio'; choice: number; data: string; transcript?: string }
  | { type: 'image'; choice: number; url: string }
  | { type: 'finish'; choice: number; reason: FinishReason }
  | { type: 'usage'; usage: Usage }
  | { type: 'metadata'; metadata: Record<string, unknown> };

export interface EmbeddingsRequest {
  input: string[] | number[][];
  dimensions?: number;
  encodingFormat?: 'float' | 'base64';
  taskType?: string;
  user?: string;
}

export interface EmbeddingsResponse {
  embeddings: number[][];
  usage?: Usage;
}
