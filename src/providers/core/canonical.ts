/**
 * The canonical chat schema: every dialect parses into it and every provider codec builds from it.
 * Wire formats live only in `src/dialects/*` and in each provider's `*.wire.ts`.
 */

export type ChatRole = ChatMessage['role'];

export interface CacheControl {
  type: 'ephemeral';
  /** Duration string such as "3600s" or "5m". */
  ttl?: string;
}

type Detail = 'low' | 'medium' | 'high' | 'ultra_high' | 'auto';

export interface TextBlock {
  type: 'text';
  text: string;
  cacheControl?: CacheControl;
}

/** `url` is https://, gs:// or a data: URI. */
export interface ImageBlock {
  type: 'image';
  url: string;
  detail?: Detail;
  mimeType?: string;
  cacheControl?: CacheControl;
}

/** Raw base64 audio, `format` such as "wav", "mp3" or "pcm16"; `transcript` on generated audio. */
export interface AudioBlock {
  type: 'audio';
  data: string;
  format: string;
  transcript?: string;
}

/** A file by data URI (`data`) or by reference (`uri`: https://, gs://, an uploaded file id). */
export interface FileBlock {
  type: 'file';
  data?: string;
  uri?: string;
  mimeType?: string;
  filename?: string;
  detail?: Detail;
  cacheControl?: CacheControl;
}

/** Model reasoning; `signature` (Anthropic) must be replayed unchanged with the next turn. */
export interface ThinkingBlock {
  type: 'thinking';
  thinking: string;
  signature?: string;
}

/** Reasoning the provider encrypted (Anthropic `redacted_thinking`), replayed unchanged. */
export interface RedactedThinkingBlock {
  type: 'redacted_thinking';
  data: string;
}

export interface ToolUseBlock {
  type: 'tool_use';
  id: string;
  name: string;
  /** JSON text of the arguments (OpenAI carries text; an object input is serialised once). */
  arguments: string;
  /** Gemini thought signature attached to this call, echoed back unchanged on the next turn. */
  thoughtSignature?: string;
}

/** The answer to the `tool_use` block whose id is `toolUseId`. */
export interface ToolResultBlock {
  type: 'tool_result';
  toolUseId: string;
  /** The function's name, when the caller gave it (Gemini needs it; OpenAI's legacy `function` role). */
  name?: string;
  content: MediaBlock[];
  isError?: boolean;
  cacheControl?: CacheControl;
}

/** Media and text: what a system prompt and a user turn carry besides tool results. */
export type MediaBlock = TextBlock | ImageBlock | AudioBlock | FileBlock;
export type UserBlock = MediaBlock | ToolResultBlock;
export type AssistantBlock =
  | TextBlock
  | ThinkingBlock
  | RedactedThinkingBlock
  | ToolUseBlock
  | ImageBlock
  | AudioBlock
  | FileBlock;
export type ContentBlock = UserBlock | AssistantBlock;

export interface SystemMessage {
  role: 'system';
  content: MediaBlock[];
  name?: string;
}

/**
 * A user turn. Tool results are blocks of it, as in Anthropic, Responses and Gemini; OpenAI's `tool`
 * messages each become a user turn of one `tool_result` (the OpenAI codec splits them out again).
 */
export interface UserMessage {
  role: 'user';
  content: UserBlock[];
  name?: string;
}

/** An assistant turn: its blocks in the order the model produced them. */
export interface AssistantMessage {
  role: 'assistant';
  content: AssistantBlock[];
  name?: string;
  /** OpenAI's refusal text, which is not content. */
  refusal?: string;
}

/**
 * One turn of a conversation, by role (there is no `tool` role: see `UserMessage`); its content is
 * an ordered list of blocks, so a provider or dialect that orders thinking, text and tool use
 * (Anthropic, Responses, Gemini) round-trips that order.
 */
export type ChatMessage = SystemMessage | UserMessage | AssistantMessage;

export type ToolDefinition =
  | {
      type: 'function';
      name: string;
      description?: string;
      parameters?: Record<string, unknown>;
      strict?: boolean;
      /** Anthropic `cache_control` on a tool definition (caches the tools up to and including it). */
      cacheControl?: CacheControl;
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
  /** Tokens written to a provider prompt cache (Anthropic `cache_creation_input_tokens`), a part of `promptTokens`. */
  cacheWriteTokens?: number;
  /** The part of `cacheWriteTokens` written with a 1-hour TTL (Anthropic `ephemeral_1h_input_tokens`), priced apart. */
  cacheWrite1hTokens?: number;
  /** Audio prompt tokens, cached ones included (both Gemini and OpenAI count them so). */
  audioInputTokens?: number;
  /** The cached tokens that are audio (a part of both `cachedTokens` and `audioInputTokens`), when reported. */
  cachedAudioTokens?: number;
  audioOutputTokens?: number;
  imageOutputTokens?: number;
  /** Tokens were counted by the gateway, not reported by the provider. */
  estimated?: boolean;
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

/**
 * Block boundaries in a stream. Content events of one choice belong to the block of the event before
 * them when they are of the same kind (a `tool_call` also needs the same `index`); a change of kind
 * starts the next block. `block`, set only by producers whose upstream numbers its blocks (Anthropic's
 * content-block index), says so explicitly; it keeps two adjacent blocks of one kind apart. Consumers
 * that need positions (Anthropic, Responses) count them with `StreamBlockCounter` (stream-blocks.ts):
 * nothing is allocated per chunk for it.
 */
export type ChatStreamEvent =
  | { type: 'start'; id?: string }
  | { type: 'text'; choice: number; text: string; block?: number }
  /** `signature` closes a thinking block (Anthropic's signature_delta). */
  | { type: 'reasoning'; choice: number; text: string; signature?: string; block?: number }
  | { type: 'redacted_reasoning'; choice: number; data: string; block?: number }
  | { type: 'refusal'; choice: number; text: string; block?: number }
  | {
      type: 'tool_call';
      choice: number;
      /** position of the call among the message's tool calls */
      index: number;
      id?: string;
      name?: string;
      argumentsDelta: string;
      thoughtSignature?: string;
      block?: number;
    }
  | { type: 'audio'; choice: number; data: string; transcript?: string; block?: number }
  | { type: 'image'; choice: number; url: string; block?: number }
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
