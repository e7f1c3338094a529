import type {
  AssistantBlock,
  CacheControl,
  ChatMessage,
  ChatRequest,
  MediaBlock,
  ReasoningEffort,
  ResponseFormat,
  ToolChoice,
  ToolDefinition,
  ToolResultBlock,
  ToolUseBlock,
} from '../../providers/core/canonical';
import { requireBase64, requireValidDataUri } from '../base64-data';
import { DialectValidationError } from '../dialect-validation-error';
import { CHOICE_COUNT, optIntIn, TOKEN_LIMIT } from '../field-ranges';
import {
  optBoolean,
  optInteger,
  optNumber,
  optObject,
  optString,
  requireBodyObject,
  requireModel,
} from './openai-fields';

/** Fields this parser maps; anything else rides along in `extensions.openai` (and camelCase ones to Gemini). */
const KNOWN = new Set([
  'model',
  'messages',
  'stream',
  'stream_options',
  'max_tokens',
  'max_completion_tokens',
  'temperature',
  'top_p',
  'top_k',
  'stop',
  'n',
  'seed',
  'frequency_penalty',
  'presence_penalty',
  'logprobs',
  'top_logprobs',
  'tools',
  'functions',
  'tool_choice',
  'function_call',
  'parallel_tool_calls',
  'response_format',
  'reasoning_effort',
  'thinking',
  'include_thoughts',
  'modalities',
  'audio',
  'user',
  'metadata',
  'safety_settings',
  'enforce_validation',
  'response_schema',
]);
const EFFORTS: ReasoningEffort[] = ['none', 'disable', 'minimal', 'low', 'medium', 'high'];
const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool', 'function']);

export interface ParsedOpenAiChat {
  publicModel: string;
  stream: boolean;
  body: Record<string, unknown>;
  request: ChatRequest;
}

/** OpenAI chat-completions body → canonical request. Throws DialectValidationError naming the field. */
export function fromOpenAiChatRequest(raw: unknown): ParsedOpenAiChat {
  const body = requireBodyObject(raw);
  const publicModel = requireModel(body);
  const stream = optBoolean(body, 'stream') ?? false;
  const streamOptions = optObject(body, 'stream_options');
  const req: ChatRequest = {
    messages: parseMessages(body.messages),
    stream,
    streamIncludeUsage: streamOptions?.include_usage === true,
    maxTokens:
      optIntIn(body.max_completion_tokens, 'max_completion_tokens', TOKEN_LIMIT) ??
      optIntIn(body.max_tokens, 'max_tokens', TOKEN_LIMIT),
    temperature: optNumber(body, 'temperature', 0, 2),
    topP: optNumber(body, 'top_p', 0, 1),
    topK: optInteger(body, 'top_k', 1),
    stop: parseStop(body.stop),
    n: optIntIn(body.n, 'n', CHOICE_COUNT),
    seed: optInteger(body, 'seed', Number.MIN_SAFE_INTEGER),
    frequencyPenalty: optNumber(body, 'frequency_penalty', -2, 2),
    presencePenalty: optNumber(body, 'presence_penalty', -2, 2),
    logprobs: optBoolean(body, 'logprobs'),
    topLogprobs: optInteger(body, 'top_logprobs', 0),
    tools: parseTools(body),
    toolChoice: parseToolChoice(body.tool_choice ?? body.function_call),
    parallelToolCalls: optBoolean(body, 'parallel_tool_calls'),
    responseFormat: parseResponseFormat(body),
    reasoning: parseReasoning(body),
    modalities: parseModalities(body.modalities),
    audio: optObject(body, 'audio') as ChatRequest['audio'],
    user: optString(body, 'user'),
    metadata: optObject(body, 'metadata'),
    extensions: parseExtensions(body),
  };
  // Absent fields stay `undefined` (no `delete`: it would turn the object into a slow dictionary).
  return { publicModel, stream, body, request: req };
}

function parseMessages(v: unknown): ChatMessage[] {
  if (!Array.isArray(v) || v.length === 0)
    throw new DialectValidationError("'messages' must be a non-empty array", 'messages');
  return v.map((m, i) => parseMessage(m, `messages[${i}]`));
}

/**
 * One OpenAI message → one canonical message (indices stay those of the wire, for error params).
 * An assistant turn's blocks: thinking (`thinking_blocks`, else `reasoning_content`), then its content,
 * then its tool calls; a `tool` message is a user turn holding one `tool_result` block.
 */
