import type { LocalChatHandler, ProviderAdapter, ProviderContext } from '../core/adapter';
import type { ChatRequest, ChatResponse, ChatStreamEvent, Usage } from '../core/canonical';
import { estimatePromptTokens } from '../core/token-estimate';
import type { CancelSignal } from '../core/cancel';

/**
 * The built-in `mock` provider: deterministic text and usage, no network. Settings (per deployment):
 * `latency_ms` before the answer / first chunk, `chunk_delay_ms` between stream chunks, `response` to
 * fix the answer text.
 */
function mockReply(req: ChatRequest, ctx: ProviderContext): { text: string; usage: Usage } {
  const fixed = ctx.deployment.settings.response;
  const lastUser = [...req.messages]
    .reverse()
    .find((m) => m.role === 'user' && !m.content.some((b) => b.type === 'tool_result'));
  const prompt = lastUser?.content.map((p) => (p.type === 'text' ? p.text : `[${p.type}]`)).join(' ') ?? '';
  let text = typeof fixed === 'string' ? fixed : `This is a mock response to: ${prompt.slice(0, 200)}`;
  const words = text.split(' ');
  if (req.maxTokens !== undefined && words.length > req.maxTokens)
    text = words.slice(0, Math.max(1, req.maxTokens)).join(' ');
  const completionTokens = text.split(' ').length;
  return { text, usage: { promptTokens: estimatePromptTokens(req), completionTokens } };
}

function setting(ctx: ProviderContext, name: string): number {
  const v = Number(ctx.deployment.settings[name] ?? 0);
  return Number.isFinite(v) && v > 0 ? v : 0;
}

function sleep(ms: number, signal?: CancelSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      },
      { once: true },
    );
  });
}

let counter = 0;
function mockId(): string {
  counter = (counter + 1) % 1_000_000_000;
  return `chatcmpl-mock${counter.toString(36)}`;
}

const mockChat: LocalChatHandler = {
  kind: 'local',
  async complete(req, ctx, signal): Promise<ChatResponse> {
    await sleep(setting(ctx, 'latency_ms'), signal);
    const { text, usage } = mockReply(req, ctx);
    const n = req.n ?? 1;
    return {
      id: mockId(),
      created: Math.floor(Date.now() / 1000),
      choices: Array.from({ length: n }, (_, index) => ({
        index,
        message: { role: 'assistant' as const, content: [{ type: 'text' as const, text }] },
        finishReason: 'stop' as const,
      })),
      usage: { ...usage, completionTokens: usage.completionTokens * n },
    };
  },
  async *stream(req, ctx, signal): AsyncGenerator<ChatStreamEvent> {
    await sleep(setting(ctx, 'latency_ms'), signal);
    const { text, usage } = mockReply(req, ctx);
    const delay = setting(ctx, 'chunk_delay_ms');
    yield { type: 'start', id: mockId() };
    const words = text.split(' ');
    for (let i = 0; i < words.length; i++) {
      if (i > 0) await sleep(delay, signal);
      yield { type: 'text', choice: 0, text: i === 0 ? words[i] : ` ${words[i]}` };
    }
    yield { type: 'finish', choice: 0, reason: 'stop' };
    yield { type: 'usage', usage };
  },
};

export const mockAdapter: ProviderAdapter = {
  id: 'mock',
  capabilities: {
    chat: true,
    streaming: true,
    tools: false,
    vision: true,
    audioInput: false,
    embeddings: false,
    video: false,
    mediaUrls: true,
  },
  chat: mockChat,
};
