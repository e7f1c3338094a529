/** OpenAI chat-completions wire types (the subset the gateway reads or writes; unknown fields pass through). */

export type OpenAiContentPart =
  | { type: 'text'; text: string; cache_control?: { type: 'ephemeral'; ttl?: string } }
  | { type: 'image_url'; image_url: { url: string; detail?: string; format?: string } }
  | { type: 'input_audio'; input_audio: { data: string; format: string } }
  | {
      type: 'file';
      file: { file_data?: string; file_id?: string; filename?: string; format?: string; detail?: string };
    };

export interface OpenAiToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
  provider_specific_fields?: { thought_signature?: string };
}

export interface OpenAiMessage {
  role: 'system' | 'developer' | 'user' | 'assistant' | 'tool' | 'function';
  content?: string | OpenAiContentPart[] | null;
  name?: string;
  tool_calls?: OpenAiToolCall[];
  tool_call_id?: string;
  reasoning_content?: string | null;
  thinking_blocks?: Array<
    { type: 'thinking'; thinking: string; signature?: string } | { type: 'redacted_thinking'; data: string }
  >;
  refusal?: string | null;
  audio?: { id?: string; data?: string; format?: string; transcript?: string } | null;
  images?: Array<{ type: 'image_url'; image_url: { url: string } }>;
}

export interface OpenAiUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: {
    cached_tokens?: number;
    audio_tokens?: number;
    cache_write_tokens?: number;
  } | null;
  completion_tokens_details?: {
    reasoning_tokens?: number;
    audio_tokens?: number;
    image_tokens?: number;
  } | null;
  /** DeepSeek */
  prompt_cache_hit_tokens?: number;
  prompt_cache_miss_tokens?: number;
}

export interface OpenAiChoice {
  index: number;
  message: OpenAiMessage;
  finish_reason: string | null;
  logprobs?: unknown;
}

export interface OpenAiChatResponse {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: OpenAiChoice[];
  usage?: OpenAiUsage | null;
  system_fingerprint?: string | null;
  [extra: string]: unknown;
}

export interface OpenAiChunkToolCall {
  index: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
  provider_specific_fields?: { thought_signature?: string };
}

export interface OpenAiChunkChoice {
  index: number;
  delta: {
    role?: 'assistant';
    content?: string | null;
    reasoning_content?: string | null;
    refusal?: string | null;
    tool_calls?: OpenAiChunkToolCall[];
    audio?: { data?: string; transcript?: string };
    images?: Array<{ type: 'image_url'; image_url: { url: string } }>;
  };
  finish_reason: string | null;
  logprobs?: unknown;
}

export interface OpenAiChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: OpenAiChunkChoice[];
  usage?: OpenAiUsage | null;
  error?: { message?: string; type?: string; code?: string };
  [extra: string]: unknown;
}

export interface OpenAiErrorBody {
  error?: { message?: string; type?: string; code?: string | number | null; param?: string | null };
}