function parseMessage(v: unknown, path: string): ChatMessage {
  if (!v || typeof v !== 'object') throw new DialectValidationError(`'${path}' must be an object`, path);
  const m = v as Record<string, unknown>;
  if (typeof m.role !== 'string' || !ROLES.has(m.role)) {
    throw new DialectValidationError(
      `'${path}.role' must be one of system, developer, user, assistant, tool`,
      `${path}.role`,
    );
  }
  const content = withMessageCacheControl(
    parseContent(m.content, `${path}.content`),
    m.cache_control,
    `${path}.cache_control`,
  );
  const name = typeof m.name === 'string' ? m.name : undefined;
  switch (m.role) {
    case 'system':
    case 'developer':
      return name !== undefined ? { role: 'system', content, name } : { role: 'system', content };
    case 'user':
      return name !== undefined ? { role: 'user', content, name } : { role: 'user', content };
    case 'assistant':
      return parseAssistant(m, content, name, path);
    default:
      return { role: 'user', content: [parseToolResult(m, content, name, path)] };
  }
}

function parseAssistant(
  m: Record<string, unknown>,
  content: MediaBlock[],
  name: string | undefined,
  path: string,
): ChatMessage {
  const blocks: AssistantBlock[] = [];
  if (Array.isArray(m.thinking_blocks) && m.thinking_blocks.length > 0)
    blocks.push(...(m.thinking_blocks as AssistantBlock[]));
  else if (typeof m.reasoning_content === 'string' && m.reasoning_content)
    blocks.push({ type: 'thinking', thinking: m.reasoning_content });
  blocks.push(...content);
  if (Array.isArray(m.tool_calls))
    m.tool_calls.forEach((c, j) => blocks.push(parseToolCall(c, `${path}.tool_calls[${j}]`)));
  return name !== undefined
    ? { role: 'assistant', content: blocks, name }
    : { role: 'assistant', content: blocks };
}

function parseToolResult(
  m: Record<string, unknown>,
  content: MediaBlock[],
  name: string | undefined,
  path: string,
): ToolResultBlock {
  const id = m.tool_call_id ?? (m.role === 'function' ? m.name : undefined);
  if (typeof id !== 'string')
    throw new DialectValidationError(
      `'${path}.tool_call_id' is required for tool messages`,
      `${path}.tool_call_id`,
    );
  const result: ToolResultBlock = { type: 'tool_result', toolUseId: id, content };
  if (name !== undefined) result.name = name;
  return result;
}

/** LiteLLM's message-level `cache_control` (the seed's form) marks every part of that message. */
function withMessageCacheControl(parts: MediaBlock[], raw: unknown, path: string): MediaBlock[] {
  if (raw === undefined || raw === null) return parts;
  if (typeof raw !== 'object' || (raw as { type?: unknown }).type !== 'ephemeral') {
    throw new DialectValidationError(`'${path}' must be {"type": "ephemeral", "ttl"?: "<seconds>s"}`, path);
  }
  const cacheControl = raw as CacheControl;
  return parts.map((p) => (p.type === 'audio' || p.cacheControl ? p : { ...p, cacheControl }));
}

function parseToolCall(v: unknown, path: string): ToolUseBlock {
  const c = (v ?? {}) as {
    id?: unknown;
    function?: { name?: unknown; arguments?: unknown };
    provider_specific_fields?: { thought_signature?: unknown };
  };
  if (typeof c.id !== 'string' || typeof c.function?.name !== 'string') {
    throw new DialectValidationError(`'${path}' needs an 'id' and a 'function.name'`, path);
  }
  const args = c.function.arguments;
  const call: ToolUseBlock = {
    type: 'tool_use',
    id: c.id,
    name: c.function.name,
    arguments: typeof args === 'string' ? args : JSON.stringify(args ?? {}),
  };
  const sig = c.provider_specific_fields?.thought_signature;
  if (typeof sig === 'string') call.thoughtSignature = sig;
  return call;
}

function parseContent(v: unknown, path: string): MediaBlock[] {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') return [{ type: 'text', text: v }];
  if (!Array.isArray(v))
    throw new DialectValidationError(`'${path}' must be a string or an array of content parts`, path);
  return v.map((p, i) => parsePart(p, `${path}[${i}]`));
}

