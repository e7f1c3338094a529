import type {
  AssistantMessage,
  ChatRequest,
  MediaBlock,
  ToolChoice,
  ToolDefinition,
  UserMessage,
} from '../core/canonical';
import { thinkingTextOf } from '../core/content';
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
    messages: toOpenAiMessages(req, opts),
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

/**
 * Canonical messages → OpenAI messages. A user turn's tool results become `tool` messages (in block
 * order, the rest of the turn after them as a user message); an assistant turn's thinking is dropped
 * unless the host wants it replayed (`reasoning_content`), its tool uses become `tool_calls`.
 */
function toOpenAiMessages(req: ChatRequest, opts: OpenAiRequestOptions): OpenAiMessage[] {
  const out: OpenAiMessage[] = [];
  for (const m of req.messages) {
    if (m.role === 'assistant') out.push(toOpenAiAssistant(m, opts));
    else if (m.role === 'user' && m.content.some((b) => b.type === 'tool_result')) pushUserTurn(out, m);
    // No tool result in it: all of it is media and text.
    else out.push(withName({ role: m.role, content: toOpenAiContent(m.content as MediaBlock[]) }, m.name));
  }
  return out;
}

function withName(msg: OpenAiMessage, name: string | undefined): OpenAiMessage {
  if (name) msg.name = name;
  return msg;
}

function pushUserTurn(out: OpenAiMessage[], m: UserMessage): void {
  let rest: MediaBlock[] = [];
  const flush = () => {
    if (rest.length > 0) out.push(withName({ role: 'user', content: toOpenAiContent(rest) }, m.name));
    rest = [];
  };
  for (const b of m.content) {
    if (b.type !== 'tool_result') {
      rest.push(b);
      continue;
    }
    flush();
    const tool = withName({ role: 'tool', content: toOpenAiContent(b.content) }, b.name);
    tool.tool_call_id = b.toolUseId;
    out.push(tool);
  }
  flush();
}

function toOpenAiAssistant(m: AssistantMessage, opts: OpenAiRequestOptions): OpenAiMessage {
  const media: MediaBlock[] = [];
  const calls: NonNullable<OpenAiMessage['tool_calls']> = [];
  for (const b of m.content) {
    if (b.type === 'tool_use')
      calls.push({ id: b.id, type: 'function', function: { name: b.name, arguments: b.arguments } });
    else if (b.type !== 'thinking' && b.type !== 'redacted_thinking') media.push(b);
  }
  const out: OpenAiMessage = { role: 'assistant', content: toOpenAiContent(media) };
  if (m.name) out.name = m.name;
  if (calls.length > 0) {
    out.tool_calls = calls;
    if (out.content === '') out.content = null;
  }
  if (opts.replayReasoningContent) {
    const reasoning = thinkingTextOf(m.content);
    if (reasoning) out.reasoning_content = reasoning;
  }
  return out;
}

function toOpenAiContent(content: MediaBlock[]): string | OpenAiContentPart[] {
  if (content.every((p) => p.type === 'text')) {
    return content.map((p) => (p as { text: string }).text).join('');
  }
  return content.map(toOpenAiPart);
}

function toOpenAiPart(p: MediaBlock): OpenAiContentPart {
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
