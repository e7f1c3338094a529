import type { ChatMessage, ChatRequest, ContentPart, ToolChoice, ToolDefinition } from '../core/canonical';
import { ProviderError } from '../core/provider-error';
import type { OpenAiContentPart, OpenAiMessage } from './openai.wire';

export interface OpenAiRequestOptions {
  /** Send `max_completion_tokens` (OpenAI) instead of the older `max_tokens` (most compatible hosts). */
  maxCompletionTokensField: boolean;
  /** Echo assistant `reasoning_content` back (DeepSeek thinking mode with tools requires it). */
  replayReasoningContent: boolean;
}

/** Canonical request → OpenAI chat-completions body. Pure. */
export function toOpenAiChatBody(
  req: ChatRequest,
  upstreamModel: string,
  opts: OpenAiRequestOptions,
): Record<string, unknown> {
  const body: Record<string, unknown> = {
    ...(req.extensions?.openai ?? {}),
    model: upstreamModel,
    messages: req.messages.map((m) => toOpenAiMessage(m, opts)),
  };
  if (req.stream) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  if (req.maxTokens !== undefined)
    body[opts.maxCompletionTokensField ? 'max_completion_tokens' : 'max_tokens'] = req.maxTokens;
  setIf(body, 'temperature', req.temperature);
  setIf(body, 'top_p', req.topP);
  setIf(body, 'stop', req.stop);
  setIf(body, 'n', req.n);
  setIf(body, 'seed', req.seed);
  setIf(body, 'frequency_penalty', req.frequencyPenalty);
  setIf(body, 'presence_penalty', req.presencePenalty);
  setIf(body, 'logprobs', req.logprobs);
  setIf(body, 'top_logprobs', req.topLogprobs);
  setIf(body, 'parallel_tool_calls', req.parallelToolCalls);
  setIf(body, 'user', req.user);
  setIf(body, 'metadata', req.metadata);
  setIf(body, 'modalities', req.modalities);
  setIf(body, 'audio', req.audio);
  if (req.tools?.length) body.tools = req.tools.map(toOpenAiTool);
  if (req.toolChoice !== undefined) body.tool_choice = toOpenAiToolChoice(req.toolChoice);
  if (req.responseFormat) {
    const f = req.responseFormat;
    body.response_format =
      f.type === 'json_schema'
        ? {
            type: 'json_schema',
            json_schema: { name: f.name ?? 'response', schema: f.schema, strict: f.strict },
          }
        : { type: f.type };
  }
  const effort = req.reasoning?.effort;
  if (effort && effort !== 'disable') body.reasoning_effort = effort;
  return body;
}

function setIf(body: Record<string, unknown>, key: string, value: unknown): void {
  if (value !== undefined) body[key] = value;
}

function toOpenAiMessage(m: ChatMessage, opts: OpenAiRequestOptions): OpenAiMessage {
  const out: OpenAiMessage = { role: m.role, content: toOpenAiContent(m) };
  if (m.name) out.name = m.name;
  if (m.role === 'assistant') {
    if (m.toolCalls?.length) {
      out.tool_calls = m.toolCalls.map((c) => ({
        id: c.id,
        type: 'function',
        function: { name: c.name, arguments: c.arguments },
      }));
      if (out.content === '') out.content = null;
    }
    if (opts.replayReasoningContent && m.reasoningContent) out.reasoning_content = m.reasoningContent;
  }
  if (m.role === 'tool') out.tool_call_id = m.toolCallId;
  return out;
}

function toOpenAiContent(m: ChatMessage): string | OpenAiContentPart[] {
  if (m.content.every((p) => p.type === 'text')) {
    return m.content.map((p) => (p as { text: string }).text).join('');
  }
  return m.content.map(toOpenAiPart);
}

function toOpenAiPart(p: ContentPart): OpenAiContentPart {
  switch (p.type) {
    case 'text':
      return { type: 'text', text: p.text };
    case 'image':
      return { type: 'image_url', image_url: p.detail ? { url: p.url, detail: p.detail } : { url: p.url } };
    case 'audio':
      return { type: 'input_audio', input_audio: { data: p.data, format: p.format } };
    case 'file':
      return { type: 'file', file: { file_data: p.data, file_id: p.uri, filename: p.filename } };
  }
}

function toOpenAiTool(t: ToolDefinition): Record<string, unknown> {
  if (t.type === 'function') {
    return {
      type: 'function',
      function: { name: t.name, description: t.description, parameters: t.parameters, strict: t.strict },
    };
  }
  throw new ProviderError({
    kind: 'invalid_request',
    param: 'tools',
    message: `tool "${t.name}" is a built-in tool of another provider; this deployment speaks OpenAI`,
  });
}

function toOpenAiToolChoice(c: ToolChoice): unknown {
  return typeof c === 'string' ? c : { type: 'function', function: { name: c.name } };
}