function parsePart(v: unknown, path: string): MediaBlock {
  const p = (v ?? {}) as Record<string, unknown>;
  const cacheControl = p.cache_control as CacheControl | undefined;
  switch (p.type) {
    case 'text':
      if (typeof p.text !== 'string')
        throw new DialectValidationError(`'${path}.text' must be a string`, `${path}.text`);
      return cacheControl ? { type: 'text', text: p.text, cacheControl } : { type: 'text', text: p.text };
    case 'image_url': {
      const img =
        typeof p.image_url === 'string'
          ? { url: p.image_url }
          : (p.image_url as { url?: unknown; detail?: string; format?: string } | undefined);
      if (typeof img?.url !== 'string')
        throw new DialectValidationError(`'${path}.image_url.url' must be a string`, `${path}.image_url.url`);
      const part: MediaBlock = { type: 'image', url: requireValidDataUri(img.url, `${path}.image_url.url`) };
      if (img.detail) part.detail = img.detail as typeof part.detail;
      if (img.format) part.mimeType = img.format;
      if (cacheControl) part.cacheControl = cacheControl;
      return part;
    }
    case 'input_audio': {
      const a = p.input_audio as { data?: unknown; format?: unknown } | undefined;
      if (typeof a?.data !== 'string' || typeof a.format !== 'string') {
        throw new DialectValidationError(
          `'${path}.input_audio' needs 'data' and 'format'`,
          `${path}.input_audio`,
        );
      }
      return { type: 'audio', data: requireBase64(a.data, `${path}.input_audio.data`), format: a.format };
    }
    case 'file': {
      const f = (p.file ?? {}) as {
        file_data?: string;
        file_id?: string;
        filename?: string;
        format?: string;
        detail?: string;
      };
      if (!f.file_data && !f.file_id)
        throw new DialectValidationError(`'${path}.file' needs 'file_data' or 'file_id'`, `${path}.file`);
      return {
        type: 'file',
        data: f.file_data ? fileData(f.file_data, `${path}.file.file_data`) : undefined,
        uri: f.file_id,
        filename: f.filename,
        mimeType: f.format,
        detail: f.detail as 'low' | undefined,
      };
    }
    default:
      throw new DialectValidationError(
        `'${path}.type' must be one of text, image_url, input_audio, file`,
        `${path}.type`,
      );
  }
}

/** `file_data`: a data: URI, or bare base64 (with `format` naming its type). */
function fileData(v: unknown, path: string): string {
  if (typeof v !== 'string') throw new DialectValidationError(`'${path}' must be a string`, path);
  return /^data:/i.test(v) ? requireValidDataUri(v, path) : requireBase64(v, path);
}

function parseStop(v: unknown): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((s) => typeof s === 'string')) return v as string[];
  throw new DialectValidationError("'stop' must be a string or an array of strings", 'stop');
}

function parseTools(body: Record<string, unknown>): ToolDefinition[] | undefined {
  const raw =
    body.tools ??
    (Array.isArray(body.functions)
      ? body.functions.map((f) => ({ type: 'function', function: f }))
      : undefined);
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) throw new DialectValidationError("'tools' must be an array", 'tools');
  return raw.map((t, i) => parseTool(t, `tools[${i}]`));
}

/** OpenAI function tools, plus the Gemini built-ins LiteLLM accepts (`{googleSearch: {}}` etc.). */
function parseTool(v: unknown, path: string): ToolDefinition {
  const t = (v ?? {}) as Record<string, unknown>;
  if (t.type === 'function') {
    const f = (t.function ?? {}) as Record<string, unknown>;
    if (typeof f.name !== 'string' || !f.name)
      throw new DialectValidationError(`'${path}.function.name' is required`, `${path}.function.name`);
    return {
      type: 'function',
      name: f.name,
      description: typeof f.description === 'string' ? f.description : undefined,
      parameters: f.parameters as Record<string, unknown> | undefined,
      strict: typeof f.strict === 'boolean' ? f.strict : undefined,
    };
  }
  const builtin: Record<string, string> = {
    googleSearch: 'google_search',
    google_search: 'google_search',
    googleSearchRetrieval: 'google_search_retrieval',
    urlContext: 'url_context',
    url_context: 'url_context',
    codeExecution: 'code_execution',
    code_execution: 'code_execution',
    googleMaps: 'google_maps',
    fileSearch: 'file_search',
  };
  const key = Object.keys(t).find((k) => builtin[k]);
  if (key) return { type: 'builtin', name: builtin[key], config: (t[key] ?? {}) as Record<string, unknown> };
  throw new DialectValidationError(
    `'${path}.type' must be 'function' (or a built-in tool such as googleSearch)`,
    `${path}.type`,
  );
}

function parseToolChoice(v: unknown): ToolChoice | undefined {
  if (v === undefined || v === null) return undefined;
  if (v === 'auto' || v === 'none' || v === 'required') return v;
  const name =
    (v as { function?: { name?: unknown }; name?: unknown }).function?.name ?? (v as { name?: unknown }).name;
  if (typeof name === 'string') return { name };
  throw new DialectValidationError(
    "'tool_choice' must be auto, none, required or {type:'function', function:{name}}",
    'tool_choice',
  );
}

function parseResponseFormat(body: Record<string, unknown>): ResponseFormat | undefined {
  const f = optObject(body, 'response_format');
  const enforce = body.enforce_validation === true || f?.enforce_validation === true;
  if (!f) return undefined;
  const schema = (f.response_schema ?? (f.json_schema as Record<string, unknown> | undefined)?.schema) as
    | Record<string, unknown>
    | undefined;
  if (f.type === 'json_schema' || (f.type === 'json_object' && schema)) {
    if (!schema || typeof schema !== 'object') {
      throw new DialectValidationError(
        "'response_format.json_schema.schema' is required for json_schema",
        'response_format.json_schema.schema',
      );
    }
    const js = (f.json_schema ?? {}) as { name?: string; strict?: boolean };
    return {
      type: 'json_schema',
      name: js.name,
      schema,
      strict: js.strict,
      enforceValidation: enforce || undefined,
    };
  }
  if (f.type === 'json_object' || f.type === 'text') return { type: f.type };
  throw new DialectValidationError(
    "'response_format.type' must be text, json_object or json_schema",
    'response_format.type',
  );
}

function parseReasoning(body: Record<string, unknown>): ChatRequest['reasoning'] {
  const effort = body.reasoning_effort;
  if (effort !== undefined && effort !== null && !EFFORTS.includes(effort as ReasoningEffort)) {
    throw new DialectValidationError(
      `'reasoning_effort' must be one of ${EFFORTS.join(', ')}`,
      'reasoning_effort',
    );
  }
  const thinking = optObject(body, 'thinking');
  const include = optBoolean(body, 'include_thoughts');
  if (effort == null && !thinking && include === undefined) return undefined;
  const out: NonNullable<ChatRequest['reasoning']> = {};
  if (effort != null) out.effort = effort as ReasoningEffort;
  if (thinking) {
    if (thinking.type === 'disabled') out.enabled = false;
    else if (thinking.type === 'enabled' || thinking.type === 'adaptive') out.enabled = true;
    if (thinking.budget_tokens !== undefined) {
      if (!Number.isInteger(thinking.budget_tokens) || (thinking.budget_tokens as number) < 0) {
        throw new DialectValidationError(
          "'thinking.budget_tokens' must be a non-negative integer",
          'thinking.budget_tokens',
        );
      }
      out.budgetTokens = thinking.budget_tokens as number;
    }
  }
  if (include !== undefined) out.includeThoughts = include;
  return out;
}

function parseModalities(v: unknown): ChatRequest['modalities'] {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || !v.every((m) => m === 'text' || m === 'audio' || m === 'image')) {
    throw new DialectValidationError("'modalities' must be an array of text, audio, image", 'modalities');
  }
  return v as ChatRequest['modalities'];
}

/** Unknown fields pass through to OpenAI-wire providers; camelCase ones and safety_settings go to Gemini. */
function parseExtensions(body: Record<string, unknown>): ChatRequest['extensions'] {
  const openai: Record<string, unknown> = {};
  const generationConfig: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) {
    if (KNOWN.has(k)) continue;
    openai[k] = v;
    if (/^[a-z]+[A-Z]/.test(k)) generationConfig[k] = v;
  }
  const gemini: Record<string, unknown> = {};
  if (body.safety_settings !== undefined) gemini.safetySettings = body.safety_settings;
  if (Object.keys(generationConfig).length) gemini.generationConfig = generationConfig;
  const out: Record<string, Record<string, unknown>> = {};
  if (Object.keys(openai).length) out.openai = openai;
  if (Object.keys(gemini).length) out.gemini = gemini;
  return Object.keys(out).length ? out : undefined;
}
